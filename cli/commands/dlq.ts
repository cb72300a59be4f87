import type { Command } from 'commander';
import { ProjectionFailedError } from '../../src/errors.js';
import { loadApp } from '../app-module.js';
import { repeatable } from '../args.js';
import type { CommandContext } from '../context.js';
import { withStore } from '../context.js';
import type { DeadLetter, DeadLetterQueue } from '../dlq/dead-letters.js';
import { LocalDeadLetters } from '../dlq/local-files.js';
import { readEvents, reapplyFor } from '../dlq/reapply.js';
import { SqsDeadLetters } from '../dlq/sqs-queues.js';
import { UsageError } from '../errors.js';

export function registerDlq(program: Command): void {
  const dlq = program
    .command('dlq')
    .description("the stream processors' dead letters: list them, redrive them");

  dlq
    .command('list')
    .description('each dead letter: its processor, when, and where its records were')
    .option('--processor <name>', 'only this processor (projector, snapshotter, ...)')
    .action(
      withStore(async (ctx, flags: { processor?: string }) => {
        const letters = await (await queueOf(ctx)).list(flags.processor);
        ctx.out.result(
          letters.map(({ events: _events, ...letter }) => letter),
          () =>
            ctx.out.table(
              ['PROCESSOR', 'AT', 'ATTEMPTS', 'RECORDS'],
              letters.map((l) => [l.consumer, l.at, l.attempts, l.coordinates]),
            ),
        );
      }),
    );

  dlq
    .command('redrive')
    .description(
      "read the dead letters' events again from the store, apply them through the processor, delete those that succeed",
    )
    .argument('<processor>', 'projector or snapshotter')
    .option(
      '--app <module>',
      'the module exporting `projections` / `aggregates` (repeatable)',
      repeatable,
    )
    .action(
      withStore(async (ctx, processor: string, flags: { app?: string[] }) => {
        const app = await loadApp(flags.app ?? []);
        const reapply = reapplyFor(processor, {
          store: ctx.store,
          projectionStore: ctx.projections,
          app,
        });
        const queue = await queueOf(ctx);
        const letters = await queue.list(processor);
        const done: DeadLetter[] = [];
        const failed: { letter: DeadLetter; reason: string }[] = [];
        for (const letter of letters) {
          try {
            const error = await reapply(await readEvents(ctx.store, await letter.events()));
            if (error === undefined) done.push(letter);
            else failed.push({ letter, reason: String((error as Error)?.message ?? error) });
          } catch (error) {
            failed.push({ letter, reason: (error as Error).message });
          }
        }
        await queue.remove(processor, done);
        ctx.out.result(
          {
            processor,
            redriven: done.length,
            failed: failed.map((f) => ({ id: f.letter.id, reason: f.reason })),
          },
          () =>
            ctx.out.line(
              `redrove ${done.length} of ${letters.length} dead letter(s) of the ${processor}` +
                (failed.length > 0 ? `; ${failed.length} still failing, kept` : ''),
            ),
        );
        if (failed.length > 0) {
          throw new ProjectionFailedError(
            processor,
            `${failed.length} dead letter(s) still fail and were kept; the first: ${failed[0]?.reason}`,
          );
        }
      }),
    );
}

/** The local runtime's files, or the stack's queues. */
async function queueOf(ctx: CommandContext): Promise<DeadLetterQueue> {
  const { connection } = ctx;
  if (connection.dataDir) return new LocalDeadLetters(connection.dataDir, connection.eventsTable);
  if (Object.keys(connection.deadLetterQueues).length > 0) {
    const { SQSClient } = await import('@aws-sdk/client-sqs').catch(() => {
      throw new UsageError(
        'dlq',
        'needs the package @aws-sdk/client-sqs on AWS: npm install @aws-sdk/client-sqs',
      );
    });
    const sqs = new SQSClient({
      ...(connection.region && { region: connection.region }),
      ...(connection.profile && { profile: connection.profile }),
    });
    return new SqsDeadLetters(connection.deadLetterQueues, sqs, ctx.client);
  }
  throw new UsageError(
    'dlq',
    'knows no dead letters here: run it against the local runtime (its data folder, --data-dir), or on AWS with --stack NAME (its dead-letter queue outputs)',
  );
}
