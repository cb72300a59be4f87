import type { IncomingHttpHeaders } from 'node:http';
import type {
  APIGatewayProxyEventV2,
  APIGatewayProxyResultV2,
  APIGatewayProxyStructuredResultV2,
} from 'aws-lambda';

export interface IncomingRequest {
  method: string;
  /** As sent: path and query still percent-encoded. */
  url: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
  sourceIp: string;
  requestId: string;
  timeEpoch: number;
}

// API Gateway hands these to Lambda as text; anything else arrives base64-encoded.
const TEXT_TYPES =
  /^(text\/|application\/(json|[\w.+-]+\+json|x-www-form-urlencoded|xml|javascript))|^$/i;

/**
 * Pure: the event API Gateway (HTTP API, payload 2.0, `$default` route and
 * stage) would give the Lambda for this request. Like HTTP API, it hands over
 * `rawPath` percent-decoded (`%2F` arrives as `/`, `%25` as `%`), and a
 * decoded `?` or `#` ends the path; the query string stays as sent.
 */
export function toApiGatewayEvent(request: IncomingRequest): APIGatewayProxyEventV2 {
  const url = request.url.split('#')[0]!;
  const queryAt = url.indexOf('?');
  const sentPath = queryAt === -1 ? url : url.slice(0, queryAt);
  const rawPath = decodePath(sentPath);
  const rawQueryString = queryAt === -1 ? '' : url.slice(queryAt + 1);
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    // API Gateway joins repeated headers with commas and moves cookies to their own field.
    if (value !== undefined && name !== 'cookie') {
      headers[name] = Array.isArray(value) ? value.join(',') : value;
    }
  }
  const contentType = (headers['content-type'] ?? '').split(';')[0]!.trim();
  const isBase64Encoded =
    request.body.length > 0 && (!TEXT_TYPES.test(contentType) || !!headers['content-encoding']);
  const cookies = request.headers.cookie?.split(/;\s*/).filter(Boolean);
  const queryStringParameters = toQueryStringParameters(rawQueryString);
  const domainName = (headers.host ?? 'localhost').replace(/:\d+$/, '');
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath,
    rawQueryString,
    ...(cookies && cookies.length > 0 && { cookies }),
    headers,
    ...(queryStringParameters && { queryStringParameters }),
    requestContext: {
      accountId: 'local',
      apiId: 'local',
      domainName,
      domainPrefix: domainName.split('.')[0]!,
      http: {
        method: request.method,
        path: rawPath,
        protocol: 'HTTP/1.1',
        sourceIp: request.sourceIp,
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: request.requestId,
      routeKey: '$default',
      stage: '$default',
      time: apiGatewayTime(request.timeEpoch),
      timeEpoch: request.timeEpoch,
    },
    isBase64Encoded,
    ...(request.body.length > 0 && {
      body: request.body.toString(isBase64Encoded ? 'base64' : 'utf8'),
    }),
  };
}

/**
 * Decodes every run of escapes that is valid UTF-8 and leaves a broken one
 * as sent (an assumption: how HTTP API treats `%FF` is not documented), then
 * cuts the path at a decoded `?` or `#`.
 */
export function decodePath(sentPath: string): string {
  const decoded = sentPath.replace(/(%[0-9A-Fa-f]{2})+/g, (run) => {
    try {
      return decodeURIComponent(run);
    } catch {
      return run;
    }
  });
  return decoded.split(/[?#]/)[0]!;
}

const MONTHS = 'Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec'.split(' ');

/** `12/Mar/2020:19:03:58 +0000`, API Gateway's format. */
function apiGatewayTime(epoch: number): string {
  const d = new Date(epoch);
  const two = (n: number) => String(n).padStart(2, '0');
  const clock = `${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())}`;
  return `${two(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${clock} +0000`;
}

/** Decoded values, a repeated name's values joined with commas, as API Gateway does. */
function toQueryStringParameters(rawQueryString: string): Record<string, string> | undefined {
  if (rawQueryString === '') return undefined;
  const params = new URLSearchParams(rawQueryString);
  const joined: Record<string, string> = {};
  for (const name of new Set(params.keys())) joined[name] = params.getAll(name).join(',');
  return joined;
}

export interface OutgoingResponse {
  statusCode: number;
  headers: Record<string, string | string[]>;
  body: Buffer;
}

/**
 * Pure: the HTTP response API Gateway makes of a handler's result, including
 * its inference for results that are not `{ statusCode, ... }`.
 */
export function fromApiGatewayResult(result: APIGatewayProxyResultV2): OutgoingResponse {
  if (!isStructured(result)) {
    const body = typeof result === 'string' ? result : JSON.stringify(result);
    return {
      statusCode: 200,
      headers: { 'content-type': 'application/json' },
      body: Buffer.from(body ?? '', 'utf8'),
    };
  }
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(result.headers ?? {})) {
    headers[name.toLowerCase()] = String(value);
  }
  if (result.cookies && result.cookies.length > 0) headers['set-cookie'] = result.cookies;
  const body = Buffer.from(result.body ?? '', result.isBase64Encoded ? 'base64' : 'utf8');
  return { statusCode: result.statusCode ?? 200, headers, body };
}

function isStructured(result: unknown): result is APIGatewayProxyStructuredResultV2 {
  return typeof result === 'object' && result !== null && 'statusCode' in result;
}
