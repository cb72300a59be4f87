import { type AggregateDefinition, aggregateFor } from './aggregates.js';
import type { EventStoreApi } from './event-store-api.js';
import type { RecordedEvent } from './types.js';

/** One snapshot to take: the stream's state at exactly `version` (a multiple of snapshotEvery). */
export interface SnapshotTask {
  streamId: string;
  version: number;
  aggregate: AggregateDefinition;
  /** The events (by index in the input) that asked for it; they fail together. */
  eventIndexes: number[];
}

/**
 * Pure: which snapshots a batch of events calls for. Each event is its own
 * stream record, so the event at version k*snapshotEvery is the one that
 * crosses the boundary; per stream only the highest boundary in the batch is
 * taken (a newer snapshot makes the older one useless).
 */
export function planSnapshots(
  aggregates: readonly AggregateDefinition[],
  events: readonly RecordedEvent[],
): SnapshotTask[] {
  const tasks = new Map<string, SnapshotTask>();
  events.forEach((event, index) => {
    const aggregate = aggregateFor(aggregates, event.streamId);
    const every = aggregate?.snapshotEvery;
    if (!aggregate || every === undefined || event.version % every !== 0) return;
    const task = tasks.get(event.streamId);
    if (!task) {
      tasks.set(event.streamId, {
        streamId: event.streamId,
        version: event.version,
        aggregate,
        eventIndexes: [index],
      });
      return;
    }
    task.eventIndexes.push(index);
    task.version = Math.max(task.version, event.version);
  });
  return [...tasks.values()];
}

export interface TakeSnapshotResult {
  /** False when a snapshot at or past `version` was already there. */
  saved: boolean;
  /** Events read from the stream to compute it. */
  eventsRead: number;
}

/**
 * Saves the stream's state at exactly `version`, folded by the store's own
 * aggregateStream up to that version: from the stored snapshot when it is
 * older and of the same stateVersion, whatever was appended since.
 */
export async function takeSnapshot(
  store: EventStoreApi,
  aggregate: AggregateDefinition,
  streamId: string,
  version: number,
): Promise<TakeSnapshotResult> {
  const stored = await store.getSnapshot(streamId);
  if (stored?.stateVersion === aggregate.stateVersion && stored.version >= version) {
    return { saved: false, eventsRead: 0 };
  }
  const folded = await store.aggregateStream(streamId, {
    initialState: aggregate.initialState,
    evolve: aggregate.evolve,
    snapshot: { stateVersion: aggregate.stateVersion },
    toVersion: version,
  });
  const { state, eventsRead } = folded;
  // Never label a state with a version it does not include (a stream shorter
  // than asked, or gone): the snapshot would silently drop events.
  if (folded.version !== version) return { saved: false, eventsRead };
  const { saved } = await store.saveSnapshot({
    streamId,
    version,
    state,
    stateVersion: aggregate.stateVersion,
  });
  return { saved, eventsRead };
}
