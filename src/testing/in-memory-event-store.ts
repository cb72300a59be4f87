import { aggregateStream } from '../aggregate-stream.js';
import { isSameAppend, resultFrom, type StoredEvent } from '../append/same-append.js';
import { appendTimeoutMs, type PreparedAppend, validateAppend } from '../append/validate-append.js';
import { StreamNotFoundError, WrongExpectedVersionError } from '../errors.js';
import type { EventStoreApi } from '../event-store-api.js';
import { decodeEvent } from '../events/codec.js';
import type { EventRegistry, EventShape, UntypedEvent } from '../events/define.js';
import { readAllPage } from '../read/read-all-page.js';
import { prepareSnapshotItem, type SnapshotItem, toSnapshot } from '../snapshot-item.js';
import type {
  AggregateStreamOptions,
  AggregateStreamResult,
  AppendOptions,
  AppendResult,
  NewEventOf,
  PositionedEvent,
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
} from '../types.js';
import {
  parse,
  parseReadAllOptions,
  readStreamOptionsSchema,
  streamIdSchema,
} from '../validation.js';

/** An event as held: data and metadata as JSON text, as the events table keeps them. */
interface HeldEvent {
  readonly streamId: string;
  readonly version: number;
  readonly position: number;
  readonly eventId: string;
  readonly type: string;
  readonly data: string;
  readonly metadata: string | null;
  readonly createdAt: string;
  readonly appendIndex: number;
  readonly appendCount: number;
  /** Recorded for events of a registered type, as the events table records it. */
  readonly schemaVersion: number | undefined;
}

export interface InMemoryEventStoreOptions<E extends EventShape = UntypedEvent> {
  /** The app's event registry (`defineEvents`): the same typing, validation and upcasting as `EventStore`'s. */
  events?: EventRegistry<E>;
}

interface HeldStream {
  readonly events: HeldEvent[];
  readonly createdAt: string;
  updatedAt: string;
}

/**
 * The event store in this process's memory, for tests of a domain: no
 * DynamoDB, no Java. Same interface and the same answers as `EventStore`
 * (the contract suite runs both): the same validation and errors, expected
 * versions, idempotent retries with the same event ids, the same limits,
 * snapshots, and `$all` in strict mode (positions 1..N, contiguous, in commit
 * order). Events are kept as JSON text, so what you read back is a copy that
 * has been through JSON exactly as with DynamoDB, and changing it changes
 * nothing stored. One instance is one store; make a fresh one per test.
 */
export class InMemoryEventStore<E extends EventShape = UntypedEvent> implements EventStoreApi<E> {
  declare readonly eventShape?: E | undefined;
  /** Types, validates on append and upcasts on read, exactly as `EventStore`'s `events` option does. */
  readonly #registry: EventRegistry<E> | undefined;
  readonly #streams = new Map<string, HeldStream>();
  /** `$all`: the event at position p is at index p - 1. */
  readonly #all: HeldEvent[] = [];
  readonly #snapshots = new Map<string, SnapshotItem>();

  constructor(options: InMemoryEventStoreOptions<E> = {}) {
    this.#registry = options.events;
  }

  async appendToStream(
    streamId: string,
    events: readonly NewEventOf<E>[],
    options: AppendOptions = {},
  ): Promise<AppendResult> {
    const append = validateAppend(streamId, events, options, new Date(), this.#registry);
    // Checked as EventStore checks it, though nothing here waits or retries.
    appendTimeoutMs(options, 1);
    // No await from here on: the check and the write are one step, as a transaction is.
    return this.#commit(append);
  }

  readStream(streamId: string, options: ReadStreamOptions = {}): AsyncIterable<RecordedEventOf<E>> {
    const id = parse(streamIdSchema, streamId, 'streamId');
    const parsed = parse(readStreamOptionsSchema, options ?? {}, 'options');
    return this.#readStream(id, parsed) as AsyncIterable<RecordedEventOf<E>>;
  }

  readAll(options: ReadAllOptions = {}): AsyncIterable<PositionedEventOf<E>> {
    return this.#readAll(parseReadAllOptions(options)) as AsyncIterable<PositionedEventOf<E>>;
  }

  readAllPage(options: ReadAllPageOptions = {}): Promise<ReadAllPageResult<RecordedEventOf<E>>> {
    return readAllPage(this, options) as Promise<ReadAllPageResult<RecordedEventOf<E>>>;
  }

  /** Always `'strict'`: positions are 1..N, contiguous, in commit order. */
  async getPositionMode(): Promise<PositionMode> {
    return 'strict';
  }

  async getStreamHead(streamId: string): Promise<StreamHead | undefined> {
    const id = parse(streamIdSchema, streamId, 'streamId');
    const stream = this.#streams.get(id);
    if (!stream) return undefined;
    const { events, createdAt, updatedAt } = stream;
    return { streamId: id, version: events.length, createdAt, updatedAt };
  }

  async getStreamVersion(streamId: string): Promise<number> {
    return (await this.getStreamHead(streamId))?.version ?? 0;
  }

  async streamExists(streamId: string): Promise<boolean> {
    return (await this.getStreamHead(streamId)) !== undefined;
  }

  async saveSnapshot<State>(input: SaveSnapshotInput<State>): Promise<{ saved: boolean }> {
    const item = prepareSnapshotItem(input, new Date().toISOString());
    const stored = this.#snapshots.get(item.streamId);
    if (stored && stored.stateVersion === item.stateVersion && stored.version >= item.version) {
      return { saved: false };
    }
    this.#snapshots.set(item.streamId, item);
    return { saved: true };
  }

  async getSnapshot<State = unknown>(streamId: string): Promise<Snapshot<State> | undefined> {
    const id = parse(streamIdSchema, streamId, 'streamId');
    const item = this.#snapshots.get(id);
    return item ? toSnapshot<State>({ ...item }) : undefined;
  }

  aggregateStream<State, Event extends RecordedEvent = RecordedEventOf<E>>(
    streamId: string,
    options: AggregateStreamOptions<State, Event>,
  ): Promise<AggregateStreamResult<State>> {
    return aggregateStream(this, streamId, options);
  }

  /**
   * The rules of the DynamoDB store's append (append/base-version.ts): a
   * named version (or `no_stream`, 0) must be the stream's, else the events
   * found there must be this very append; `any` and `stream_exists` take the
   * stream's version, unless its latest events are this very append.
   */
  #commit(append: PreparedAppend): AppendResult {
    const { streamId, expectedVersion, events } = append;
    const held = this.#streams.get(streamId)?.events ?? [];
    const version = held.length;
    if (expectedVersion === 'any' || expectedVersion === 'stream_exists') {
      if (held.at(-1)?.eventId === events.at(-1)?.eventId && version >= events.length) {
        const latest = held.slice(-events.length).map(toStored);
        if (isSameAppend(latest, events)) return resultFrom(streamId, latest);
      }
      if (expectedVersion === 'stream_exists' && version === 0) {
        throw new WrongExpectedVersionError(streamId, expectedVersion, 0);
      }
      return this.#write(append, version);
    }
    const base = expectedVersion === 'no_stream' ? 0 : expectedVersion;
    if (version === base) return this.#write(append, base);
    const found = held.slice(base, base + events.length).map(toStored);
    if (isSameAppend(found, events)) return resultFrom(streamId, found);
    throw new WrongExpectedVersionError(streamId, expectedVersion, version);
  }

  #write(append: PreparedAppend, base: number): AppendResult {
    const { streamId, events, createdAt } = append;
    const firstPosition = this.#all.length + 1;
    const written = events.map(
      (event, i): HeldEvent => ({
        streamId,
        version: base + i + 1,
        position: firstPosition + i,
        eventId: event.eventId,
        type: event.type,
        data: JSON.stringify(event.data),
        metadata: event.metadata === null ? null : JSON.stringify(event.metadata),
        createdAt,
        appendIndex: i,
        appendCount: events.length,
        schemaVersion: event.schemaVersion,
      }),
    );
    const stream = this.#streams.get(streamId);
    if (stream) {
      stream.events.push(...written);
      stream.updatedAt = createdAt;
    } else {
      this.#streams.set(streamId, { events: written, createdAt, updatedAt: createdAt });
    }
    this.#all.push(...written);
    return resultFrom(streamId, written.map(toStored));
  }

  async *#readStream(
    streamId: string,
    options: Pick<ReadStreamOptions, 'fromVersion' | 'maxCount' | 'direction'>,
  ): AsyncGenerator<RecordedEvent> {
    const stream = this.#streams.get(streamId);
    if (!stream) throw new StreamNotFoundError(streamId);
    const { fromVersion, maxCount = Number.POSITIVE_INFINITY } = options;
    const events =
      options.direction === 'backwards'
        ? stream.events.filter((e) => e.version <= (fromVersion ?? e.version)).reverse()
        : stream.events.filter((e) => e.version >= (fromVersion ?? 1));
    let yielded = 0;
    for (const event of events) {
      if (yielded >= maxCount) return;
      yielded++;
      yield this.#decoded(event);
    }
  }

  async *#readAll(
    options: ReturnType<typeof parseReadAllOptions>,
  ): AsyncGenerator<PositionedEvent> {
    const { fromPosition = 1, maxCount = Number.POSITIVE_INFINITY, streamPrefix } = options;
    const types = options.eventTypes && new Set(options.eventTypes);
    let returned = 0;
    // By index, not a copy: like the paged DynamoDB read, it sees what is appended meanwhile.
    for (let i = fromPosition - 1; i < this.#all.length && returned < maxCount; i++) {
      const event = this.#all[i] as HeldEvent;
      if (types && !types.has(event.type)) continue;
      if (streamPrefix && !event.streamId.startsWith(streamPrefix)) continue;
      returned++;
      yield this.#decoded(event);
    }
  }

  /** In its type's latest shape, as the DynamoDB store's reads give it. */
  #decoded(event: HeldEvent): PositionedEvent {
    return decodeEvent(this.#registry, toRecorded(event), event.schemaVersion);
  }
}

/** A fresh copy each time: nothing a caller does to it reaches the store. Data as stored. */
function toRecorded(event: HeldEvent): PositionedEvent {
  return {
    streamId: event.streamId,
    version: event.version,
    position: event.position,
    eventId: event.eventId,
    type: event.type,
    data: JSON.parse(event.data),
    metadata: event.metadata === null ? null : JSON.parse(event.metadata),
    createdAt: event.createdAt,
  };
}

function toStored(event: HeldEvent): StoredEvent {
  return { ...toRecorded(event), appendIndex: event.appendIndex, appendCount: event.appendCount };
}
