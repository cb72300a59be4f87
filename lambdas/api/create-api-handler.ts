import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { ErrorCode, EventStoreError } from '../../src/errors.js';
import { toErrorReply } from '../http-errors.js';
import { apiRoutes } from './api-routes.js';
import type { ApiDeps } from './deps.js';
import { ApiMetric, MetricUnit } from './observability.js';
import { requestPath } from './paths.js';
import { parseQueryString } from './request.js';
import { type ApiResult, json } from './responses.js';
import { matchRoute } from './router.js';

export type ApiHandler = (event: APIGatewayProxyEventV2, context?: Context) => Promise<ApiResult>;

/**
 * The API Gateway (HTTP API, payload 2.0) handler: route, run, map errors,
 * log one line per request. It keeps no per-request state on the logger or
 * anywhere else, because the local runtime runs many requests through one
 * handler at once.
 */
export function apiHandlerWith(deps: ApiDeps): ApiHandler {
  return async (event, context) => {
    const started = Date.now();
    const requestId = event.requestContext?.requestId || context?.awsRequestId || randomUUID();
    const method = event.requestContext?.http?.method ?? 'GET';
    let path = event.rawPath;
    let route: string | undefined;
    let result: ApiResult;
    let errorCode: string | undefined;
    try {
      path = requestPath(event);
      const query = parseQueryString(event.rawQueryString ?? '');
      const match = matchRoute(apiRoutes, method, path);
      route = `${match.route.method} ${match.route.path}`;
      result = await match.route.handle({ event, params: match.params, query }, deps);
    } catch (error) {
      const reply = toErrorReply(error, requestId);
      errorCode = reply.body.error;
      if (reply.unexpected) deps.logger.error('Request failed unexpectedly', { requestId, error });
      if (error instanceof EventStoreError && error.code === ErrorCode.WrongExpectedVersion) {
        deps.metrics.addMetric(ApiMetric.appendConflicts, MetricUnit.Count, 1);
      }
      if (reply.status >= 500) deps.metrics.addMetric(ApiMetric.serverErrors, MetricUnit.Count, 1);
      result = json(reply.status, reply.body, reply.headers);
    }
    result.headers = { ...result.headers, 'x-request-id': requestId };
    deps.logger.info('Request', {
      requestId,
      method,
      path,
      route,
      status: result.statusCode,
      ...(errorCode && { error: errorCode }),
      latencyMs: Date.now() - started,
    });
    // Publishing with nothing stored only makes Powertools warn.
    if (deps.metrics.hasStoredMetrics()) deps.metrics.publishStoredMetrics();
    return result;
  };
}
