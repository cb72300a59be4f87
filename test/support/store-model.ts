import type { AppendResult, ExpectedVersion, NewEvent, PositionedEvent } from '../../src/types.js';

/**
 * A small in-memory model of what the store promises (README "Guarantees"),
 * for the model-based proof (test/proofs/model-based.test.ts). It decides
 * from the stream alone what an append must do; it knows nothing of
 * transactions, positions' gaps or group commit.
 */

export interface AppendRequest {
  readonly streamId: string;
  /** With their ids: a retry sends the very same events. */
  readonly events: readonly (NewEvent & { eventId: string })[];
  readonly expectedVersion: ExpectedVersion;
}

export type Prediction =
  /** A new commit of the request's events after version `base`. */
  | { kind: 'append'; base: number }
  /** The request's events are already there (an earlier commit of it): its original result. */
  | { kind: 'same'; events: PositionedEvent[] }
  | { kind: 'wrong-version'; actual: number };

export class StoreModel {
  readonly #streams = new Map<string, PositionedEvent[]>();
  /** Every request sent so far, for retries. */
  readonly sent: AppendRequest[] = [];
  readonly snapshots = new Map<string, { version: number; state: string[] }>();
  /** The highest position committed (the run starts after `startPosition`). */
  lastPosition: number;
  #nextId = 0;

  constructor(
    readonly runId: string,
    readonly startPosition: number,
  ) {
    this.lastPosition = startPosition;
  }

  streamId(index: number): string {
    return `${this.runId}-s${index}`;
  }

  newEvents(count: number): (NewEvent & { eventId: string })[] {
    return Array.from({ length: count }, () => {
      const n = this.#nextId++;
      return { eventId: `${this.runId}-e${n}`, type: `T${n % 3}`, data: { n } };
    });
  }

  events(streamId: string): PositionedEvent[] {
    return this.#streams.get(streamId) ?? [];
  }

  version(streamId: string): number {
    return this.events(streamId).length;
  }

  /** Every committed event in position order. */
  all(): PositionedEvent[] {
    return [...this.#streams.values()].flat().sort((a, b) => a.position - b.position);
  }

  /** The events at versions from+1..from+k, if they are exactly the request's (by id, in order). */
  committedAt(request: AppendRequest, from: number): PositionedEvent[] | undefined {
    const stored = this.events(request.streamId).slice(from, from + request.events.length);
    const same =
      stored.length === request.events.length &&
      stored.every((e, i) => e.eventId === request.events[i]?.eventId);
    return same ? stored : undefined;
  }

  /** What the request must do on the streams as they are now. */
  predict(request: AppendRequest): Prediction {
    const { expectedVersion: expected } = request;
    const version = this.version(request.streamId);
    const k = request.events.length;
    if (expected === 'any' || expected === 'stream_exists') {
      // A retry is recognised while its events are still the stream's latest.
      const latest = version >= k ? this.committedAt(request, version - k) : undefined;
      if (latest) return { kind: 'same', events: latest };
      if (expected === 'stream_exists' && version === 0) {
        return { kind: 'wrong-version', actual: 0 };
      }
      return { kind: 'append', base: version };
    }
    const base = expected === 'no_stream' ? 0 : expected;
    if (version === base) return { kind: 'append', base };
    const earlier = base < version ? this.committedAt(request, base) : undefined;
    if (earlier) return { kind: 'same', events: earlier };
    return { kind: 'wrong-version', actual: version };
  }

  /** Whether the head check of `expected` passes at `version`. */
  static allows(expected: ExpectedVersion, version: number): boolean {
    if (expected === 'any') return true;
    if (expected === 'no_stream') return version === 0;
    if (expected === 'stream_exists') return version > 0;
    return expected === version;
  }

  commit(events: readonly PositionedEvent[]): void {
    for (const event of events) {
      const list = this.#streams.get(event.streamId) ?? [];
      list.push(event);
      this.#streams.set(event.streamId, list);
      this.lastPosition = Math.max(this.lastPosition, event.position);
    }
  }
}

/** The events a commit of `request` after `base` stores, given the positions and time it got. */
export function expectedEvents(
  request: AppendRequest,
  base: number,
  firstPosition: number,
  createdAt: string,
): PositionedEvent[] {
  return request.events.map((event, i) => ({
    streamId: request.streamId,
    version: base + i + 1,
    position: firstPosition + i,
    eventId: event.eventId,
    type: event.type,
    data: event.data,
    metadata: null,
    createdAt,
  }));
}

/** The result an append of `events` (already stored) returns. */
export function resultOf(events: readonly PositionedEvent[]): AppendResult {
  const first = events[0] as PositionedEvent;
  const last = events.at(-1) as PositionedEvent;
  return {
    streamId: first.streamId,
    nextExpectedVersion: last.version,
    firstPosition: first.position,
    lastPosition: last.position,
    events: [...events],
  };
}
