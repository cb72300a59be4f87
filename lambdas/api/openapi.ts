import { z } from 'zod';
import {
  type ApiErrorCode,
  apiErrorCodes,
  errorBodySchema,
} from '../../src/api-contract/error-bodies.js';
import { positionedEventSchema, recordedEventSchema } from '../../src/api-contract/responses.js';
import { ErrorCode } from '../../src/errors.js';
import { httpStatusByCode } from '../http-errors.js';
import type { ParamDoc, RouteDoc } from './route-doc.js';

type JsonSchema = Record<string, unknown>;

/** What the document needs of a route. */
export interface DocumentedRoute {
  method: string;
  path: string;
  doc: RouteDoc;
}

/** Parts of answers that get a name of their own, so that pages refer to them. */
const sharedSchemas: Record<string, z.ZodType> = {
  RecordedEvent: recordedEventSchema,
  PositionedEvent: positionedEventSchema,
};

const errorSchemaName = (code: ApiErrorCode): string => `${code}Body`;

/** Every route may answer these: a path or query that is not percent-encoded UTF-8, or a failure of ours. */
const everyRouteErrors: readonly ApiErrorCode[] = [
  ErrorCode.ValidationError,
  ...apiErrorCodes.filter((code) => httpStatusByCode[code] === 500),
];

const description = `The dynamo-event-store HTTP API. Generated from the schemas its handler validates with (npm run openapi).

Stream ids and projection keys travel percent-encoded (encodeURIComponent) in the path, slashes included, except ids with '?' or '#', an empty segment (leading, trailing or double '/'), or a '.' or '..' segment: those go in the query form of the same route (/stream/events?streamId=, /projection?name=&key=). Lists stop at their limit or before the answer would pass 5 MiB (Lambda's 6 MB cap), and give the cursor to go on; request bodies are capped at 4 MiB.

Every error answer is {"error": code, "message": text, ...details}. Besides the answers listed per route, any path no route matches is 404 RouteNotFound, and a method a path does not take is 405 MethodNotAllowed (with an Allow header). 503 answers carry Retry-After: retry the same request (for appends, with the same event ids). Deployed behind API Gateway, the gateway itself may answer 403 (not authorized), 429 (throttled), 413 or 5xx with a body {"message": text}.`;

/** The OpenAPI 3.1 document of these routes. */
export function buildOpenApiDocument(routes: readonly DocumentedRoute[]): JsonSchema {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const path = route.path.replace(/\{(\w+)\+\}/g, '{$1}');
    paths[path] ??= {};
    (paths[path] as Record<string, unknown>)[route.method.toLowerCase()] = operation(route.doc);
  }
  return {
    openapi: '3.1.0',
    info: { title: 'dynamo-event-store', version: '1', description },
    security: [{ sigv4: [] }],
    paths,
    components: {
      schemas: { ...requestSchemas(routes), ...responseSchemas(routes) },
      securitySchemes: {
        sigv4: {
          type: 'apiKey',
          name: 'Authorization',
          in: 'header',
          description:
            "AWS Signature Version 4 for service 'execute-api' (API Gateway's IAM authorizer, the construct's default). The local runtime takes requests unsigned.",
          'x-amazon-apigateway-authtype': 'awsSigv4',
        },
      },
      headers: {
        RequestId: {
          description: 'The request id; quote it when reporting a failure',
          schema: { type: 'string' },
        },
        RetryAfter: {
          description: 'Seconds to wait before retrying the same request',
          schema: { type: 'string' },
        },
      },
    },
  };
}

function operation(doc: RouteDoc): JsonSchema {
  const parameters = [
    ...Object.entries(doc.pathParams ?? {}).map(([name, param]) => parameter(name, 'path', param)),
    ...Object.entries(doc.queryTargets ?? {}).map(([name, param]) =>
      parameter(name, 'query', param),
    ),
    ...queryParameters(doc),
  ];
  return {
    operationId: doc.operationId,
    summary: doc.summary,
    ...(doc.description && { description: doc.description }),
    ...(parameters.length > 0 && { parameters }),
    ...(doc.body && {
      requestBody: {
        required: true,
        content: { 'application/json': { schema: ref(doc.body.name) } },
      },
    }),
    responses: {
      [doc.response.status]: {
        description: doc.response.description,
        headers: { 'x-request-id': { $ref: '#/components/headers/RequestId' } },
        content: { 'application/json': { schema: ref(doc.response.name) } },
      },
      ...errorResponses([...new Set([...doc.errors, ...everyRouteErrors])]),
    },
  };
}

function parameter(name: string, where: 'path' | 'query', param: ParamDoc): JsonSchema {
  return {
    name,
    in: where,
    required: true,
    description: param.description,
    schema: inline(param.schema, 'input'),
  };
}

function queryParameters(doc: RouteDoc): JsonSchema[] {
  if (!doc.query) return [];
  const object = inline(doc.query, 'input') as {
    properties: Record<string, JsonSchema>;
    required?: string[];
  };
  return Object.entries(object.properties).map(([name, schema]) => {
    const { description: about, ...rest } = schema;
    return {
      name,
      in: 'query',
      required: object.required?.includes(name) ?? false,
      ...(about !== undefined && { description: about }),
      schema: rest,
      ...(doc.repeated?.includes(name) && { style: 'form', explode: true }),
    };
  });
}

function errorResponses(codes: readonly ApiErrorCode[]): Record<string, unknown> {
  const byStatus = new Map<number, ApiErrorCode[]>();
  for (const code of codes) {
    const status = httpStatusByCode[code];
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  const statuses = [...byStatus.keys()].sort((a, b) => a - b);
  return Object.fromEntries(
    statuses.map((status) => {
      const all = (byStatus.get(status) ?? []).sort();
      const schemas = all.map((code) => ref(errorSchemaName(code)));
      return [
        status,
        {
          description: all.join(', '),
          headers: {
            'x-request-id': { $ref: '#/components/headers/RequestId' },
            ...(status === 503 && { 'retry-after': { $ref: '#/components/headers/RetryAfter' } }),
          },
          content: {
            'application/json': { schema: schemas.length === 1 ? schemas[0] : { oneOf: schemas } },
          },
        },
      ];
    }),
  );
}

function requestSchemas(routes: readonly DocumentedRoute[]): Record<string, JsonSchema> {
  const bodies = routes.flatMap(({ doc }) => (doc.body ? [[doc.body.name, doc.body.schema]] : []));
  return convert(Object.fromEntries(bodies), 'input');
}

function responseSchemas(routes: readonly DocumentedRoute[]): Record<string, JsonSchema> {
  const answers = routes.map(({ doc }) => [doc.response.name, doc.response.schema]);
  const errors = apiErrorCodes.map((code) => [
    errorSchemaName(code),
    errorBodySchema(code, httpStatusByCode[code] === 500),
  ]);
  return convert(Object.fromEntries([...answers, ...errors]), 'output');
}

/** One conversion per direction, so shared parts become `$ref`s to each other. */
function convert(schemas: Record<string, z.ZodType>, io: 'input' | 'output') {
  const registry = z.registry<{ id: string }>();
  for (const [id, schema] of Object.entries({ ...sharedSchemas, ...schemas })) {
    // One schema under two names (the path and query forms of a route) is registered once.
    if (!registry.has(schema)) registry.add(schema, { id });
  }
  const converted = z.toJSONSchema(registry, {
    io,
    unrepresentable: 'any',
    uri: (id) => `#/components/schemas/${id}`,
  }).schemas as Record<string, JsonSchema>;
  return Object.fromEntries(
    Object.entries(converted).map(([id, { $schema: _s, $id: _i, ...schema }]) => [id, schema]),
  );
}

function inline(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const { $schema: _s, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' });
  return rest;
}

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
