import { methodNotAllowed, routeNotFound } from '../http-errors.js';
import type { RouteDoc } from './route-doc.js';

export interface RouteDefinition<Handler> {
  method: string;
  /**
   * Matched against the decoded path: `{name}` is one segment, `{name+}` one
   * or more (`/streams/{streamId+}/events` takes everything between
   * `/streams/` and the last `/events`). Routes sharing a template are one
   * resource; the first template in the list that matches wins.
   */
  path: string;
  handle: Handler;
  /** Its description in the OpenAPI document. */
  doc: RouteDoc;
}

export interface RouteMatch<Handler> {
  route: RouteDefinition<Handler>;
  /** Path parameters, decoded; checking them belongs to the route. */
  params: Record<string, string>;
}

/**
 * Routes on the decoded path (see requestPath), never on `pathParameters` or
 * `routeKey`, so the handler answers the same behind `$default`,
 * `ANY /{proxy+}`, per-route integrations or a Function URL.
 */
export function matchRoute<Handler>(
  routes: readonly RouteDefinition<Handler>[],
  method: string,
  path: string,
): RouteMatch<Handler> {
  const segments = path.split('/');
  for (const candidate of routes) {
    const params = matchPath(candidate.path.split('/'), segments);
    if (!params) continue;
    const resource = routes.filter((route) => route.path === candidate.path);
    const route = resource.find((r) => r.method === method);
    if (route) return { route, params };
    throw methodNotAllowed(
      method,
      path,
      resource.map((r) => r.method),
    );
  }
  throw routeNotFound(method, path);
}

function matchPath(template: string[], segments: string[]): Record<string, string> | undefined {
  const greedyAt = template.findIndex((part) => part.endsWith('+}'));
  if (greedyAt === -1) {
    return template.length === segments.length ? matchParts(template, segments) : undefined;
  }
  const after = template.length - greedyAt - 1;
  // The greedy parameter takes at least one segment.
  if (segments.length < template.length) return undefined;
  const head = matchParts(template.slice(0, greedyAt), segments.slice(0, greedyAt));
  const tail = matchParts(template.slice(greedyAt + 1), segments.slice(segments.length - after));
  if (!head || !tail) return undefined;
  const name = (template[greedyAt] as string).slice(1, -2);
  const value = segments.slice(greedyAt, segments.length - after).join('/');
  return { ...head, ...tail, [name]: value };
}

function matchParts(template: string[], segments: string[]): Record<string, string> | undefined {
  const params: Record<string, string> = {};
  for (const [i, part] of template.entries()) {
    const segment = segments[i] as string;
    if (part.startsWith('{') && part.endsWith('}')) params[part.slice(1, -1)] = segment;
    else if (part !== segment) return undefined;
  }
  return params;
}
