import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { SnapshotNotFoundError, StreamNotFoundError } from '../../src/errors.js';
import type { ApiDeps } from './deps.js';
import { ApiMetric, MetricUnit } from './observability.js';
import { projectionRoutes } from './projection-routes.js';
import { readJsonBody, readQuery, readStreamId } from './request.js';
import { type ApiResult, json, takePage } from './responses.js';
import type { RouteDefinition } from './router.js';
import { allEventsQuerySchema, parseAppendBody, streamEventsQuerySchema } from './schemas.js';

export interface ApiRequest {
  event: APIGatewayProxyEventV2;
  /** Path parameters as they came, still percent-encoded. */
  rawParams: Record<string, string>;
}

export type RouteHandler = (request: ApiRequest, deps: ApiDeps) => Promise<ApiResult>;

const streamIdOf = (request: ApiRequest): string => readStreamId(request.rawParams.streamId ?? '');

export const routes: readonly RouteDefinition<RouteHandler>[] = [
  {
    method: 'POST',
    path: '/streams/{streamId}/events',
    handle: async (request, { store, metrics, maxBodyBytes }) => {
      const streamId = streamIdOf(request);
      const body = parseAppendBody(readJsonBody(request.event, maxBodyBytes));
      const result = await store.appendToStream(streamId, body.events, {
        ...(body.expectedVersion !== undefined && { expectedVersion: body.expectedVersion }),
      });
      metrics.addMetric(ApiMetric.eventsAppended, MetricUnit.Count, result.events.length);
      const { nextExpectedVersion, firstPosition, lastPosition } = result;
      return json(201, { streamId, nextExpectedVersion, firstPosition, lastPosition });
    },
  },
  {
    method: 'GET',
    path: '/streams/{streamId}/events',
    handle: async (request, { store }) => {
      const streamId = streamIdOf(request);
      const query = readQuery(
        request.event,
        { single: ['fromVersion', 'limit', 'direction'] },
        streamEventsQuerySchema,
      );
      const events = store.readStream(streamId, {
        ...(query.fromVersion !== undefined && { fromVersion: query.fromVersion }),
        ...(query.direction !== undefined && { direction: query.direction }),
        maxCount: query.limit + 1,
      });
      const { page, next } = await takePage(events, query.limit);
      return json(200, { events: page, nextVersion: next?.version ?? null });
    },
  },
  {
    method: 'GET',
    path: '/streams/{streamId}',
    handle: async (request, { store }) => {
      const streamId = streamIdOf(request);
      const head = await store.getStreamHead(streamId);
      if (!head) throw new StreamNotFoundError(streamId);
      const { version, createdAt, updatedAt } = head;
      return json(200, { streamId, version, createdAt, updatedAt });
    },
  },
  {
    method: 'GET',
    path: '/streams/{streamId}/snapshot',
    handle: async (request, { store }) => {
      const streamId = streamIdOf(request);
      const snapshot = await store.getSnapshot(streamId);
      if (!snapshot) {
        // Which 404 tells the caller whether to look for the stream or just wait for a snapshot.
        const exists = await store.streamExists(streamId);
        throw exists ? new SnapshotNotFoundError(streamId) : new StreamNotFoundError(streamId);
      }
      const { version, state, createdAt } = snapshot;
      return json(200, { streamId, version, state, createdAt });
    },
  },
  {
    method: 'GET',
    path: '/events',
    handle: async (request, { store }) => {
      const query = readQuery(
        request.event,
        { single: ['fromPosition', 'limit', 'streamPrefix'], repeated: ['eventType'] },
        allEventsQuerySchema,
      );
      const events = store.readAll({
        ...(query.fromPosition !== undefined && { fromPosition: query.fromPosition }),
        ...(query.eventType !== undefined && { eventTypes: query.eventType }),
        ...(query.streamPrefix !== undefined && { streamPrefix: query.streamPrefix }),
        maxCount: query.limit + 1,
      });
      const { page, next } = await takePage(events, query.limit);
      return json(200, { events: page, nextPosition: next?.position ?? null });
    },
  },
  {
    method: 'GET',
    path: '/health',
    handle: async () => json(200, { ok: true }),
  },
  ...projectionRoutes,
];
