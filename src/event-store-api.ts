import type { EventShape, UntypedEvent } from './events/define.js';
import type {
  AggregateStreamOptions,
  AggregateStreamResult,
  AppendOptions,
  AppendResult,
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
  StreamHead,
} from './types.js';

/**
 * What an event store does, whatever holds the events: `EventStore` on
 * DynamoDB, and `InMemoryEventStore` (`dynamo-event-store/testing`) for
 * tests of a domain. Everything that only needs these operations
 * (`loadAggregate`, `subscribeToAll`, `rebuildProjection`, the `Projector`)
 * takes this type, so it runs on either. The contract suite
 * (test/contract/) holds both to the same answers.
 */
export interface EventStoreApi<E extends EventShape = UntypedEvent> {
  /**
   * Type-only, never set: carries the store's event types, so TypeScript
   * infers them where a store is passed (`subscribeToAll`, `loadAggregate`).
   */
  readonly eventShape?: E | undefined;

  /**
   * All the events or none, at `expectedVersion` (default `'any'`). A stream
   * elsewhere is WrongExpectedVersionError with its actual version; the same
   * event ids again at the same expected version return the original result.
   */
  appendToStream(
    streamId: string,
    events: readonly NewEventOf<E>[],
    options?: AppendOptions,
  ): Promise<AppendResult>;

  /**
   * The stream's events in version order (or backwards); bad options throw
   * ValidationError at the call, an absent stream StreamNotFoundError on iteration.
   */
  readStream(streamId: string, options?: ReadStreamOptions): AsyncIterable<RecordedEventOf<E>>;

  /** `$all` in position order, never skipping a committed position; filters apply after that. */
  readAll(options?: ReadAllOptions): AsyncIterable<PositionedEventOf<E>>;

  /** One page of `$all` that looks at no more than `maxExamined` events. */
  readAllPage(options?: ReadAllPageOptions): Promise<ReadAllPageResult<RecordedEventOf<E>>>;

  /** How positions are handed out (see the README's "Position modes"). */
  getPositionMode(): Promise<PositionMode>;

  /** `undefined` when the stream does not exist. */
  getStreamHead(streamId: string): Promise<StreamHead | undefined>;

  /** 0 when the stream does not exist. */
  getStreamVersion(streamId: string): Promise<number>;

  streamExists(streamId: string): Promise<boolean>;

  /**
   * One snapshot per stream: this one replaces the stored one unless that is
   * of the same stateVersion and as new or newer. Returns whether it was stored.
   */
  saveSnapshot<State>(input: SaveSnapshotInput<State>): Promise<{ saved: boolean }>;

  getSnapshot<State = unknown>(streamId: string): Promise<Snapshot<State> | undefined>;

  /** Folds the stream (from its snapshot when asked) into a state. */
  aggregateStream<State, Event extends RecordedEvent = RecordedEventOf<E>>(
    streamId: string,
    options: AggregateStreamOptions<State, Event>,
  ): Promise<AggregateStreamResult<State>>;
}
