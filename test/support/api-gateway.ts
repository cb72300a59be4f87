import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';

export interface ApiEventInput {
  method?: string;
  /** As API Gateway passes it: still percent-encoded. */
  rawPath: string;
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
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: input.rawPath,
    rawQueryString: input.rawQueryString ?? '',
    headers: { 'content-type': 'application/json', host: 'api.example.com' },
    requestContext: {
      accountId: '123456789012',
      apiId: 'api',
      domainName: 'api.example.com',
      domainPrefix: 'api',
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
