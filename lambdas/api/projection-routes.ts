import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { z } from 'zod';
import { DocumentNotFoundError, ValidationError } from '../../src/errors.js';
import type { ProjectionStore } from '../../src/projections/projection-store.js';
import { describe } from '../../src/validation.js';
import { readQuery } from './request.js';
import { type ApiResult, json } from './responses.js';
import type { RouteDefinition } from './router.js';

/** What the projection routes read; a test can hand in anything with this shape. */
export type ProjectionReader = Pick<ProjectionStore, 'get' | 'list'>;

export interface ProjectionRouteDeps {
  /** Unset when the API runs without a read-model table: every document is then absent. */
  projections?: ProjectionReader | undefined;
}

/** The shape of routes.ts's ApiRequest, spelt here so routes.ts can import this file without a cycle. */
interface ProjectionRequest {
  event: APIGatewayProxyEventV2;
  rawParams: Record<string, string>;
}

type ProjectionRouteHandler = (
  request: ProjectionRequest,
  deps: ProjectionRouteDeps,
) => Promise<ApiResult>;

// Projection names are the same characters defineProjection allows; keys are DynamoDB sort keys.
const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
const KEY_MAX_BYTES = 1024;

function readSegment(raw: string, field: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    throw new ValidationError(
      field,
      `must be percent-encoded UTF-8 in the path (got ${describe(raw)})`,
    );
  }
}

function readName(request: ProjectionRequest): string {
  const name = readSegment(request.rawParams.name ?? '', 'projection');
  if (!NAME.test(name)) {
    throw new ValidationError(
      'projection',
      `must be 1..128 letters, digits, '.', '_' or '-' (got ${describe(name)})`,
    );
  }
  return name;
}

function readKey(request: ProjectionRequest): string {
  const key = readSegment(request.rawParams.key ?? '', 'key');
  const bytes = Buffer.byteLength(key, 'utf8');
  if (bytes === 0 || bytes > KEY_MAX_BYTES) {
    throw new ValidationError('key', `must be 1..${KEY_MAX_BYTES} UTF-8 bytes (got ${bytes})`);
  }
  return key;
}

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

/**
 * `GET /projections/{name}/{key}`: one read-model document (404 DocumentNotFound when absent).
 * `GET /projections/{name}`: its documents in key order, `limit` and `cursor` to page.
 */
export const projectionRoutes: readonly RouteDefinition<ProjectionRouteHandler>[] = [
  {
    method: 'GET',
    path: '/projections/{name}/{key}',
    handle: async (request, { projections }) => {
      const name = readName(request);
      const key = readKey(request);
      const document = await projections?.get(name, key);
      if (!document) throw new DocumentNotFoundError(name, key);
      return json(200, document);
    },
  },
  {
    method: 'GET',
    path: '/projections/{name}',
    handle: async (request, { projections }) => {
      const name = readName(request);
      const query = readQuery(request.event, { single: ['limit', 'cursor'] }, listQuerySchema);
      const page = projections
        ? await projections.list(name, {
            limit: query.limit,
            ...(query.cursor && { cursor: query.cursor }),
          })
        : { documents: [], cursor: undefined };
      return json(200, { documents: page.documents, nextCursor: page.cursor ?? null });
    },
  },
];
