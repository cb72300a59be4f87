import { createInterface } from 'node:readline';
import type { Command } from 'commander';
import { ValidationError } from '../../src/errors.js';
import {
  type ExportEnd,
  type ExportHeader,
  parseExportLine,
} from '../../src/transfer/export-format.js';
import { EventImporter } from '../../src/transfer/import-events.js';
import { wholeNumber } from '../args.js';
import { withStore } from '../context.js';
import { onInterrupt } from '../interrupt.js';
import { duration, startProgress } from '../progress.js';

export function registerImport(program: Command): void {
  program
    .command('import')
    .description(
      'write an export (stdin) into an empty store with every stream, version, event id and position: import < file.ndjson',
    )
    .option(
      '--force',
      'import into a store that holds events: those it holds are checked and skipped (resumes an interrupted import), the others must come after its last position',
    )
    .option(
      '--chunk-size <n>',
      'events written between two moves of the position counter (the checkpoint)',
      wholeNumber('--chunk-size', 1, 10_000),
      100,
    )
    .action(
      withStore(async (ctx, flags: { force?: boolean; chunkSize: number }) => {
        const started = Date.now();
        const lines = createInterface({
          input: process.stdin,
          crlfDelay: Number.POSITIVE_INFINITY,
        });
        let header: ExportHeader | undefined;
        let end: ExportEnd | undefined;
        let importer: EventImporter | undefined;
        let progress = startProgress(ctx.out, 'positions', 0);
        onInterrupt(() => {
          progress.stop();
          ctx.out.note(
            `interrupted: the store holds the file up to position ${importer?.progress.position ?? 0}; run the import again with --force to resume`,
          );
          process.exit(130);
        });
        let number = 0;
        try {
          for await (const text of lines) {
            number++;
            if (text.trim() === '') continue;
            const line = parseExportLine(text, number);
            if (end) throw new ValidationError(`line ${number}`, 'comes after the end line');
            if (line.kind === 'header') {
              if (header) throw new ValidationError(`line ${number}`, 'is a second header');
              header = line.header;
              importer = await EventImporter.open({
                client: ctx.client,
                tableName: ctx.connection.eventsTable,
                force: flags.force === true,
                chunkSize: flags.chunkSize,
                // A sequenced source goes into a reserved store: its positions are kept.
                positionMode: header.positionMode === 'strict' ? 'strict' : 'reserved',
              });
              progress.stop();
              progress = startProgress(ctx.out, 'positions', header.lastPosition);
              continue;
            }
            if (!importer) {
              throw new ValidationError(
                'line 1',
                'must be the header of an export (run "export" to make one)',
              );
            }
            if (line.kind === 'end') {
              end = line.end;
              continue;
            }
            await importer.add(line.event);
            if (number % 100 === 0) progress.update(line.event.position);
          }
          if (!importer) throw new ValidationError('stdin', 'is empty: pipe an export into it');
          const result = await importer.finish();
          progress.stop();
          if (!end) {
            throw new ValidationError(
              'the export',
              `has no end line: it was cut short; the events it holds are imported (up to position ${result.position}): export again with --from-position ${result.position + 1} and import that with --force`,
            );
          }
          const ms = Date.now() - started;
          ctx.out.result({ ...result, durationMs: ms }, () =>
            ctx.out.line(
              `imported ${result.imported} event(s) up to position ${result.position} in ${duration(ms)}` +
                (result.alreadyThere > 0
                  ? ` (${result.alreadyThere} already in the store, checked)`
                  : ''),
            ),
          );
        } finally {
          progress.stop();
          onInterrupt(undefined);
          lines.close();
        }
      }),
    );
}
