import type { Command } from 'commander';
import type { RecordedEvent } from '../../src/types.js';
import { wholeNumber } from '../args.js';
import { withStore } from '../context.js';
import { type Output, preview } from '../output.js';

interface ReadFlags {
  from?: number;
  backwards?: boolean;
  limit?: number;
}

export function registerRead(program: Command): void {
  program
    .command('read')
    .description("read a stream's events")
    .argument('<stream>', 'stream id')
    .option('--from <version>', 'first version to read (inclusive)', wholeNumber('--from', 1))
    .option('--backwards', 'newest first')
    .option('--limit <n>', 'at most this many events', wholeNumber('--limit', 1))
    .action(
      withStore(async (ctx, stream: string, flags: ReadFlags) => {
        const events: RecordedEvent[] = [];
        for await (const event of ctx.store.readStream(stream, {
          ...(flags.from !== undefined && { fromVersion: flags.from }),
          ...(flags.limit !== undefined && { maxCount: flags.limit }),
          direction: flags.backwards ? 'backwards' : 'forwards',
        })) {
          if (ctx.out.json) ctx.out.data(event);
          else events.push(event);
        }
        if (!ctx.out.json) printEvents(ctx.out, events);
      }),
    );
}

/** The human table of events, shared by `read` and `tail`. */
export function printEvents(out: Output, events: readonly RecordedEvent[]): void {
  out.table(
    ['POSITION', 'STREAM', 'VERSION', 'TYPE', 'CREATED', 'DATA'],
    events.map((e) => [e.position, e.streamId, e.version, e.type, e.createdAt, preview(e.data)]),
  );
}

/** One event on one line, for a live tail: columns fixed so lines stay aligned. */
export function eventLine(out: Output, event: RecordedEvent): string {
  return [
    String(event.position).padStart(8),
    out.style('cyan', event.type.padEnd(20)),
    `${event.streamId}@${event.version}`.padEnd(30),
    preview(event.data),
  ].join('  ');
}
