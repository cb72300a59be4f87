import type { Command } from 'commander';
import { readLastPosition } from '../../src/position/last-position.js';
import { wholeNumber } from '../args.js';
import { withStore } from '../context.js';

export function registerSubscriptions(program: Command): void {
  const subscriptions = program
    .command('subscriptions')
    .description('the checkpoints of subscribeToAll subscriptions');

  subscriptions
    .command('list')
    .description('each checkpoint, and how far behind the last position it is')
    .action(
      withStore(async (ctx) => {
        const last = await readLastPosition(ctx.client, ctx.connection.eventsTable);
        const rows = (await ctx.projections.listCheckpoints()).map((c) => ({
          ...c,
          lag: Math.max(0, last - c.position),
        }));
        ctx.out.result(rows, () =>
          ctx.out.table(
            ['NAME', 'POSITION', 'LAG', 'UPDATED'],
            rows.map((r) => [r.name, r.position, r.lag, r.updatedAt]),
          ),
        );
      }),
    );

  subscriptions
    .command('reset')
    .description(
      'move a checkpoint back or forth: the subscription handles --to-position next (stop it first)',
    )
    .argument('<name>', 'subscription name')
    .requiredOption(
      '--to-position <p>',
      'the position the subscription handles next (1: from the start)',
      wholeNumber('--to-position', 1),
    )
    .action(
      withStore(async (ctx, name: string, flags: { toPosition: number }) => {
        const before = await ctx.projections.getCheckpoint(name);
        await ctx.projections.resetCheckpoint(name, flags.toPosition - 1);
        ctx.out.result({ name, before: before ?? null, position: flags.toPosition - 1 }, () =>
          ctx.out.line(
            `reset ${name}: handles position ${flags.toPosition} next (checkpoint was ${before ?? 'none'})`,
          ),
        );
      }),
    );
}
