import {
  type AggregateStreamOptions,
  type AggregateStreamResultWithGlobalPosition,
  type AppendToStreamOptions,
  type AppendToStreamResultWithGlobalPosition,
  assertExpectedVersionMatchesCurrent,
  type DefaultEventStoreOptions,
  downcastRecordedMessage,
  type EventStore as EmmettEventStore,
  type Event,
  type ExpectedStreamVersion,
  ExpectedVersionConflictError,
  NO_CONCURRENCY_CHECK,
  type ReadStreamOptions,
  type ReadStreamResult,
  STREAM_DOES_NOT_EXIST,
  STREAM_EXISTS,
  tryPublishMessagesAfterCommit,
  upcastRecordedMessage,
} from '@event-driven-io/emmett';
import {
  type EventStoreApi,
  type ExpectedVersion,
  type NewEvent,
  type RecordedEvent,
  StreamNotFoundError,
  ValidationError,
  WrongExpectedVersionError,
} from '../../src/index.js';
import { type DynamoDBReadEventMetadata, isObject, toEmmettReadEvent } from './read-events.js';

/**
 * Emmett's view of this store: stream versions and global positions are
 * bigints, and appends and folds also say the last event's global position
 * (`lastEventGlobalPosition`, absent in sequenced mode until it is placed).
 */
export interface DynamoDBEmmettEventStore extends EmmettEventStore<DynamoDBReadEventMetadata> {
  appendToStream<EventType extends Event, EventPayloadType extends Event = EventType>(
    streamName: string,
    events: EventType[],
    options?: AppendToStreamOptions<bigint, EventType, EventPayloadType>,
  ): Promise<AppendToStreamResultWithGlobalPosition>;
  aggregateStream<State, EventType extends Event, EventPayloadType extends Event = EventType>(
    streamName: string,
    options: AggregateStreamOptions<State, EventType, DynamoDBReadEventMetadata, EventPayloadType>,
  ): Promise<AggregateStreamResultWithGlobalPosition<State>>;
}

export type DynamoDBEmmettEventStoreOptions = DefaultEventStoreOptions<DynamoDBEmmettEventStore>;

/** Emmett's empty stream, as its in-memory and PostgreSQL stores have it. */
const NO_EVENTS = 0n;

/**
 * Emmett's `EventStore` over this store, so Emmett's `CommandHandler`,
 * `DeciderCommandHandler` and specifications run on DynamoDB with a
 * gap-free global order. Expected-version failures are Emmett's
 * `ExpectedVersionConflictError` (which `CommandHandler`'s `retry:
 * { onVersionConflict }` retries); everything else is this store's own errors.
 */
export function getDynamoDBEventStore(
  store: EventStoreApi,
  options: DynamoDBEmmettEventStoreOptions = {},
): DynamoDBEmmettEventStore {
  const readStream = async <EventType extends Event, EventPayloadType extends Event = EventType>(
    streamName: string,
    read?: ReadStreamOptions<bigint, EventType, EventPayloadType>,
  ): Promise<ReadStreamResult<EventType, DynamoDBReadEventMetadata>> => {
    const { fromVersion, maxCount } = toRange(read);
    const recorded: RecordedEvent[] = [];
    if (maxCount !== 0) {
      try {
        for await (const event of store.readStream(streamName, {
          fromVersion,
          ...(maxCount !== undefined && { maxCount }),
        })) {
          recorded.push(event);
        }
      } catch (error) {
        if (!(error instanceof StreamNotFoundError)) throw error;
      }
    }
    // Read to the end, the last event is the stream's version; a range needs the head.
    const last = recorded.at(-1);
    const version =
      maxCount === undefined && last ? last.version : await store.getStreamVersion(streamName);
    const currentStreamVersion = BigInt(version);
    assertExpectedVersionMatchesCurrent(
      currentStreamVersion,
      read?.expectedStreamVersion,
      NO_EVENTS,
    );
    return {
      currentStreamVersion,
      events: recorded.map((event) =>
        upcastRecordedMessage(toEmmettReadEvent<EventPayloadType>(event), read?.schema?.versioning),
      ) as ReadStreamResult<EventType, DynamoDBReadEventMetadata>['events'],
      streamExists: version > 0,
    };
  };

  const eventStore: DynamoDBEmmettEventStore = {
    readStream,

    async aggregateStream<
      State,
      EventType extends Event,
      EventPayloadType extends Event = EventType,
    >(
      streamName: string,
      options: AggregateStreamOptions<
        State,
        EventType,
        DynamoDBReadEventMetadata,
        EventPayloadType
      >,
    ): Promise<AggregateStreamResultWithGlobalPosition<State>> {
      const { evolve, initialState, read } = options;
      const result = await readStream<EventType, EventPayloadType>(streamName, read);
      const fold = evolve as (state: State, event: unknown) => State;
      const state = result.events.reduce(fold, initialState());
      const position = result.events.at(-1)?.metadata.globalPosition;
      if (result.streamExists && position !== undefined) {
        return {
          currentStreamVersion: result.currentStreamVersion,
          state,
          streamExists: true,
          lastEventGlobalPosition: position,
        };
      }
      return {
        currentStreamVersion: result.currentStreamVersion,
        state,
        streamExists: false,
      } as AggregateStreamResultWithGlobalPosition<State>;
    },

    async appendToStream<EventType extends Event, EventPayloadType extends Event = EventType>(
      streamName: string,
      events: EventType[],
      append?: AppendToStreamOptions<bigint, EventType, EventPayloadType>,
    ): Promise<AppendToStreamResultWithGlobalPosition> {
      const expected = append?.expectedStreamVersion;
      const newEvents = events.map((event) =>
        toNewEvent(downcastRecordedMessage(event, append?.schema?.versioning)),
      );
      let result: Awaited<ReturnType<EventStoreApi['appendToStream']>>;
      try {
        result = await store.appendToStream(streamName, newEvents, {
          expectedVersion: toExpectedVersion(expected),
        });
      } catch (error) {
        if (!(error instanceof WrongExpectedVersionError)) throw error;
        const conflict = new ExpectedVersionConflictError(
          BigInt(error.actualVersion),
          expected ?? NO_CONCURRENCY_CHECK,
        );
        throw Object.assign(conflict, { cause: error });
      }
      await tryPublishMessagesAfterCommit<DynamoDBEmmettEventStore>(
        result.events.map((event) => toEmmettReadEvent(event)),
        options.hooks,
      );
      return {
        nextExpectedStreamVersion: BigInt(result.nextExpectedVersion),
        createdNewStream: result.nextExpectedVersion === result.events.length,
        // Sequenced mode places the append after its reply: no position yet.
        ...(result.lastPosition !== null && {
          lastEventGlobalPosition: BigInt(result.lastPosition),
        }),
      } as AppendToStreamResultWithGlobalPosition;
    },

    streamExists: (streamName) => store.streamExists(streamName),
  };
  return eventStore;
}

/**
 * Emmett's `from` and `to` are stream positions (versions), both inclusive,
 * as its PostgreSQL store reads them; `maxCount` caps the events read from
 * `from`.
 */
function toRange(read: { from?: bigint; to?: bigint; maxCount?: bigint } | undefined): {
  fromVersion: number;
  maxCount: number | undefined;
} {
  const from = read?.from === undefined || read.from < 1n ? 1n : read.from;
  let count = read?.to === undefined ? undefined : read.to - from + 1n;
  if (read?.maxCount !== undefined && (count === undefined || read.maxCount < count)) {
    count = read.maxCount;
  }
  return {
    fromVersion: toSafeNumber(from, 'read.from'),
    maxCount:
      count === undefined ? undefined : count <= 0n ? 0 : toSafeNumber(count, 'read.maxCount'),
  };
}

function toExpectedVersion(expected: ExpectedStreamVersion | undefined): ExpectedVersion {
  if (expected === undefined || expected === NO_CONCURRENCY_CHECK) return 'any';
  if (expected === STREAM_DOES_NOT_EXIST) return 'no_stream';
  if (expected === STREAM_EXISTS) return 'stream_exists';
  if (typeof expected === 'bigint' && expected >= 0n) {
    return toSafeNumber(expected, 'options.expectedStreamVersion');
  }
  throw new ValidationError(
    'options.expectedStreamVersion',
    `must be a bigint >= 0n, STREAM_EXISTS, STREAM_DOES_NOT_EXIST or NO_CONCURRENCY_CHECK (got ${String(expected)})`,
  );
}

function toSafeNumber(value: bigint, field: string): number {
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new ValidationError(field, `must be at most ${Number.MAX_SAFE_INTEGER} (got ${value})`);
  }
  return Number(value);
}

/**
 * An Emmett event as this store keeps it: `type`, `data`, and its metadata
 * when it has any; a string `metadata.messageId` becomes the event id, so a
 * retried append with the same ids is stored once.
 */
function toNewEvent(event: Event): NewEvent {
  const metadata = 'metadata' in event ? (event.metadata as unknown) : undefined;
  const messageId = isObject(metadata) ? metadata.messageId : undefined;
  return {
    type: event.type,
    data: event.data,
    ...(metadata !== undefined && { metadata }),
    ...(typeof messageId === 'string' && { eventId: messageId }),
  };
}
