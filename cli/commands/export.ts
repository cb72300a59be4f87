import { once } from 'node:events';
import type { Command } from 'commander';
import { readLastPosition } from '../../src/position/last-position.js';
import { endLine, headerLine } from '../../src/transfer/export-format.js';
import { wholeNumber } from '../args.js';
import { withStore } from '../context.js';
import { onInterrupt } from '../interrupt.js';
import { duration, startProgress } from '../progress.js';

export function registerExport(program: Command): void {
  program
    .command('export')
    .description(
      'write $all as newline-delimited JSON to stdout (a header, the events, an end line): export > file.ndjson',
    )
    .option('--from-position <p>', 'start here (default 1)', wholeNumber('--from-position', 1), 1)
    .action(
      withStore(async (ctx, flags: { fromPosition: number }) => {
        const started = Date.now();
        const lastPosition = await readLastPosition(ctx.client, ctx.connection.eventsTable);
        const progress = startProgress(ctx.out, 'positions', lastPosition);
        const write = async (line: string) => {
          // Respect the pipe's back-pressure: a slow consumer must not fill memory.
          if (!process.stdout.write(`${line}\n`)) await once(process.stdout, 'drain');
        };
        onInterrupt(() => {
          progress.stop();
          ctx.out.note(
            'interrupted: the export has no end line, so an import of it says it is cut short',
          );
          process.exit(130);
        });
        await write(
          headerLine({
            fromPosition: flags.fromPosition,
            lastPosition,
            positionMode: await ctx.store.getPositionMode(),
            exportedAt: new Date().toISOString(),
          }),
        );
        let events = 0;
        let last: number | null = null;
        for await (const event of ctx.store.readAll({ fromPosition: flags.fromPosition })) {
          await write(JSON.stringify(event));
          events++;
          last = event.position;
          if (events % 100 === 0)
            progress.update(event.position, Math.max(lastPosition, event.position));
        }
        await write(endLine({ events, lastPosition: last }));
        progress.stop();
        onInterrupt(undefined);
        if (!ctx.out.json) {
          ctx.out.note(
            `exported ${events} event(s)${last === null ? '' : ` up to position ${last}`} in ${duration(Date.now() - started)}`,
          );
        }
      }),
    );
}
