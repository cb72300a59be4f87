import type { Sequencer } from '../../src/position/sequencer.js';
import { type FailureLogger, reportPartialFailures, type StreamHandler } from './partial-batch.js';
import { parseHeadChange } from './records.js';

export interface SequencerHandlerDeps {
  sequencer: Pick<Sequencer, 'sequence'>;
  logger?: FailureLogger;
}

/**
 * Heads' records -> positions, the whole batch in one sequencing call (one
 * transaction for the batch). Sequencing is idempotent, so when it fails
 * every record fails and Lambda sends the batch again; an unreadable head
 * fails alone.
 */
export function sequencerHandlerWith(deps: SequencerHandlerDeps): StreamHandler {
  return async (event, context) => {
    const failures = new Map<(typeof event.Records)[number], unknown>();
    const changes = [];
    for (const record of event.Records) {
      try {
        const change = parseHeadChange(record);
        if (change) changes.push(change);
      } catch (error) {
        failures.set(record, error);
      }
    }
    try {
      if (changes.length > 0) await deps.sequencer.sequence(changes);
    } catch (error) {
      for (const record of event.Records) if (!failures.has(record)) failures.set(record, error);
    }
    return reportPartialFailures(event, failures, context, deps.logger);
  };
}
