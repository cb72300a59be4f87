import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';

export interface ApiEventInput {
  method?: string;
  /** As the gateway passes it: HTTP APIs decode it, Function URLs do not (see `domainName`). */
  rawPath: string;
  /** Default `api.example.com` (an HTTP API on a custom domain). */
  domainName?: string;
  headers?: Record<string, string>;
  rawQueryString?: string;
  body?: string;
  isBase64Encoded?: boolean;
  stage?: string;
  requestId?: string;
}

/** An API Gateway HTTP API (payload 2.0) event, as a `$default` route delivers it. */
export function apiEvent(input: ApiEventInput): APIGatewayProxyEventV2 {
  const method = input.method ?? 'GET';
  const stage = input.stage ?? '$default';
  const domainName = input.domainName ?? 'api.example.com';
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: input.rawPath,
    rawQueryString: input.rawQueryString ?? '',
    headers: input.headers ?? { 'content-type': 'application/json', host: domainName },
    requestContext: {
      accountId: '123456789012',
      apiId: 'api',
      domainName,
      domainPrefix: domainName.split('.')[0] as string,
      http: {
        method,
        path: input.rawPath,
        protocol: 'HTTP/1.1',
        sourceIp: '192.0.2.1',
        userAgent: 'test',
      },
      requestId: input.requestId ?? randomUUID(),
      routeKey: '$default',
      stage,
      time: '01/Jan/2026:00:00:00 +0000',
      timeEpoch: 1767225600000,
    },
    isBase64Encoded: input.isBase64Encoded ?? false,
    ...(input.body !== undefined && { body: input.body }),
  };
}

/** The JSON body of a handler result. */
export function bodyOf(result: { body?: string }): unknown {
  return JSON.parse(result.body ?? 'null');
}

export const FUNCTION_URL_DOMAIN = 'abcdefghij.lambda-url.us-east-1.on.aws';
export const HTTP_API_DOMAIN = 'a1b2c3d4e5.execute-api.us-east-1.amazonaws.com';

/** A request as a client sends it: path and query percent-encoded, as `fetch` would send the URL. */
export interface SentRequest {
  method: string;
  /** `/streams/order%2F1/events?limit=2` */
  target: string;
  body?: string;
}

function splitTarget(target: string): { path: string; query: string } {
  const url = new URL(target, 'http://client.invalid');
  return { path: url.pathname, query: url.search.slice(1) };
}

/**
 * The event an API Gateway HTTP API builds: rawPath percent-decoded, and cut
 * at a decoded `?` or `#`; the query string as sent. Written apart from
 * local/api-gateway-event.ts on purpose, so that one is checked against it.
 */
export function httpApiEvent(request: SentRequest): APIGatewayProxyEventV2 {
  const { path, query } = splitTarget(request.target);
  const decoded = decodeURIComponent(path).split(/[?#]/)[0] as string;
  return apiEvent({
    method: request.method,
    rawPath: decoded,
    rawQueryString: query,
    domainName: HTTP_API_DOMAIN,
    ...(request.body !== undefined && { body: request.body }),
  });
}

/** The event a Lambda Function URL builds: rawPath as sent, still percent-encoded. */
export function functionUrlEvent(request: SentRequest): APIGatewayProxyEventV2 {
  const { path, query } = splitTarget(request.target);
  return apiEvent({
    method: request.method,
    rawPath: path,
    rawQueryString: query,
    domainName: FUNCTION_URL_DOMAIN,
    ...(request.body !== undefined && { body: request.body }),
  });
}
