import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { aggregatesFrom, projectionsFrom } from '../lambdas/entries/app-module.js';
import type { AggregateDefinition } from '../src/aggregates.js';
import { ProjectionNotFoundError } from '../src/errors.js';
import type { ProjectionDefinition } from '../src/projections/define.js';
import { UsageError } from './errors.js';

/** What the app's modules define: the same modules the CDK construct and the local runtime take. */
export interface App {
  projections: readonly ProjectionDefinition[];
  aggregates: readonly AggregateDefinition[];
}

/**
 * Imports each `--app` module and collects its `projections` and
 * `aggregates` exports (a module may have either). A TypeScript module needs
 * the CLI to run under tsx (`npx tsx node_modules/.bin/dynamo-event-store`).
 */
export async function loadApp(modules: readonly string[]): Promise<App> {
  if (modules.length === 0) {
    throw new UsageError(
      '--app',
      "must name the module that exports your projections (and aggregates), e.g. --app ./src/projections.ts; it is the module the CDK construct's `projections` option takes",
    );
  }
  const projections: ProjectionDefinition[] = [];
  const aggregates: AggregateDefinition[] = [];
  for (const path of modules) {
    let module: Record<string, unknown>;
    try {
      module = (await import(pathToFileURL(resolve(path)).href)) as Record<string, unknown>;
    } catch (error) {
      throw new UsageError(`--app ${path}`, `cannot be imported: ${(error as Error).message}`);
    }
    if (!('projections' in module) && !('aggregates' in module)) {
      throw new UsageError(`--app ${path}`, "exports neither 'projections' nor 'aggregates'");
    }
    if ('projections' in module) projections.push(...projectionsFrom(module.projections));
    if ('aggregates' in module) aggregates.push(...aggregatesFrom(module.aggregates));
  }
  return { projections, aggregates };
}

export function projectionNamed(app: App, name: string): ProjectionDefinition {
  const projection = app.projections.find((p) => p.name === name);
  if (!projection)
    throw new ProjectionNotFoundError(
      name,
      app.projections.map((p) => p.name),
    );
  return projection;
}
