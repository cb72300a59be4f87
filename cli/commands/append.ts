import { text } from 'node:stream/consumers';
import type { Command } from 'commander';
import type { ExpectedVersion } from '../../src/types.js';
import { json } from '../args.js';
import { withStore } from '../context.js';
import { UsageError } from '../errors.js';

interface AppendFlags {
  type: string;
  data?: unknown;
  metadata?: unknown;
  eventId?: string;
  expectedVersion?: ExpectedVersion;
}

export function registerAppend(program: Command): void {
  program
    .command('append')
    .description('append one event to a stream')
    .argument('<stream>', 'stream id')
    .requiredOption('--type <type>', 'the event type')
    .option('--data <json>', "the event's data as JSON (default: read from stdin)", json('--data'))
    .option('--metadata <json>', "the event's metadata as JSON", json('--metadata'))
    .option('--event-id <id>', 'idempotency key (default: a UUID)')
    .option(
      '--expected-version <v>',
      "a version number, 'no_stream', 'stream_exists' or 'any' (default any)",
      expectedVersion,
    )
    .action(
      withStore(async (ctx, stream: string, flags: AppendFlags) => {
        const data = flags.data === undefined ? await dataFromStdin() : flags.data;
        const result = await ctx.store.appendToStream(
          stream,
          [
            {
              type: flags.type,
              data,
              ...(flags.metadata !== undefined && { metadata: flags.metadata }),
              ...(flags.eventId && { eventId: flags.eventId }),
            },
          ],
          flags.expectedVersion === undefined ? {} : { expectedVersion: flags.expectedVersion },
        );
        const event = result.events[0];
        ctx.out.result(
          {
            streamId: result.streamId,
            nextExpectedVersion: result.nextExpectedVersion,
            firstPosition: result.firstPosition,
            lastPosition: result.lastPosition,
            eventId: event?.eventId,
          },
          () =>
            ctx.out.line(
              `appended ${flags.type} to ${stream}: version ${result.nextExpectedVersion}, position ${result.firstPosition ?? 'pending (sequenced)'}, event id ${event?.eventId}`,
            ),
        );
      }),
    );
}

function expectedVersion(value: string): ExpectedVersion {
  if (value === 'any' || value === 'no_stream' || value === 'stream_exists') return value;
  if (/^\d+$/.test(value) && Number.isSafeInteger(Number(value))) return Number(value);
  throw new UsageError(
    '--expected-version',
    `must be a version number, 'no_stream', 'stream_exists' or 'any' (got '${value}')`,
  );
}

async function dataFromStdin(): Promise<unknown> {
  if (process.stdin.isTTY) {
    throw new UsageError('--data', 'is needed: give the JSON with --data, or pipe it to stdin');
  }
  const input = (await text(process.stdin)).trim();
  if (input === '') throw new UsageError('stdin', 'is empty: pipe the JSON data, or use --data');
  try {
    return JSON.parse(input);
  } catch (error) {
    throw new UsageError('stdin', `must be the event's data as JSON (${(error as Error).message})`);
  }
}
