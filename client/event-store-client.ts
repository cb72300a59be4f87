import { PageLimit, parseAppendBody } from '../src/api-contract/requests.js';
import {
  type AppendResponse,
  allEventsPageSchema,
  appendResultSchema,
  healthSchema,
  type SnapshotResponse,
  snapshotResponseSchema,
  streamEventsPageSchema,
  streamHeadSchema,
} from '../src/api-contract/responses.js';
import { ErrorCode } from '../src/errors.js';
import type {
  AggregateStreamResult,
  ExpectedVersion,
  NewEvent,
  PositionedEvent,
  ReadAllPageResult,
  ReadDirection,
  RecordedEvent,
  StreamHead,
} from '../src/types.js';
import { parse, readAllOptionsSchema, readStreamOptionsSchema } from '../src/validation.js';
import { absentAsUndefined } from './errors.js';
import { type StreamSuffix, streamTarget } from './paths.js';
import { ProjectionsClient } from './projections-client.js';
import type { SigningOptions } from './signer.js';
import { type ClientRetryOptions, Transport } from './transport.js';

export interface EventStoreClientOptions {
  /** The API's base URL: the stack's `EventStoreApiUrl` output, or `http://localhost:3000` locally. */
  url: string;
  /** Sign every request with SigV4, for the construct's default IAM authorizer. Default: unsigned. */
  signing?: SigningOptions;
  /** Retries of network failures and of 429, 502, 503 and 504 answers, each with the same request. */
  retry?: ClientRetryOptions;
  /** Default `globalThis.fetch`. */
  fetch?: typeof fetch;
  /** Sent with every request, e.g. `{ authorization: 'Bearer …' }` for a JWT authorizer. */
  headers?: Record<string, string>;
}

export interface ClientAppendOptions {
  /** Default `'any'`. */
  expectedVersion?: ExpectedVersion;
}

/** The API's answer, and the event ids the append used (the caller's, or ones made for it before the first try). */
export type ClientAppendResult = AppendResponse & { eventIds: string[] };

export interface ClientReadStreamOptions {
  /** Forwards default 1; backwards default the stream's last version. Inclusive. */
  fromVersion?: number;
  maxCount?: number;
  direction?: ReadDirection;
  /** Events per request, 1..1000. Default 100. */
  pageSize?: number;
}

export interface ClientReadStreamPageOptions {
  fromVersion?: number;
  /** 1..1000; default 100. */
  limit?: number;
  direction?: ReadDirection;
}

export interface ClientReadStreamPage {
  events: RecordedEvent[];
  /** Pass as `fromVersion` to go on; undefined at the end of the stream. */
  nextVersion: number | undefined;
}

export interface ClientReadAllOptions {
  /** Inclusive; default 1. */
  fromPosition?: number;
  maxCount?: number;
  eventTypes?: readonly string[];
  streamPrefix?: string;
  /** Events per request, 1..1000. Default 100. */
  pageSize?: number;
}

export interface ClientReadAllPageOptions {
  fromPosition?: number;
  /** 1..1000; default 100. */
  limit?: number;
  eventTypes?: readonly string[];
  streamPrefix?: string;
}

/**
 * The event store over its HTTP API: the SDK's operations, the SDK's error
 * classes, typed and checked by the schemas the API's handler uses.
 */
export class EventStoreClient {
  readonly #http: Transport;
  /** Read models: `get` one document, `list` a projection's. */
  readonly projections: ProjectionsClient;

  constructor(options: EventStoreClientOptions) {
    this.#http = new Transport(options);
    this.projections = new ProjectionsClient(this.#http);
  }

  /**
   * Appends atomically. Events without an `eventId` get one before the first
   * try, so a retry after a lost answer is the same append: it returns the
   * first one's result and writes nothing.
   */
  async appendToStream(
    streamId: string,
    events: readonly NewEvent[],
    options: ClientAppendOptions = {},
  ): Promise<ClientAppendResult> {
    const withIds = events.map((event) => ({
      ...event,
      eventId: event.eventId ?? globalThis.crypto.randomUUID(),
    }));
    // Refused here as the API would refuse it, with its words, before any request.
    const body = parseAppendBody({
      events: withIds,
      ...(options.expectedVersion !== undefined && { expectedVersion: options.expectedVersion }),
    });
    const answer = await this.#http.send({
      method: 'POST',
      target: streamTarget(streamId, '/events'),
      body,
      status: 201,
      schema: appendResultSchema,
      context: { streamId },
    });
    return { ...answer, eventIds: withIds.map((event) => event.eventId) };
  }

  /** One page of a stream; StreamNotFoundError for an absent stream, as in the SDK. */
  async readStreamPage(
    streamId: string,
    options: ClientReadStreamPageOptions = {},
  ): Promise<ClientReadStreamPage> {
    const page = await this.#http.send({
      method: 'GET',
      target: withQuery(streamTarget(streamId, '/events'), {
        fromVersion: options.fromVersion,
        limit: options.limit,
        direction: options.direction,
      }),
      status: 200,
      schema: streamEventsPageSchema,
      context: { streamId },
    });
    return { events: page.events, nextVersion: page.nextVersion ?? undefined };
  }

  /** The stream's events, fetched a page at a time as the loop asks for them. */
  async *readStream(
    streamId: string,
    options: ClientReadStreamOptions = {},
  ): AsyncIterable<RecordedEvent> {
    const { maxCount, ...rest } = parse(readStreamOptionsSchema, options, 'options');
    let left = maxCount ?? Number.POSITIVE_INFINITY;
    let fromVersion = rest.fromVersion;
    while (left > 0) {
      const page = await this.readStreamPage(streamId, {
        ...(fromVersion !== undefined && { fromVersion }),
        ...(rest.direction && { direction: rest.direction }),
        limit: Math.min(left, options.pageSize ?? PageLimit.default),
      });
      for (const event of page.events.slice(0, left)) yield event;
      left -= page.events.length;
      if (page.nextVersion === undefined) return;
      fromVersion = page.nextVersion;
    }
  }

  /** One page of `$all`; `nextPosition` moves on even when a filter matched nothing. */
  async readAllPage(options: ClientReadAllPageOptions = {}): Promise<ReadAllPageResult> {
    const page = await this.#http.send({
      method: 'GET',
      target: withQuery(
        { path: '/events', query: {} },
        {
          fromPosition: options.fromPosition,
          limit: options.limit,
          streamPrefix: options.streamPrefix,
          eventType: options.eventTypes && [...options.eventTypes],
        },
      ),
      status: 200,
      schema: allEventsPageSchema,
    });
    return { events: page.events, nextPosition: page.nextPosition ?? undefined };
  }

  /** `$all` in position order, a page at a time, until its current end. */
  async *readAll(options: ClientReadAllOptions = {}): AsyncIterable<PositionedEvent> {
    const { maxCount, fromPosition } = parse(readAllOptionsSchema, options, 'options');
    let left = maxCount ?? Number.POSITIVE_INFINITY;
    let from = fromPosition;
    while (left > 0) {
      const page = await this.readAllPage({
        ...(from !== undefined && { fromPosition: from }),
        ...(options.eventTypes && { eventTypes: options.eventTypes }),
        ...(options.streamPrefix !== undefined && { streamPrefix: options.streamPrefix }),
        limit: Math.min(left, options.pageSize ?? PageLimit.default),
      });
      for (const event of page.events.slice(0, left)) yield event as PositionedEvent;
      left -= page.events.length;
      if (page.nextPosition === undefined) return;
      from = page.nextPosition;
    }
  }

  /** `undefined` when the stream does not exist. */
  async getStreamHead(streamId: string): Promise<StreamHead | undefined> {
    return absentAsUndefined(
      this.#http.send({
        method: 'GET',
        target: streamTarget(streamId, ''),
        status: 200,
        schema: streamHeadSchema,
        context: { streamId },
      }),
      [ErrorCode.StreamNotFound],
    );
  }

  /** 0 for an absent stream. */
  async getStreamVersion(streamId: string): Promise<number> {
    return (await this.getStreamHead(streamId))?.version ?? 0;
  }

  async streamExists(streamId: string): Promise<boolean> {
    return (await this.getStreamHead(streamId)) !== undefined;
  }

  /** The latest snapshot; `undefined` when there is none (or no stream). */
  async getSnapshot(streamId: string): Promise<SnapshotResponse | undefined> {
    return absentAsUndefined(
      this.#http.send({
        method: 'GET',
        target: streamTarget(streamId, '/snapshot' satisfies StreamSuffix),
        status: 200,
        schema: snapshotResponseSchema,
        context: { streamId },
      }),
      [ErrorCode.StreamNotFound, ErrorCode.SnapshotNotFound],
    );
  }

  /** Folds the stream's events (read over HTTP, without snapshots) into a state. */
  async aggregateStream<State>(
    streamId: string,
    options: {
      initialState: () => State;
      evolve: (state: State, event: RecordedEvent) => State;
      toVersion?: number;
    },
  ): Promise<AggregateStreamResult<State>> {
    let state = options.initialState();
    let version = 0;
    let eventsRead = 0;
    const maxCount = options.toVersion;
    for await (const event of this.readStream(streamId, maxCount ? { maxCount } : {})) {
      state = options.evolve(state, event);
      version = event.version;
      eventsRead++;
    }
    return { state, version, eventsRead, fromSnapshotVersion: undefined };
  }

  /** Resolves when the API answers. */
  async health(): Promise<void> {
    await this.#http.send({
      method: 'GET',
      target: { path: '/health', query: {} },
      status: 200,
      schema: healthSchema,
    });
  }
}

/** A target with the defined ones of these query parameters added. */
function withQuery(
  target: { path: string; query: Record<string, string | string[]> },
  params: Record<string, string | number | string[] | undefined>,
) {
  const query = { ...target.query };
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined) query[key] = Array.isArray(value) ? value : String(value);
  }
  return { path: target.path, query };
}
