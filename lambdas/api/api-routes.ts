import { z } from 'zod';
import { buildOpenApiDocument } from './openapi.js';
import { json } from './responses.js';
import type { RouteDefinition } from './router.js';
import { type RouteHandler, routes } from './routes.js';

const openApiDocumentSchema = z.looseObject({
  openapi: z.literal('3.1.0'),
  info: z.looseObject({ title: z.string(), version: z.string() }),
  paths: z.record(z.string(), z.unknown()),
});

// Built on the first request for it, then kept: the routes do not change while the handler runs.
let document: Record<string, unknown> | undefined;

/** Every route the handler serves: the store's, and the document that describes them all. */
export const apiRoutes: readonly RouteDefinition<RouteHandler>[] = [
  ...routes,
  {
    method: 'GET',
    path: '/openapi.json',
    handle: async () => {
      document ??= buildOpenApiDocument(apiRoutes);
      return json(200, document);
    },
    doc: {
      operationId: 'getOpenApiDocument',
      summary: 'This OpenAPI 3.1 document',
      response: {
        status: 200,
        name: 'OpenApiDocument',
        schema: openApiDocumentSchema,
        description: 'The document',
      },
      errors: [],
    },
  },
];

/** The document as `npm run openapi` writes it to the repository. */
export function openApiJson(): string {
  return `${JSON.stringify(buildOpenApiDocument(apiRoutes), null, 2)}\n`;
}
