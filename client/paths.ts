import { whyNotInPath } from '../src/api-contract/paths.js';

/** A request target: the path and its query parameters (a repeated one as an array). */
export interface Target {
  path: string;
  query: Record<string, string | string[]>;
}

export type StreamSuffix = '' | '/events' | '/snapshot';

// `/streams/x/events` is always the events of `x`: the head of `x/events` needs the query form.
const OTHER_ROUTE_SUFFIX = /\/(events|snapshot)$/;

/**
 * Where a stream route goes for this id: `/streams/{id}{suffix}` when the
 * path can carry the id, else `/stream{suffix}?streamId=` (README "Which
 * stream ids go in the path").
 */
export function streamTarget(streamId: string, suffix: StreamSuffix): Target {
  const inQuery =
    whyNotInPath(streamId) !== undefined || (suffix === '' && OTHER_ROUTE_SUFFIX.test(streamId));
  return inQuery
    ? { path: `/stream${suffix}`, query: { streamId } }
    : { path: `/streams/${encodeURIComponent(streamId)}${suffix}`, query: {} };
}

/** `/projections/{name}/{key}`, or `/projection?name=&key=` for a key the path cannot carry. */
export function documentTarget(projection: string, key: string): Target {
  return whyNotInPath(key) === undefined
    ? {
        path: `/projections/${encodeURIComponent(projection)}/${encodeURIComponent(key)}`,
        query: {},
      }
    : { path: '/projection', query: { name: projection, key } };
}
