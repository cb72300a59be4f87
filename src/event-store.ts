import { aggregateStream } from './aggregate-stream.js';
import { appendToStream } from './append/append-to-stream.js';
import { appendToStreams } from './append/append-to-streams.js';
import type { EventStoreApi } from './event-store-api.js';
import type { EventShape, UntypedEvent } from './events/define.js';
import { listStreams } from './read/list-streams.js';
import { readAll } from './read/read-all.js';
import { readAllPage } from './read/read-all-page.js';
import { readStream } from './read/read-stream.js';
import { getStreamHead } from './read/stream-head.js';
import { getSnapshot, saveSnapshot } from './snapshots.js';
import { createStoreContext, type StoreContext } from './store-context.js';
import type {
  AggregateStreamOptions,
  AggregateStreamResult,
  AppendOptions,
  AppendResult,
  AppendToStreamsOptions,
  EventStoreOptions,
  ListStreamsOptions,
  ListStreamsResult,
  NewEventOf,
  PositionedEventOf,
  PositionMode,
  ReadAllOptions,
  ReadAllPageOptions,
  ReadAllPageResult,
  ReadStreamOptions,
  RecordedEvent,
  RecordedEventOf,
  SaveSnapshotInput,
  Snapshot,
  StreamAppend,
  StreamHead,
} from './types.js';

/**
 * The event store on one DynamoDB events table. Each method is a thin door to
 * its own module; the class holds only the configuration they share.
 *
 * Typed by its event registry (`new EventStore({ ..., events })`): appends
 * take, and reads return, the registry's event types. Without one, any type
 * with any data, as before.
 */
export class EventStore<E extends EventShape = UntypedEvent> implements EventStoreApi<E> {
  readonly #ctx: StoreContext;
  declare readonly eventShape?: E | undefined;

  constructor(options: EventStoreOptions<E>) {
    this.#ctx = createStoreContext(options);
  }

  get tableName(): string {
    return this.#ctx.tableName;
  }

  /** Where `saveSnapshot`/`getSnapshot` go; never the events table. */
  get snapshotTableName(): string {
    return this.#ctx.snapshotTableName;
  }

  /** One conditional TransactWriteItems: all the events are committed, or none. */
  appendToStream(
    streamId: string,
    events: readonly NewEventOf<E>[],
    options: AppendOptions = {},
  ): Promise<AppendResult> {
    return appendToStream(this.#ctx, streamId, events, options);
  }

  /**
   * Appends to several streams in one transaction: every append commits, or
   * none does (one stream not at its expected version fails the whole group).
   * Results come back in the order of `appends`.
   */
  appendToStreams(
    appends: readonly StreamAppend<NewEventOf<E>>[],
    options: AppendToStreamsOptions = {},
  ): Promise<AppendResult[]> {
    return appendToStreams(this.#ctx, appends, options);
  }

  /** Lazily paged; throws StreamNotFoundError when the stream has no events. */
  readStream(streamId: string, options: ReadStreamOptions = {}): AsyncIterable<RecordedEventOf<E>> {
    return readStream(this.#ctx, streamId, options) as AsyncIterable<RecordedEventOf<E>>;
  }

  /** The global `$all` stream in position order, never skipping a committed position. */
  readAll(options: ReadAllOptions = {}): AsyncIterable<PositionedEventOf<E>> {
    return readAll(this.#ctx, options) as AsyncIterable<PositionedEventOf<E>>;
  }

  /**
   * One page of `$all` with a bounded cost: at most `maxExamined` items looked
   * at (default 5,000), so a rare filter answers with few or no events and a
   * `nextPosition` to go on from, instead of scanning the whole store.
   */
  readAllPage(options: ReadAllPageOptions = {}): Promise<ReadAllPageResult<RecordedEventOf<E>>> {
    return readAllPage(this, options) as Promise<ReadAllPageResult<RecordedEventOf<E>>>;
  }

  /**
   * One page of a category's streams (ids before their first `-`), oldest
   * first unless `direction` is `'backwards'`, from the `byCategory` index.
   */
  listStreams(options: ListStreamsOptions): Promise<ListStreamsResult> {
    return listStreams(this.#ctx, options);
  }

  /** How this store hands out positions, as its table records it (see the README's "Position modes"). */
  async getPositionMode(): Promise<PositionMode> {
    return (await this.#ctx.positions.strategy()).mode;
  }

  /** `undefined` when the stream does not exist. */
  getStreamHead(streamId: string): Promise<StreamHead | undefined> {
    return getStreamHead(this.#ctx, streamId);
  }

  /** 0 when the stream does not exist. */
  async getStreamVersion(streamId: string): Promise<number> {
    return (await this.getStreamHead(streamId))?.version ?? 0;
  }

  async streamExists(streamId: string): Promise<boolean> {
    return (await this.getStreamHead(streamId)) !== undefined;
  }

  /** Keeps the newest snapshot: one older than (or as old as) the stored one is ignored. Returns whether it was stored. */
  saveSnapshot<State>(input: SaveSnapshotInput<State>): Promise<{ saved: boolean }> {
    return saveSnapshot(this.#ctx, input);
  }

  getSnapshot<State = unknown>(streamId: string): Promise<Snapshot<State> | undefined> {
    return getSnapshot<State>(this.#ctx, streamId);
  }

  /** Folds the stream (from its snapshot when asked) into a state. */
  aggregateStream<State, Event extends RecordedEvent = RecordedEventOf<E>>(
    streamId: string,
    options: AggregateStreamOptions<State, Event>,
  ): Promise<AggregateStreamResult<State>> {
    return aggregateStream(this, streamId, options);
  }
}
