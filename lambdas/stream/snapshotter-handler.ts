import type { AggregateDefinition } from '../../src/aggregates.js';
import { ValidationError } from '../../src/errors.js';
import type { EventStoreApi } from '../../src/event-store-api.js';
import { planSnapshots, takeSnapshot } from '../../src/snapshotting.js';
import { type FailureLogger, reportPartialFailures, type StreamHandler } from './partial-batch.js';
import { parseBatch } from './records.js';

export interface SnapshotterHandlerDeps {
  store: EventStoreApi;
  aggregates: readonly AggregateDefinition[];
  logger?: FailureLogger;
}

/** Event INSERTs at a multiple of an aggregate's snapshotEvery -> a snapshot at that version. */
export function snapshotterHandlerWith(deps: SnapshotterHandlerDeps): StreamHandler {
  return async (event, context) => {
    const { events, sources, failures } = parseBatch(event.Records);
    // One stream's snapshot at a time keeps DynamoDB Local (and a small table) unhurried.
    for (const task of planSnapshots(deps.aggregates, events)) {
      try {
        await takeSnapshot(deps.store, task.aggregate, task.streamId, task.version);
      } catch (error) {
        // A state the store refuses (over 400 KB, not JSON) is refused on every
        // retry too: snapshots are an optimisation, so say it and move on rather
        // than hold up the shard and fill the dead-letter queue at each boundary.
        if (error instanceof ValidationError) {
          deps.logger?.warn('snapshot not storable, skipped', {
            streamId: task.streamId,
            version: task.version,
            reason: error.message,
          });
          continue;
        }
        for (const index of task.eventIndexes) {
          const record = sources[index];
          if (record) failures.set(record, error);
        }
      }
    }
    return reportPartialFailures(event, failures, context, deps.logger);
  };
}
