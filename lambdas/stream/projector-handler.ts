import type { EventRegistry } from '../../src/events/define.js';
import type { Projector } from '../../src/projections/projector.js';
import { type FailureLogger, reportPartialFailures, type StreamHandler } from './partial-batch.js';
import { parseBatch } from './records.js';

export interface ProjectorHandlerDeps {
  projector: Projector;
  logger?: FailureLogger;
  /** The app's event types: records are decoded and upcast before the projections see them. */
  events?: EventRegistry | undefined;
}

/** Event INSERTs -> projection documents; a record fails when its event could not be applied. */
export function projectorHandlerWith(deps: ProjectorHandlerDeps): StreamHandler {
  return async (event, context) => {
    const { events, sources, failures } = parseBatch(event.Records, deps.events);
    const result = await deps.projector.apply(events);
    // Not failures: a key no document can have fails on every retry. Said, counted, never the payload.
    for (const skip of result.skipped) {
      deps.logger?.warn('projection key invalid, event skipped', {
        projection: skip.projection,
        streamId: skip.event.streamId,
        version: skip.event.version,
        position: skip.event.position,
        type: skip.event.type,
        reason: skip.reason,
      });
    }
    if (result.skipped.length > 0) {
      deps.logger?.warn('events skipped for invalid projection keys', {
        count: result.skipped.length,
      });
    }
    for (const failure of result.failures) {
      const record = sources[failure.index];
      if (record && !failures.has(record)) failures.set(record, failure.error);
    }
    return reportPartialFailures(event, failures, context, deps.logger);
  };
}
