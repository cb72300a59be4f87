import type { DynamoDBRecord } from 'aws-lambda';
import type { EventRegistry } from '../../src/events/define.js';
import type { RecordedEvent } from '../../src/types.js';
import { type FailureLogger, reportPartialFailures, type StreamHandler } from './partial-batch.js';
import { parseRecord } from './records.js';

export interface EventHandlerDeps {
  readonly handle: (event: RecordedEvent) => Promise<void> | void;
  readonly logger?: FailureLogger | undefined;
  /** The app's event types: events reach `handle` parsed and upcast. */
  readonly events?: EventRegistry | undefined;
}

/**
 * An app's consumer: each event of the batch in stream order, one at a time.
 * The first event that throws fails, and the batch stops there: Lambda
 * retries from that record, so the events after it are not handled twice.
 * Records that are not event INSERTs are skipped.
 */
export function eventHandlerWith(deps: EventHandlerDeps): StreamHandler {
  return async (event, context) => {
    const failures = new Map<DynamoDBRecord, unknown>();
    for (const record of event.Records) {
      const parsed = parseRecord(record, deps.events);
      if (parsed.kind === 'ignored') continue;
      try {
        if (parsed.kind === 'invalid') throw parsed.error;
        await deps.handle(parsed.event);
      } catch (error) {
        failures.set(record, error);
        break;
      }
    }
    return reportPartialFailures(event, failures, context, deps.logger);
  };
}
