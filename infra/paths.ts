import { fileURLToPath } from 'node:url';

/**
 * True when this module runs from its TypeScript source (tests, tsx) rather
 * than from the package's compiled `dist/`: the entries are then `.ts` files,
 * and the app's imports of `dynamo-event-store` must resolve to the same
 * sources (the `event-store-source` export condition), so a bundle holds one
 * copy of the SDK either way.
 */
export const runsFromSource: boolean = import.meta.url.endsWith('.ts');

const extension = runsFromSource ? '.ts' : '.js';
const entry = (name: string): string =>
  fileURLToPath(new URL(`../lambdas/entries/${name}${extension}`, import.meta.url));

/** The Lambda entry points, as bundling inputs only: infra/ never imports lambdas/. */
export const lambdaEntries = {
  api: entry('api'),
  projector: entry('projector'),
  snapshotter: entry('snapshotter'),
  sequencer: entry('sequencer'),
  /** Bundled in place of an app module the construct was not given. */
  noAppModules: entry('no-app-modules'),
} as const;

/** The import specifiers the entries use for the app's modules (see `lambdas/entries/`). */
export const appModuleSpecifiers = {
  projections: 'dynamo-event-store-app/projections',
  aggregates: 'dynamo-event-store-app/aggregates',
  events: 'dynamo-event-store-app/events',
} as const;

export const sourceCondition = 'event-store-source';
