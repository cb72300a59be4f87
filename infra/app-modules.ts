import { isAbsolute, resolve } from 'node:path';
import { appModuleSpecifiers, lambdaEntries } from './paths.js';

/**
 * What esbuild binds the entries' app-module imports to: the app's own files,
 * or the empty module for what the app did not give.
 */
export function appModuleAliases(modules: {
  readonly projections?: string | undefined;
  readonly aggregates?: string | undefined;
  readonly events?: string | undefined;
}): Record<string, string> {
  const file = (path: string | undefined) =>
    path === undefined ? lambdaEntries.noAppModules : isAbsolute(path) ? path : resolve(path);
  return {
    [appModuleSpecifiers.projections]: file(modules.projections),
    [appModuleSpecifiers.aggregates]: file(modules.aggregates),
    [appModuleSpecifiers.events]: file(modules.events),
  };
}
