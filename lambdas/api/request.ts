import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { z } from 'zod';
import { whyNotInPath } from '../../src/api-contract/paths.js';
import { ValidationError } from '../../src/errors.js';
import { Limits } from '../../src/table.js';
import { describe, parse } from '../../src/validation.js';
import { malformedJson, payloadTooLarge } from '../http-errors.js';

/**
 * Nothing larger than one DynamoDB transaction can be appended, so a bigger
 * body is refused before parsing. (API Gateway refuses, before we see it, a
 * request whose event would pass Lambda's 6 MB once the body is escaped.)
 */
export const MAX_BODY_BYTES = Limits.transactionBytes;

/** What a route reads: the event, the decoded path parameters, the query string. */
export interface ApiRequest {
  event: APIGatewayProxyEventV2;
  params: Record<string, string>;
  /** Parsed once from `rawQueryString`; a query-form route takes its target out first. */
  query: URLSearchParams;
}

/**
 * Reads `rawQueryString`, not `queryStringParameters`: API Gateway joins a
 * repeated parameter's values with commas there, which cannot be told apart
 * from a comma inside one value. URLSearchParams would turn a broken escape
 * into U+FFFD and so name another stream; such a query is refused instead.
 */
export function parseQueryString(rawQueryString: string): URLSearchParams {
  for (const part of rawQueryString.split('&')) {
    try {
      decodeURIComponent(part.replace(/\+/g, ' '));
    } catch {
      throw new ValidationError(
        'query',
        `must be percent-encoded UTF-8 (got ${describe(part)}); encode values with encodeURIComponent`,
      );
    }
  }
  return new URLSearchParams(rawQueryString);
}

/**
 * A name carried by a `{name+}` path parameter, checked first by the SDK's
 * own rule and then for what a path cannot carry (see whyNotInPath).
 */
export function readPathTarget<T>(
  value: string,
  field: string,
  schema: z.ZodType<T>,
  queryForm: string,
): T {
  const parsed = parse(schema, value, field);
  const why = whyNotInPath(value);
  if (why) {
    throw new ValidationError(
      field,
      `${describe(value)} cannot be sent in the path because ${why}; send it percent-encoded in the query instead: ${queryForm}`,
    );
  }
  return parsed;
}

/** Takes a required, single query parameter out of the query (so the route's own query check does not see it). */
export function takeQueryTarget<T>(query: URLSearchParams, field: string, schema: z.ZodType<T>): T {
  const all = query.getAll(field);
  query.delete(field);
  if (all.length !== 1) {
    throw new ValidationError(field, `must be given once in the query (got ${all.length} values)`);
  }
  return parse(schema, all[0], field);
}

/** The body as JSON, refusing what is too large, not UTF-8, or not JSON. */
export function readJsonBody(event: APIGatewayProxyEventV2, maxBytes = MAX_BODY_BYTES): unknown {
  const raw = typeof event.body === 'string' ? event.body : '';
  const encoding = event.isBase64Encoded ? 'base64' : 'utf8';
  // Measured before decoding, so a huge body costs no copy.
  const size = Buffer.byteLength(raw, encoding);
  if (size > maxBytes) throw payloadTooLarge(size, maxBytes);
  const bytes = Buffer.from(raw, encoding);
  if (bytes.length === 0) {
    throw malformedJson('is empty; send a JSON object like {"events":[{"type":"...","data":{}}]}');
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw malformedJson('is not valid UTF-8');
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    // A RangeError here is the parser's stack running out on deep nesting: still the body's fault.
    throw malformedJson(`is not valid JSON: ${(error as Error).message}`);
  }
}

export interface QueryShape {
  /** Parameters given at most once. */
  single: readonly string[];
  /** Parameters that may repeat (`?eventType=A&eventType=B`); read as arrays. */
  repeated?: readonly string[];
}

/** The query's parameters, checked against the route's shape and schema. */
export function readQuery<T>(query: URLSearchParams, shape: QueryShape, schema: z.ZodType<T>): T {
  const repeated = shape.repeated ?? [];
  const allowed = [...shape.single, ...repeated];
  const values: Record<string, string | string[]> = {};
  for (const key of new Set(query.keys())) {
    const all = query.getAll(key);
    if (repeated.includes(key)) values[key] = all;
    else if (!shape.single.includes(key)) {
      throw new ValidationError(
        'query',
        `has unknown parameter ${describe(key)}; allowed: ${allowed.join(', ') || 'none'}`,
      );
    } else if (all.length > 1) {
      throw new ValidationError(key, `must be given once (got ${all.length} values)`);
    } else values[key] = all[0] as string;
  }
  return parse(schema, values, '');
}
