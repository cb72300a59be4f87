import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { z } from 'zod';
import { ValidationError } from '../../src/errors.js';
import { Limits } from '../../src/table.js';
import { describe, parse, streamIdSchema } from '../../src/validation.js';
import { malformedJson, payloadTooLarge } from '../http-errors.js';

/**
 * Nothing larger than one DynamoDB transaction can be appended, so a bigger
 * body is refused before parsing. It also stays under Lambda's 6 MB request payload.
 */
export const MAX_BODY_BYTES = Limits.transactionBytes;

/** A path segment as the client meant it: `order%2F1` is the stream id `order/1`. */
export function readStreamId(rawSegment: string): string {
  let decoded: string;
  try {
    decoded = decodeURIComponent(rawSegment);
  } catch {
    throw new ValidationError(
      'streamId',
      `must be percent-encoded UTF-8 in the path (got ${describe(rawSegment)})`,
    );
  }
  return parse(streamIdSchema, decoded, 'streamId');
}

/** The body as JSON, refusing what is too large, not UTF-8, or not JSON. */
export function readJsonBody(event: APIGatewayProxyEventV2, maxBytes = MAX_BODY_BYTES): unknown {
  const raw = event.body ?? '';
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
    throw malformedJson(`is not valid JSON: ${(error as Error).message}`);
  }
}

export interface QueryShape {
  /** Parameters given at most once. */
  single: readonly string[];
  /** Parameters that may repeat (`?eventType=A&eventType=B`); read as arrays. */
  repeated?: readonly string[];
}

/**
 * Reads `rawQueryString`, not `queryStringParameters`: API Gateway joins a
 * repeated parameter's values with commas there, which cannot be told apart
 * from a comma inside one value.
 */
export function readQuery<T>(
  event: APIGatewayProxyEventV2,
  shape: QueryShape,
  schema: z.ZodType<T>,
): T {
  const params = new URLSearchParams(event.rawQueryString ?? '');
  const repeated = shape.repeated ?? [];
  const allowed = [...shape.single, ...repeated];
  const values: Record<string, string | string[]> = {};
  for (const key of new Set(params.keys())) {
    const all = params.getAll(key);
    if (repeated.includes(key)) values[key] = all;
    else if (!shape.single.includes(key)) {
      throw new ValidationError(
        'query',
        `has unknown parameter ${JSON.stringify(key)}; allowed: ${allowed.join(', ') || 'none'}`,
      );
    } else if (all.length > 1) {
      throw new ValidationError(key, `must be given once (got ${all.length} values)`);
    } else values[key] = all[0] as string;
  }
  return parse(schema, values, '');
}
