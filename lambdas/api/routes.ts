import { HttpErrorCode } from '../../src/api-contract/error-bodies.js';
import {
  allEventsQuerySchema,
  appendBodySchema,
  parseAppendBody,
  streamEventsQuerySchema,
} from '../../src/api-contract/requests.js';
import {
  type AllEventsPage,
  type AppendResponse,
  allEventsPageSchema,
  appendResultSchema,
  healthSchema,
  type SnapshotResponse,
  type StreamEventsPage,
  type StreamHeadResponse,
  snapshotResponseSchema,
  streamEventsPageSchema,
  streamHeadSchema,
} from '../../src/api-contract/responses.js';
import { ErrorCode, SnapshotNotFoundError, StreamNotFoundError } from '../../src/errors.js';
import { streamIdSchema } from '../../src/validation.js';
import type { ApiDeps } from './deps.js';
import { ApiMetric, MetricUnit } from './observability.js';
import { PageBudget, payloadBytes, takeWithinBudget } from './page-budget.js';
import { projectionRoutes } from './projection-routes.js';
import {
  type ApiRequest,
  readJsonBody,
  readPathTarget,
  readQuery,
  takeQueryTarget,
} from './request.js';
import { type ApiResult, json } from './responses.js';
import type { RouteDoc } from './route-doc.js';
import type { RouteDefinition } from './router.js';

export type { ApiRequest };
export type RouteHandler = (request: ApiRequest, deps: ApiDeps) => Promise<ApiResult>;
type StreamHandler = (streamId: string, request: ApiRequest, deps: ApiDeps) => Promise<ApiResult>;

const streamIdDoc = {
  schema: streamIdSchema,
  description: '1..512 UTF-8 bytes, no control characters, percent-encoded',
};

/**
 * Each stream route exists twice: `/streams/{streamId}{suffix}`, the id being
 * everything between `/streams/` and the suffix, and `/stream{suffix}?streamId=`
 * for ids a path cannot carry (see whyNotInPath). The suffixed routes come
 * first, so `/streams/a/events` is stream `a`'s events, never the head of `a/events`.
 */
function streamRoute(
  method: string,
  suffix: string,
  handle: StreamHandler,
  doc: RouteDoc,
): RouteDefinition<RouteHandler>[] {
  const queryForm = `/stream${suffix}?streamId=<id>`;
  return [
    {
      method,
      path: `/streams/{streamId+}${suffix}`,
      handle: (request, deps) =>
        handle(
          readPathTarget(request.params.streamId ?? '', 'streamId', streamIdSchema, queryForm),
          request,
          deps,
        ),
      doc: {
        ...doc,
        pathParams: {
          streamId: {
            ...streamIdDoc,
            description: `${streamIdDoc.description}; it may hold '/'. Ids with '?', '#', an empty, '.' or '..' segment go to ${queryForm} instead (400 ValidationError here)`,
          },
        },
        errors: [...doc.errors, ErrorCode.ValidationError],
      },
    },
    {
      method,
      path: `/stream${suffix}`,
      handle: (request, deps) =>
        handle(takeQueryTarget(request.query, 'streamId', streamIdSchema), request, deps),
      doc: {
        ...doc,
        operationId: `${doc.operationId}ByQuery`,
        summary: `${doc.summary} (any stream id, given in the query)`,
        queryTargets: { streamId: streamIdDoc },
        errors: [...doc.errors, ErrorCode.ValidationError],
      },
    },
  ];
}

const append: StreamHandler = async (streamId, request, { store, metrics, maxBodyBytes }) => {
  const body = parseAppendBody(readJsonBody(request.event, maxBodyBytes));
  const result = await store.appendToStream(streamId, body.events, {
    ...(body.expectedVersion !== undefined && { expectedVersion: body.expectedVersion }),
  });
  metrics.addMetric(ApiMetric.eventsAppended, MetricUnit.Count, result.events.length);
  const { nextExpectedVersion, firstPosition, lastPosition } = result;
  return json(201, {
    streamId,
    nextExpectedVersion,
    firstPosition,
    lastPosition,
  } satisfies AppendResponse);
};

const readEvents: StreamHandler = async (streamId, request, { store, pageBudgetBytes }) => {
  const query = readQuery(
    request.query,
    { single: ['fromVersion', 'limit', 'direction'] },
    streamEventsQuerySchema,
  );
  const events = store.readStream(streamId, {
    ...(query.fromVersion !== undefined && { fromVersion: query.fromVersion }),
    ...(query.direction !== undefined && { direction: query.direction }),
    maxCount: query.limit + 1,
  });
  const { page, next } = await takeWithinBudget(events, query.limit, pageBudgetBytes);
  return json(200, { events: page, nextVersion: next?.version ?? null } satisfies StreamEventsPage);
};

const readHead: StreamHandler = async (streamId, _request, { store }) => {
  const head = await store.getStreamHead(streamId);
  if (!head) throw new StreamNotFoundError(streamId);
  const { version, createdAt, updatedAt } = head;
  return json(200, { streamId, version, createdAt, updatedAt } satisfies StreamHeadResponse);
};

const readSnapshot: StreamHandler = async (streamId, _request, { store }) => {
  const snapshot = await store.getSnapshot(streamId);
  if (!snapshot) {
    // Which 404 tells the caller whether to look for the stream or just wait for a snapshot.
    const exists = await store.streamExists(streamId);
    throw exists ? new SnapshotNotFoundError(streamId) : new StreamNotFoundError(streamId);
  }
  const { version, state, createdAt } = snapshot;
  return json(200, { streamId, version, state, createdAt } satisfies SnapshotResponse);
};

/** A filtered `$all` read looks at no more index items than this per request. */
export const AllEventsScan = { maxExamined: 5000 } as const;

export const routes: readonly RouteDefinition<RouteHandler>[] = [
  ...streamRoute('POST', '/events', append, {
    operationId: 'appendToStream',
    summary: 'Append events to a stream',
    description:
      'One atomic append: all events or none. A retry with the same event ids and expected version returns the original result and writes nothing.',
    body: { name: 'AppendRequest', schema: appendBodySchema },
    response: {
      status: 201,
      name: 'AppendResult',
      schema: appendResultSchema,
      description: 'Appended',
    },
    errors: [
      HttpErrorCode.MalformedJson,
      HttpErrorCode.PayloadTooLarge,
      HttpErrorCode.CrossSiteRequest,
      ErrorCode.WrongExpectedVersion,
      ErrorCode.AppendTooLarge,
      ErrorCode.ContentionRetriesExhausted,
    ],
  }),
  ...streamRoute('GET', '/events', readEvents, {
    operationId: 'readStream',
    summary: "A page of a stream's events, forwards or backwards",
    description:
      'Stops at limit events or before the page would pass the 5 MiB response budget; nextVersion goes on. An absent stream is 404 StreamNotFound, as in the SDK.',
    query: streamEventsQuerySchema,
    response: {
      status: 200,
      name: 'StreamEventsPage',
      schema: streamEventsPageSchema,
      description: 'A page of events',
    },
    errors: [ErrorCode.StreamNotFound],
  }),
  ...streamRoute('GET', '/snapshot', readSnapshot, {
    operationId: 'getSnapshot',
    summary: "The stream's latest snapshot",
    response: {
      status: 200,
      name: 'Snapshot',
      schema: snapshotResponseSchema,
      description: 'The snapshot',
    },
    errors: [ErrorCode.StreamNotFound, ErrorCode.SnapshotNotFound],
  }),
  ...streamRoute('GET', '', readHead, {
    operationId: 'getStreamHead',
    summary: "The stream's version and times",
    description:
      "For an id ending in '/events' or '/snapshot' the path form names another route: use the query form.",
    response: {
      status: 200,
      name: 'StreamHead',
      schema: streamHeadSchema,
      description: 'The stream head',
    },
    errors: [ErrorCode.StreamNotFound],
  }),
  {
    method: 'GET',
    path: '/events',
    handle: async (request, { store, pageBudgetBytes, maxExamined }) => {
      const query = readQuery(
        request.query,
        { single: ['fromPosition', 'limit', 'streamPrefix'], repeated: ['eventType'] },
        allEventsQuerySchema,
      );
      const page = await store.readAllPage({
        ...(query.fromPosition !== undefined && { fromPosition: query.fromPosition }),
        ...(query.eventType !== undefined && { eventTypes: query.eventType }),
        ...(query.streamPrefix !== undefined && { streamPrefix: query.streamPrefix }),
        limit: query.limit,
        maxExamined: maxExamined ?? AllEventsScan.maxExamined,
        maxBytes: pageBudgetBytes ?? PageBudget.bytes,
        sizeOf: payloadBytes,
      });
      return json(200, {
        // Events read from $all always carry their position, in every mode.
        events: page.events as AllEventsPage['events'],
        nextPosition: page.nextPosition ?? null,
      } satisfies AllEventsPage);
    },
    doc: {
      operationId: 'readAllPage',
      summary: 'A page of $all, in position order, optionally filtered',
      description:
        'Examines at most 5,000 index items per request, matching or not, and stops before the 5 MiB response budget: loop on nextPosition until it is null.',
      query: allEventsQuerySchema,
      repeated: ['eventType'],
      response: {
        status: 200,
        name: 'AllEventsPage',
        schema: allEventsPageSchema,
        description: 'A page of $all',
      },
      errors: [ErrorCode.ValidationError, ErrorCode.AllStreamLagging],
    },
  },
  {
    method: 'GET',
    path: '/health',
    handle: async () => json(200, { ok: true }),
    doc: {
      operationId: 'health',
      summary: 'Answers while the handler runs',
      response: { status: 200, name: 'Health', schema: healthSchema, description: 'Up' },
      errors: [],
    },
  },
  ...projectionRoutes,
];
