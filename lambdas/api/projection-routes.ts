import { z } from 'zod';
import { DocumentNotFoundError, ProjectionNotFoundError } from '../../src/errors.js';
import { cursorAfter, type ProjectionStore } from '../../src/projections/projection-store.js';
import { describe, parse } from '../../src/validation.js';
import { PageBudget, takeWithinBudget } from './page-budget.js';
import { type ApiRequest, readPathTarget, readQuery, takeQueryTarget } from './request.js';
import { type ApiResult, json } from './responses.js';
import type { RouteDefinition } from './router.js';

/** What the projection routes read; a test can hand in anything with this shape. */
export type ProjectionReader = Pick<ProjectionStore, 'get' | 'list'>;

export interface ProjectionRouteDeps {
  /** Unset when the API runs without a read-model table: every document is then absent. */
  projections?: ProjectionReader | undefined;
  /** See ApiDeps.projectionNames. */
  projectionNames?: readonly string[] | undefined;
  /** See ApiDeps.pageBudgetBytes. */
  pageBudgetBytes?: number;
}

type ProjectionRouteHandler = (
  request: ApiRequest,
  deps: ProjectionRouteDeps,
) => Promise<ApiResult>;

// Projection names are the same characters defineProjection allows (all safe in a path);
// keys are DynamoDB sort keys.
const nameSchema = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/, {
  error: (issue) =>
    `must be 1..128 letters, digits, '.', '_' or '-' (got ${describe(issue.input)})`,
});
const KEY_MAX_BYTES = 1024;
const keySchema = z.string().superRefine((key, ctx) => {
  const bytes = Buffer.byteLength(key, 'utf8');
  if (bytes === 0 || bytes > KEY_MAX_BYTES) {
    ctx.addIssue({
      code: 'custom',
      message: `must be 1..${KEY_MAX_BYTES} UTF-8 bytes (got ${bytes})`,
    });
  }
});

const listQuerySchema = z.object({
  limit: z
    .string()
    .regex(/^\d+$/, {
      error: (issue) => `must be an integer 1..1000 (got ${describe(issue.input)})`,
    })
    .transform(Number)
    .refine((n) => n >= 1 && n <= 1000, {
      error: (issue) => `must be an integer 1..1000 (got ${describe(issue.input)})`,
    })
    .default(100),
  cursor: z.string().min(1).optional(),
});

/** A name the deployment does not define is a 404 that says which names it does. */
function knownProjection(name: string, { projectionNames }: ProjectionRouteDeps): string {
  if (projectionNames && !projectionNames.includes(name)) {
    throw new ProjectionNotFoundError(name, projectionNames);
  }
  return name;
}

async function getDocument(
  name: string,
  key: string,
  { projections }: ProjectionRouteDeps,
): Promise<ApiResult> {
  const document = await projections?.get(name, key);
  if (!document) throw new DocumentNotFoundError(name, key);
  return json(200, document);
}

/**
 * `GET /projections/{name}/{key}`: one read-model document (404 DocumentNotFound
 * when absent); the key is everything after the name, and a key the path
 * cannot carry goes in `GET /projection?name=&key=`.
 * `GET /projections/{name}`: its documents in key order, `limit` and `cursor` to
 * page, cut short of the page byte budget.
 */
export const projectionRoutes: readonly RouteDefinition<ProjectionRouteHandler>[] = [
  {
    method: 'GET',
    path: '/projections/{name}/{key+}',
    handle: async (request, deps) => {
      const name = knownProjection(
        parse(nameSchema, request.params.name ?? '', 'projection'),
        deps,
      );
      const key = readPathTarget(
        request.params.key ?? '',
        'key',
        keySchema,
        `/projection?name=${name}&key=<key>`,
      );
      return getDocument(name, key, deps);
    },
  },
  {
    method: 'GET',
    path: '/projection',
    handle: async (request, deps) => {
      const name = knownProjection(takeQueryTarget(request.query, 'name', nameSchema), deps);
      const key = takeQueryTarget(request.query, 'key', keySchema);
      return getDocument(name, key, deps);
    },
  },
  {
    method: 'GET',
    path: '/projections/{name}',
    handle: async (request, deps) => {
      const { projections, pageBudgetBytes } = deps;
      const name = knownProjection(
        parse(nameSchema, request.params.name ?? '', 'projection'),
        deps,
      );
      const query = readQuery(request.query, { single: ['limit', 'cursor'] }, listQuerySchema);
      if (!projections) return json(200, { documents: [], nextCursor: null });
      const listed = await projections.list(name, {
        limit: query.limit,
        ...(query.cursor && { cursor: query.cursor }),
      });
      // A page of DynamoDB is 1 MB of items, but their JSON, escaped once more, can be larger.
      const { page, next } = await takeWithinBudget(
        toAsync(listed.documents),
        query.limit,
        pageBudgetBytes ?? PageBudget.bytes,
      );
      const last = page.at(-1);
      const nextCursor = next && last ? cursorAfter(last.key) : (listed.cursor ?? null);
      return json(200, { documents: page, nextCursor });
    },
  },
];

async function* toAsync<T>(items: readonly T[]): AsyncGenerator<T> {
  yield* items;
}
