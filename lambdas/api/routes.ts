import { SnapshotNotFoundError, StreamNotFoundError } from '../../src/errors.js';
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
import type { RouteDefinition } from './router.js';
import { allEventsQuerySchema, parseAppendBody, streamEventsQuerySchema } from './schemas.js';

export type { ApiRequest };
export type RouteHandler = (request: ApiRequest, deps: ApiDeps) => Promise<ApiResult>;
type StreamHandler = (streamId: string, request: ApiRequest, deps: ApiDeps) => Promise<ApiResult>;

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
    },
    {
      method,
      path: `/stream${suffix}`,
      handle: (request, deps) =>
        handle(takeQueryTarget(request.query, 'streamId', streamIdSchema), request, deps),
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
  return json(201, { streamId, nextExpectedVersion, firstPosition, lastPosition });
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
  return json(200, { events: page, nextVersion: next?.version ?? null });
};

const readHead: StreamHandler = async (streamId, _request, { store }) => {
  const head = await store.getStreamHead(streamId);
  if (!head) throw new StreamNotFoundError(streamId);
  const { version, createdAt, updatedAt } = head;
  return json(200, { streamId, version, createdAt, updatedAt });
};

const readSnapshot: StreamHandler = async (streamId, _request, { store }) => {
  const snapshot = await store.getSnapshot(streamId);
  if (!snapshot) {
    // Which 404 tells the caller whether to look for the stream or just wait for a snapshot.
    const exists = await store.streamExists(streamId);
    throw exists ? new SnapshotNotFoundError(streamId) : new StreamNotFoundError(streamId);
  }
  const { version, state, createdAt } = snapshot;
  return json(200, { streamId, version, state, createdAt });
};

/** A filtered `$all` read looks at no more index items than this per request. */
export const AllEventsScan = { maxExamined: 5000 } as const;

export const routes: readonly RouteDefinition<RouteHandler>[] = [
  ...streamRoute('POST', '/events', append),
  ...streamRoute('GET', '/events', readEvents),
  ...streamRoute('GET', '/snapshot', readSnapshot),
  ...streamRoute('GET', '', readHead),
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
      return json(200, { events: page.events, nextPosition: page.nextPosition ?? null });
    },
  },
  {
    method: 'GET',
    path: '/health',
    handle: async () => json(200, { ok: true }),
  },
  ...projectionRoutes,
];
