import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { EventRegistry, EventShape, UntypedEvent } from './events/types.js';

/** Any value that survives `JSON.stringify` / `JSON.parse` unchanged. */
export type JsonValue =
  | null
  | boolean
  | number
  | string
  | JsonValue[]
  | { [key: string]: JsonValue };

/**
 * What the append is conditional on:
 * - a number n: the stream is exactly at version n (0 = absent or empty);
 * - `'no_stream'`: the stream does not exist yet;
 * - `'stream_exists'`: the stream has at least one event;
 * - `'any'`: no condition (the store still never loses or interleaves an event).
 */
export type ExpectedVersion = number | 'any' | 'no_stream' | 'stream_exists';

export interface NewEvent<Type extends string = string, Data = unknown, Metadata = unknown> {
  type: Type;
  data: Data;
  metadata?: Metadata;
  /** Idempotency key: a retried append with the same ids writes nothing. Default: a UUID. */
  eventId?: string;
}

export interface RecordedEvent<Type extends string = string, Data = unknown, Metadata = unknown> {
  streamId: string;
  /** 1-based, contiguous within the stream. */
  version: number;
  /**
   * Where the event stands in `$all`. `null` only in sequenced mode, for an
   * event the sequencer has not placed yet (an append's reply, a fresh
   * stream read); events read from `$all` always carry theirs.
   */
  position: number | null;
  eventId: string;
  type: Type;
  data: Data;
  /** `null` when the event was appended without metadata. */
  metadata: Metadata | null;
  /** ISO-8601, the commit's time (one value for every event of an append). */
  createdAt: string;
}

/** An event read from `$all`: its position is always known. */
export type PositionedEvent<
  Type extends string = string,
  Data = unknown,
  Metadata = unknown,
> = RecordedEvent<Type, Data, Metadata> & { position: number };

/** What an append of a store typed with events `E` takes: one of E's types with that type's data. */
export type NewEventOf<E extends EventShape> = E extends EventShape
  ? NewEvent<E['type'], E['input']>
  : never;

/** What reads of a store typed with events `E` return: a union narrowed by `type`. */
export type RecordedEventOf<E extends EventShape> = E extends EventShape
  ? RecordedEvent<E['type'], E['data']>
  : never;

/** `RecordedEventOf` as read from `$all`. */
export type PositionedEventOf<E extends EventShape> = E extends EventShape
  ? PositionedEvent<E['type'], E['data']>
  : never;

export interface AppendOptions {
  /** Default `'any'`. */
  expectedVersion?: ExpectedVersion;
  /** This append's retry time budget (e.g. a Lambda's remaining time); default the store's `retry.timeoutMs`. */
  timeoutMs?: number;
  /**
   * Merged into every event's metadata (an event's own keys win), e.g.
   * `causedBy(event)` or `withCorrelation(command)`. Events' metadata must
   * then be objects.
   */
  metadata?: { readonly [key: string]: JsonValue };
}

export interface AppendResult {
  streamId: string;
  /** The stream's version after this append: pass it as the next `expectedVersion`. */
  nextExpectedVersion: number;
  /**
   * The append's positions, contiguous (`lastPosition` is `firstPosition +
   * count - 1`). `null` in sequenced mode: the sequencer places the append
   * shortly after it commits.
   */
  firstPosition: number | null;
  lastPosition: number | null;
  events: RecordedEvent[];
}

/** One stream's part of an `appendToStreams` call. */
export interface StreamAppend<Event extends NewEvent = NewEvent> {
  streamId: string;
  events: readonly Event[];
  /** Default `'any'`. */
  expectedVersion?: ExpectedVersion;
}

export interface AppendToStreamsOptions {
  /** The group's retry time budget; default the store's `retry.timeoutMs`. */
  timeoutMs?: number;
}

export type ReadDirection = 'forwards' | 'backwards';

export interface ListStreamsOptions {
  /** A stream id's part before its first `-` (`order` lists `order-1`, `order-2`, ...). */
  category: string;
  /** Streams per page, 1..1000; default 100. */
  limit?: number;
  /** `nextCursor` of the previous page. */
  cursor?: string;
  /** Only streams created at or after / at or before this ISO-8601 time (inclusive). */
  createdAfter?: string;
  createdBefore?: string;
  /** `'forwards'` (default): oldest stream first. */
  direction?: ReadDirection;
}

export interface ListStreamsResult {
  /** Each stream with the time of its first append. */
  streams: { streamId: string; createdAt: string }[];
  /** Pass as `cursor` for the next page; undefined when there is none. */
  nextCursor: string | undefined;
}

export interface ReadStreamOptions {
  /** Forwards default 1; backwards default the stream's last version. Inclusive. */
  fromVersion?: number;
  maxCount?: number;
  direction?: ReadDirection;
}

export interface ReadAllOptions {
  /** Inclusive; default 1. */
  fromPosition?: number;
  /** The most events to return after filtering. */
  maxCount?: number;
  /** Only events of these types. */
  eventTypes?: readonly string[];
  /** Only events whose stream id starts with this. */
  streamPrefix?: string;
}

export interface ReadAllPageOptions {
  /** Inclusive; default 1. */
  fromPosition?: number;
  /** The most events to return; default 100. */
  limit?: number;
  /** Only events of these types. */
  eventTypes?: readonly string[];
  /** Only events whose stream id starts with this. */
  streamPrefix?: string;
  /** The most `$all` items to look at, matching or not; default 5,000. Bounds the cost of one call. */
  maxExamined?: number;
  /** Stop before the events' sizes would add up past this (the first event is always returned). Default: no bound. */
  maxBytes?: number;
  /** An event's size for `maxBytes`; default the UTF-8 bytes of its JSON. */
  sizeOf?: (event: RecordedEvent) => number;
}

export interface ReadAllPageResult<Event extends RecordedEvent = RecordedEvent> {
  events: Event[];
  /**
   * Where the next call starts (pass it as `fromPosition`); undefined when the
   * read reached the end of `$all`. It moves forward even when `events` is empty.
   */
  nextPosition: number | undefined;
}

export interface StreamHead {
  streamId: string;
  version: number;
  createdAt: string;
  updatedAt: string;
}

export interface Snapshot<State = unknown> {
  streamId: string;
  /** The stream version the state includes. */
  version: number;
  state: State;
  /** The reducer's schema version; a snapshot of another stateVersion is ignored when loading. */
  stateVersion: number;
  createdAt: string;
}

export interface SaveSnapshotInput<State = unknown> {
  streamId: string;
  version: number;
  state: State;
  /** Default 1. */
  stateVersion?: number;
}

export interface AggregateStreamOptions<State, Event extends RecordedEvent = RecordedEvent> {
  initialState: () => State;
  evolve: (state: State, event: Event) => State;
  /** Start from the stored snapshot when its stateVersion matches. */
  snapshot?: boolean | { stateVersion?: number };
  /** Fold up to and including this version (default: the stream's end); a newer snapshot is not used. */
  toVersion?: number;
}

export interface AggregateStreamResult<State> {
  state: State;
  /** The last version folded in (0 for an absent stream). */
  version: number;
  /** How many events were read from the stream (not counting the snapshot). */
  eventsRead: number;
  /** The snapshot version the fold started from, if one was used. */
  fromSnapshotVersion: number | undefined;
}

export interface RetryOptions {
  /**
   * How long an append may keep retrying conflicts and throttling before it
   * fails with ContentionRetriesExhaustedError (nothing written). Default 10,000 ms.
   */
  timeoutMs?: number;
  /** A cap on transactions per append as well; default 1000 (time is the real bound). */
  maxAttempts?: number;
  /** Backoff base; full jitter, doubling up to maxDelayMs. Default 5 ms. */
  baseDelayMs?: number;
  /** Default 200 ms. */
  maxDelayMs?: number;
}

/** See the README's "Position modes". */
export type PositionMode = 'reserved' | 'strict' | 'sequenced';

export interface EventStoreOptions<E extends EventShape = UntypedEvent> {
  /**
   * The app's event types (`defineEvents(...)`): appends of these types are
   * validated against their schema, reads return them parsed and upcast to
   * their latest version, and the store's methods are typed by them. Types not
   * in it pass through unvalidated, as stored. Default: none (untyped).
   */
  events?: EventRegistry<E>;
  /** The events table (see `eventsTableSchema`). */
  tableName: string;
  /**
   * Where snapshots live (see `snapshotTableSchema`): a table of their own, so a
   * role that writes snapshots cannot write events. Default `${tableName}-snapshots`,
   * the name `createTables` and the CDK construct give it.
   */
  snapshotTableName?: string;
  /** Injected client; default `new DynamoDBClient({})` (region and credentials from the environment). */
  client?: DynamoDBClient;
  retry?: RetryOptions;
  /**
   * How appends get positions. Default: whatever the table was set up with
   * (a new table: `'reserved'`). Naming a mode the table does not use fails
   * fast with PositionModeMismatchError.
   */
  positionMode?: PositionMode;
  /** Concurrent appends of this store share transactions. Default true. */
  groupCommit?: boolean;
  /**
   * How long `readAll` waits on one position it cannot resolve yet. In
   * reserved mode a range start still empty after this long is marked aborted
   * (its appender is gone); otherwise AllStreamLaggingError. Default 5000 ms.
   */
  allStreamMaxWaitMs?: number;
  /** Query page size for reads. Default 1000 (DynamoDB also stops a page at 1 MB). */
  readPageSize?: number;
}
