import type { Projector } from '../../src/projections/projector.js';
import { type FailureLogger, reportPartialFailures, type StreamHandler } from './partial-batch.js';
import { parseBatch } from './records.js';

export interface ProjectorHandlerDeps {
  projector: Projector;
  logger?: FailureLogger;
}

/** Event INSERTs -> projection documents; a record fails when its event could not be applied. */
export function createProjectorHandler(deps: ProjectorHandlerDeps): StreamHandler {
  return async (event, context) => {
    const { events, sources, failures } = parseBatch(event.Records);
    const result = await deps.projector.apply(events);
    for (const failure of result.failures) {
      const record = sources[failure.index];
      if (record && !failures.has(record)) failures.set(record, failure.error);
    }
    return reportPartialFailures(event, failures, context, deps.logger);
  };
}
