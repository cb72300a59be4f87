import {
  projectionKeySchema,
  projectionListQuerySchema,
  projectionNameSchema,
} from '../../src/api-contract/requests.js';
import {
  type ProjectionListResponse,
  projectionDocumentSchema,
  projectionListSchema,
} from '../../src/api-contract/responses.js';
import { DocumentNotFoundError, ErrorCode, ProjectionNotFoundError } from '../../src/errors.js';
import { cursorAfter, type ProjectionStore } from '../../src/projections/projection-store.js';
import { parse } from '../../src/validation.js';
import { PageBudget, takeWithinBudget } from './page-budget.js';
import { type ApiRequest, readPathTarget, readQuery, takeQueryTarget } from './request.js';
import { type ApiResult, json } from './responses.js';
import type { RouteDoc } from './route-doc.js';
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

const nameDoc = {
  schema: projectionNameSchema,
  description: "A projection the deployment defines: letters, digits, '.', '_', '-'",
};
const keyDoc = { schema: projectionKeySchema, description: '1..1024 UTF-8 bytes, percent-encoded' };
const getDocumentDoc: RouteDoc = {
  operationId: 'getProjectionDocument',
  summary: 'One read-model document',
  response: {
    status: 200,
    name: 'ProjectionDocument',
    schema: projectionDocumentSchema,
    description: 'The document',
  },
  errors: [ErrorCode.ProjectionNotFound, ErrorCode.DocumentNotFound],
};

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
        parse(projectionNameSchema, request.params.name ?? '', 'projection'),
        deps,
      );
      const key = readPathTarget(
        request.params.key ?? '',
        'key',
        projectionKeySchema,
        `/projection?name=${name}&key=<key>`,
      );
      return getDocument(name, key, deps);
    },
    doc: {
      ...getDocumentDoc,
      pathParams: {
        name: nameDoc,
        key: {
          ...keyDoc,
          description: `${keyDoc.description}; it may hold '/'. Keys with '?', '#', an empty, '.' or '..' segment go to /projection?name=&key= instead`,
        },
      },
    },
  },
  {
    method: 'GET',
    path: '/projection',
    handle: async (request, deps) => {
      const name = knownProjection(
        takeQueryTarget(request.query, 'name', projectionNameSchema),
        deps,
      );
      const key = takeQueryTarget(request.query, 'key', projectionKeySchema);
      return getDocument(name, key, deps);
    },
    doc: {
      ...getDocumentDoc,
      operationId: 'getProjectionDocumentByQuery',
      summary: `${getDocumentDoc.summary} (any key, given in the query)`,
      queryTargets: { name: nameDoc, key: keyDoc },
    },
  },
  {
    method: 'GET',
    path: '/projections/{name}',
    handle: async (request, deps) => {
      const { projections, pageBudgetBytes } = deps;
      const name = knownProjection(
        parse(projectionNameSchema, request.params.name ?? '', 'projection'),
        deps,
      );
      const query = readQuery(
        request.query,
        { single: ['limit', 'cursor'] },
        projectionListQuerySchema,
      );
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
      return json(200, { documents: page, nextCursor } satisfies ProjectionListResponse);
    },
    doc: {
      operationId: 'listProjectionDocuments',
      summary: "A projection's documents in key order",
      description:
        'Stops at limit documents or before the page would pass the 5 MiB response budget; nextCursor goes on.',
      pathParams: { name: nameDoc },
      query: projectionListQuerySchema,
      response: {
        status: 200,
        name: 'ProjectionList',
        schema: projectionListSchema,
        description: 'A page of documents',
      },
      errors: [ErrorCode.ProjectionNotFound],
    },
  },
];

async function* toAsync<T>(items: readonly T[]): AsyncGenerator<T> {
  yield* items;
}
