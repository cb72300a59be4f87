import type { AppendResult, RecordedEvent } from '../types.js';
import type { PreparedEvent } from './validate-append.js';

/** A recorded event with its place in the append that wrote it (unknown for events stored before it was kept). */
export interface StoredEvent extends RecordedEvent {
  readonly appendIndex?: number | undefined;
  readonly appendCount?: number | undefined;
  /** The schema version recorded with it (events of a registered type). */
  readonly schemaVersion?: number | undefined;
}

/**
 * True when `stored` is exactly the append of `events`: the same ids in the
 * same order, and (where the store kept it) one whole append, no more and no
 * less. The append already committed (its reply was lost), so its original
 * result is the answer and nothing is written again; a prefix or a part of
 * another append is not.
 */
export function isSameAppend(
  stored: readonly StoredEvent[],
  events: readonly PreparedEvent[],
): boolean {
  return (
    stored.length === events.length &&
    stored.every(
      (event, i) =>
        event.eventId === events[i]?.eventId &&
        (event.appendCount === undefined ||
          (event.appendIndex === i && event.appendCount === events.length)),
    )
  );
}

/** The result the original append returned, rebuilt from what it stored. */
export function resultFrom(streamId: string, stored: readonly StoredEvent[]): AppendResult {
  const first = stored[0];
  const last = stored.at(-1);
  if (!first || !last) throw new Error('resultFrom needs at least one stored event');
  return {
    streamId,
    nextExpectedVersion: last.version,
    firstPosition: first.position,
    lastPosition: last.position,
    events: stored.map(
      ({ appendIndex: _i, appendCount: _c, schemaVersion: _s, ...event }) => event,
    ),
  };
}
