import type { EventStore } from '../../src/event-store.js';
import type { ProjectionStore } from '../../src/projections/projection-store.js';
import { Projector } from '../../src/projections/projector.js';
import { planSnapshots, takeSnapshot } from '../../src/snapshotting.js';
import type { RecordedEvent } from '../../src/types.js';
import type { App } from '../app-module.js';
import { UsageError } from '../errors.js';
import type { EventKey } from './dead-letters.js';

/** Applies events again the way a processor does; returns the first failure, if any. */
export type Reapply = (events: readonly RecordedEvent[]) => Promise<unknown | undefined>;

export const redrivable = ['projector', 'snapshotter'] as const;

/** The processor's own work from src/: the projector's apply, the snapshotter's plan and take. */
export function reapplyFor(
  processor: string,
  deps: { store: EventStore; projectionStore: ProjectionStore; app: App },
): Reapply {
  if (processor === 'projector') {
    const projector = new Projector({
      store: deps.store,
      projectionStore: deps.projectionStore,
      projections: deps.app.projections,
    });
    return async (events) => (await projector.apply(events)).failures[0]?.error;
  }
  if (processor === 'snapshotter') {
    return async (events) => {
      for (const task of planSnapshots(deps.app.aggregates, events)) {
        try {
          await takeSnapshot(deps.store, task.aggregate, task.streamId, task.version);
        } catch (error) {
          return error;
        }
      }
      return undefined;
    };
  }
  throw new UsageError(
    '<processor>',
    `must be one of ${redrivable.join(', ')} (got '${processor}'; the sequencer's sweeper recovers its own records)`,
  );
}

/** The events the keys name, read again from the store (the record may be older than a change to them). */
export async function readEvents(
  store: EventStore,
  keys: readonly EventKey[],
): Promise<RecordedEvent[]> {
  const events: RecordedEvent[] = [];
  for (const key of keys) {
    for await (const event of store.readStream(key.streamId, {
      fromVersion: key.version,
      maxCount: 1,
    })) {
      events.push(event);
    }
  }
  return events;
}
