import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { methodNotAllowed, routeNotFound } from '../http-errors.js';

export interface RouteDefinition<Handler> {
  method: string;
  /** `/streams/{streamId}/events`: `{name}` matches one path segment, still percent-encoded. */
  path: string;
  handle: Handler;
}

export interface RouteMatch<Handler> {
  route: RouteDefinition<Handler>;
  /** Raw (percent-encoded) segments by name: decoding and validation belong to the route. */
  rawParams: Record<string, string>;
}

/**
 * Routes on `rawPath`, never on `pathParameters` or `routeKey`, so the handler
 * answers the same behind `$default`, `ANY /{proxy+}` or per-route integrations,
 * and a `%2F` inside a stream id stays inside its segment.
 */
export function matchRoute<Handler>(
  routes: readonly RouteDefinition<Handler>[],
  method: string,
  path: string,
): RouteMatch<Handler> {
  const segments = path.split('/');
  const allowed: string[] = [];
  for (const route of routes) {
    const rawParams = matchPath(route.path.split('/'), segments);
    if (!rawParams) continue;
    if (route.method === method) return { route, rawParams };
    allowed.push(route.method);
  }
  if (allowed.length > 0) throw methodNotAllowed(method, path, allowed);
  throw routeNotFound(method, path);
}

function matchPath(template: string[], segments: string[]): Record<string, string> | undefined {
  if (template.length !== segments.length) return undefined;
  const params: Record<string, string> = {};
  for (const [i, part] of template.entries()) {
    const segment = segments[i] as string;
    if (part.startsWith('{') && part.endsWith('}')) params[part.slice(1, -1)] = segment;
    else if (part !== segment) return undefined;
  }
  return params;
}

/**
 * The request path the routes see. API Gateway puts a named stage in front of
 * rawPath (`/prod/streams/...`); the `$default` stage adds nothing.
 */
export function routedPath(event: APIGatewayProxyEventV2): string {
  const raw = event.rawPath || '/';
  const stage = event.requestContext?.stage;
  if (!stage || stage === '$default') return raw;
  const prefix = `/${stage}`;
  if (raw === prefix) return '/';
  return raw.startsWith(`${prefix}/`) ? raw.slice(prefix.length) : raw;
}
