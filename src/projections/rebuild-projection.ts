import type { EventStoreApi } from '../event-store-api.js';
import type { ProjectionDefinition } from './define.js';
import type { ProjectionStore } from './projection-store.js';
import { Projector } from './projector.js';
import type { RebuildOptions, RebuildProgress } from './rebuild.js';

export interface RebuildProjectionOptions extends RebuildOptions {
  readonly store: EventStoreApi;
  readonly projectionStore: ProjectionStore;
  readonly projection: ProjectionDefinition;
}

/**
 * Clears one projection's documents and replays `$all` into it (see
 * `Projector.rebuildProjection`); a failure is a ProjectionFailedError, and
 * calling it again resumes after the last batch applied.
 */
export function rebuildProjection(options: RebuildProjectionOptions): Promise<RebuildProgress> {
  const { store, projectionStore, projection, ...rebuild } = options;
  const projector = new Projector({ store, projectionStore, projections: [projection] });
  return projector.rebuildProjection(projection.name, rebuild);
}
