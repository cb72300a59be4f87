import type { z } from 'zod';
import type { ApiErrorCode } from '../../src/api-contract/error-bodies.js';

/**
 * What the OpenAPI document says about a route. It names the very schemas
 * the route parses its request with and types its answer by, so the document
 * cannot describe another API than the one the handler serves.
 */
export interface RouteDoc {
  operationId: string;
  summary: string;
  description?: string;
  /** Each `{name}` / `{name+}` of the path. */
  pathParams?: Record<string, ParamDoc>;
  /** Query parameters a route requires besides its own (`?streamId=`, `?name=&key=`). */
  queryTargets?: Record<string, ParamDoc>;
  /** The route's own query parameters: the object schema it parses them with. */
  query?: z.ZodObject;
  /** Those of `query` that may repeat (`?eventType=A&eventType=B`). */
  repeated?: readonly string[];
  /** The JSON body it parses, named in `#/components/schemas`. */
  body?: NamedSchema;
  /** Its answer when it succeeds; `name` is the schema's in `#/components/schemas`. */
  response: NamedSchema & { status: number; description: string };
  /** The codes it may answer besides the ones every route may (see openapi.ts). */
  errors: readonly ApiErrorCode[];
}

export interface ParamDoc {
  schema: z.ZodType;
  description: string;
}

export interface NamedSchema {
  name: string;
  schema: z.ZodType;
}
