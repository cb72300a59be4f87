import type { Command } from 'commander';
import { readLastPosition } from '../../src/position/last-position.js';
import { repeatable, wholeNumber } from '../args.js';
import { withStore } from '../context.js';
import { onInterrupt } from '../interrupt.js';
import { eventLine } from './read.js';

interface TailFlags {
  fromPosition?: number;
  type?: string[];
  prefix?: string;
  poll: number;
}

const PAGE = 500;

export function registerTail(program: Command): void {
  program
    .command('tail')
    .description('follow $all live, one line per event, until Ctrl-C')
    .option(
      '--from-position <p>',
      'start here (default: the events appended from now on)',
      wholeNumber('--from-position', 1),
    )
    .option('--type <type>', 'only events of this type (repeatable)', repeatable)
    .option('--prefix <prefix>', 'only events of streams whose id starts with this')
    .option(
      '--poll <ms>',
      'wait between reads once caught up',
      wholeNumber('--poll', 10, 60_000),
      500,
    )
    .action(
      withStore(async (ctx, flags: TailFlags) => {
        let next =
          flags.fromPosition ??
          (await readLastPosition(ctx.client, ctx.connection.eventsTable)) + 1;
        const types = flags.type && new Set(flags.type);
        let stopping = false;
        let wake: (() => void) | undefined;
        onInterrupt(() => {
          stopping = true;
          wake?.();
        });
        if (!ctx.out.json) ctx.out.note(`following $all from position ${next} (Ctrl-C stops)`);
        while (!stopping) {
          let read = 0;
          // Unfiltered, so the position moves past the events the filters leave out.
          for await (const event of ctx.store.readAll({ fromPosition: next, maxCount: PAGE })) {
            next = event.position + 1;
            read++;
            if (types && !types.has(event.type)) continue;
            if (flags.prefix && !event.streamId.startsWith(flags.prefix)) continue;
            if (ctx.out.json) ctx.out.data(event);
            else ctx.out.line(eventLine(ctx.out, event));
          }
          if (read < PAGE && !stopping) {
            await new Promise<void>((resolve) => {
              const timer = setTimeout(resolve, flags.poll);
              wake = () => {
                clearTimeout(timer);
                resolve();
              };
            });
          }
        }
      }),
    );
}
