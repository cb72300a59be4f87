import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { ValidationError } from '../../src/errors.js';
import { describe } from '../../src/validation.js';

// A Function URL's own domain: `<url-id>.lambda-url.<region>.on.aws`.
const FUNCTION_URL_DOMAIN = /\.lambda-url\.[a-z0-9-]+\.on\.aws$/i;

/**
 * Whether `rawPath` still carries the client's percent-encoding. API Gateway
 * HTTP APIs hand the Lambda a decoded rawPath (`%2F` arrives as `/`, `%25` as
 * `%`); Lambda Function URLs hand it over as sent. Their payload 2.0 events
 * differ in nothing else we can rely on, so the domain decides. Decoding an
 * HTTP API's path a second time would read the stream id `a%41` as `aA`.
 */
export function rawPathIsEncoded(event: APIGatewayProxyEventV2): boolean {
  return FUNCTION_URL_DOMAIN.test(event.requestContext?.domainName ?? '');
}

/**
 * The path the routes see: decoded exactly once, whoever delivered it, and
 * without the named stage API Gateway puts in front (`/prod/streams/...`; the
 * `$default` stage adds nothing).
 */
export function requestPath(event: APIGatewayProxyEventV2): string {
  const path = withoutStage(event.rawPath || '/', event.requestContext?.stage);
  if (!rawPathIsEncoded(event)) return path;
  try {
    return decodeURIComponent(path);
  } catch {
    throw new ValidationError('path', `must be percent-encoded UTF-8 (got ${describe(path)})`);
  }
}

function withoutStage(path: string, stage: string | undefined): string {
  if (!stage || stage === '$default') return path;
  const prefix = `/${stage}`;
  if (path === prefix) return '/';
  return path.startsWith(`${prefix}/`) ? path.slice(prefix.length) : path;
}
