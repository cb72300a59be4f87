import type { Command } from 'commander';
import { DocumentNotFoundError } from '../../src/errors.js';
import { readLastPosition } from '../../src/position/last-position.js';
import { rebuildProjection } from '../../src/projections/rebuild-projection.js';
import { loadApp, projectionNamed } from '../app-module.js';
import { repeatable, wholeNumber } from '../args.js';
import { type CommandContext, withStore } from '../context.js';
import { ExitCode } from '../errors.js';
import { onInterrupt } from '../interrupt.js';
import { duration, startProgress } from '../progress.js';

const appOption = ['--app <module>', 'the module exporting `projections` (repeatable)'] as const;

export function registerProjections(program: Command): void {
  const projections = program
    .command('projections')
    .description("the app's projections: list, read, rebuild, reset");

  projections
    .command('list')
    .description('each projection: its event types, documents and rebuild state')
    .option(...appOption, repeatable)
    .action(withStore(list));

  projections
    .command('get')
    .description('one document of a projection')
    .argument('<name>', 'projection name')
    .argument('<key>', 'document key')
    .action(
      withStore(async (ctx, name: string, key: string) => {
        const document = await ctx.projections.get(name, key);
        if (!document) throw new DocumentNotFoundError(name, key);
        ctx.out.result(document, () => {
          ctx.out.fields([
            ['projection', document.projection],
            ['key', document.key],
            ['revision', document.revision],
            ['updated', document.updatedAt],
            ['streams', JSON.stringify(document.streams)],
          ]);
          ctx.out.line(JSON.stringify(document.state, null, 2));
        });
      }),
    );

  projections
    .command('rebuild')
    .description(
      'clear a projection and replay $all into it, with progress; after Ctrl-C or a failure, the same command resumes',
    )
    .argument('<name>', 'projection name')
    .option(...appOption, repeatable)
    .option(
      '--restart',
      'clear and start from position 1 even if an earlier rebuild did not finish',
    )
    .option('--batch-size <n>', 'events per apply', wholeNumber('--batch-size', 1, 10_000), 500)
    .action(withStore(rebuild));

  projections
    .command('reset')
    .description(
      'delete a projection\'s documents and forget its rebuild: the read model is empty until "projections rebuild"',
    )
    .argument('<name>', 'projection name')
    .action(
      withStore(async (ctx, name: string) => {
        const deleted = await ctx.projections.clear(name);
        await ctx.projections.deleteRebuildCheckpoint(name);
        ctx.out.result({ projection: name, documentsDeleted: deleted }, () =>
          ctx.out.line(
            `reset ${name}: ${deleted} document(s) deleted; run "projections rebuild ${name}" to fill it again`,
          ),
        );
      }),
    );
}

async function list(ctx: CommandContext, flags: { app?: string[] }): Promise<void> {
  const app = await loadApp(flags.app ?? []);
  const last = await readLastPosition(ctx.client, ctx.connection.eventsTable);
  const rows: {
    name: string;
    eventTypes: readonly string[];
    documents: number;
    rebuild: { position: number; done: boolean; lag: number } | null;
  }[] = [];
  for (const projection of app.projections) {
    const rebuild = await ctx.projections.getRebuildCheckpoint(projection.name);
    rows.push({
      name: projection.name,
      eventTypes: projection.eventTypes,
      documents: await ctx.projections.countDocuments(projection.name),
      rebuild: rebuild
        ? { position: rebuild.position, done: rebuild.done, lag: last - rebuild.position }
        : null,
    });
  }
  ctx.out.result(rows, () =>
    ctx.out.table(
      ['NAME', 'DOCUMENTS', 'REBUILD', 'EVENT TYPES'],
      rows.map((r) => [
        r.name,
        r.documents,
        r.rebuild
          ? r.rebuild.done
            ? `done at ${r.rebuild.position}`
            : `stopped at ${r.rebuild.position}`
          : 'never',
        r.eventTypes.join(', '),
      ]),
    ),
  );
}

interface RebuildFlags {
  app?: string[];
  restart?: boolean;
  batchSize: number;
}

async function rebuild(ctx: CommandContext, name: string, flags: RebuildFlags): Promise<void> {
  const projection = projectionNamed(await loadApp(flags.app ?? []), name);
  const total = await readLastPosition(ctx.client, ctx.connection.eventsTable);
  const progress = startProgress(ctx.out, 'positions', total);
  const started = Date.now();
  // Ctrl-C stops the rebuild after the batch in hand, once its checkpoint is saved, so the
  // position said is exactly where the same command resumes.
  const stop = new AbortController();
  onInterrupt(() => stop.abort());
  try {
    const result = await rebuildProjection({
      store: ctx.store,
      projectionStore: ctx.projections,
      projection,
      batchSize: flags.batchSize,
      ...(flags.restart && { restart: true }),
      signal: stop.signal,
      onProgress: (p) => progress.update(p.position, Math.max(total, p.position)),
    });
    progress.stop();
    if (!result.done) {
      ctx.out.note(
        `interrupted: ${name} is rebuilt up to position ${result.position}; run the same command to resume`,
      );
      process.exit(ExitCode.interrupted);
    }
    const ms = Date.now() - started;
    ctx.out.result({ ...result, durationMs: ms }, () =>
      ctx.out.line(
        `rebuilt ${name}: ${result.eventsRead} event(s) read, ${result.documentsWritten} document write(s), ` +
          `${result.documentsDeleted} document(s) cleared first, up to position ${result.position}, in ${duration(ms)}` +
          (result.resumedFrom !== undefined
            ? ` (resumed after position ${result.resumedFrom})`
            : ''),
      ),
    );
  } finally {
    progress.stop();
    onInterrupt(undefined);
  }
}
