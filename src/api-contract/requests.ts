/**
 * The HTTP API's requests: what the handler (lambdas/api) parses and the
 * client (client/) sends, and what the OpenAPI document describes. Pure zod,
 * no HTTP code, so both sides import it.
 */
import { z } from 'zod';
import { AppendTooLargeError, ValidationError } from '../errors.js';
import { Limits } from '../table.js';
import type { ExpectedVersion, NewEvent, ReadDirection } from '../types.js';
import {
  describe,
  eventTypeSchema,
  expectedVersionSchema,
  newEventSchema,
  parse,
  streamIdSchema,
} from '../validation.js';

/** Page size limits of the two read routes. */
export const PageLimit = { default: 100, max: 1000 } as const;

/** A query-string integer; says what is allowed and what came (`limit must be an integer 1..1000 (got 5000)`). */
const intParam = (min: number, max = Number.MAX_SAFE_INTEGER) => {
  const allowed =
    max === Number.MAX_SAFE_INTEGER ? `an integer >= ${min}` : `an integer ${min}..${max}`;
  return z
    .string()
    .transform((raw, ctx) => {
      const value = /^\d+$/.test(raw) ? Number(raw) : Number.NaN;
      if (!Number.isSafeInteger(value) || value < min || value > max) {
        const got = /^-?\d+(\.\d+)?$/.test(raw) ? raw : JSON.stringify(raw);
        ctx.addIssue({ code: 'custom', message: `must be ${allowed} (got ${got})` });
        return z.NEVER;
      }
      return value;
    })
    .meta({ description: allowed, pattern: '^[0-9]+$' });
};

const limitParam = intParam(1, PageLimit.max)
  .default(PageLimit.default)
  .meta({
    description: `an integer 1..${PageLimit.max}; default ${PageLimit.default}`,
    default: String(PageLimit.default),
  });

export const streamEventsQuerySchema = z.object({
  fromVersion: intParam(1).optional(),
  limit: limitParam,
  direction: z
    .enum(['forwards', 'backwards'], {
      error: (issue) => `must be 'forwards' or 'backwards' (got ${describe(issue.input)})`,
    })
    .optional(),
});

export const allEventsQuerySchema = z.object({
  fromPosition: intParam(1).optional(),
  limit: limitParam,
  eventType: z
    .array(eventTypeSchema)
    .optional()
    .meta({ description: 'Only events of these types; repeat it for several' }),
  streamPrefix: streamIdSchema
    .optional()
    .meta({ description: 'Only events whose stream id starts with this' }),
});

export type StreamEventsQuery = {
  fromVersion?: number;
  limit: number;
  direction?: ReadDirection;
};

// The SDK strips unknown keys of an event; over HTTP a misspelt `metaData`
// would vanish silently, so the edge refuses it instead.
const strictEventSchema = newEventSchema.strict();

// Strict and capped for the document: parseAppendBody refuses unknown keys
// and counts the events itself first, with messages of its own.
export const appendBodySchema = z.strictObject({
  events: z
    .array(strictEventSchema, {
      error: (issue) =>
        `must be an array of 1..${Limits.eventsPerAppend} events (got ${describe(issue.input)})`,
    })
    .min(1, { error: `must contain 1..${Limits.eventsPerAppend} events (got 0)` })
    .max(Limits.eventsPerAppend),
  expectedVersion: expectedVersionSchema.optional(),
});

export interface AppendBody {
  events: NewEvent[];
  expectedVersion?: ExpectedVersion;
}

/**
 * `{ events: [{ type, data, metadata?, eventId? }], expectedVersion? }`, with the
 * SDK's field names and messages (`events[3].type must be 1..256 characters (got 0)`).
 */
export function parseAppendBody(json: unknown): AppendBody {
  const allowed = Object.keys(appendBodySchema.shape);
  if (json === null || typeof json !== 'object' || Array.isArray(json)) {
    throw new ValidationError(
      'body',
      `must be a JSON object like {"events":[{"type":"...","data":{}}],"expectedVersion":0} (got ${describe(json)})`,
    );
  }
  const unknown = Object.keys(json).filter((key) => !allowed.includes(key));
  if (unknown.length > 0) {
    throw new ValidationError(
      'body',
      `has unknown keys: ${unknown.join(', ')}; allowed: ${allowed.join(', ')}`,
    );
  }
  // Counted before each event is checked: 5,000 valid events are "too many", not 5,000 checks.
  const { events } = json as { events?: unknown };
  if (Array.isArray(events) && events.length > Limits.eventsPerAppend) {
    throw new AppendTooLargeError('The append', Limits.eventsPerAppend, events.length, 'events');
  }
  const body = parse(appendBodySchema, json, '');
  return {
    events: body.events,
    ...(body.expectedVersion !== undefined && { expectedVersion: body.expectedVersion }),
  };
}

// Projection names are the same characters defineProjection allows (all safe in a path);
// keys are DynamoDB sort keys.
export const projectionNameSchema = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/, {
  error: (issue) =>
    `must be 1..128 letters, digits, '.', '_' or '-' (got ${describe(issue.input)})`,
});

const KEY_MAX_BYTES = 1024;

export const projectionKeySchema = z.string().superRefine((key, ctx) => {
  const bytes = Buffer.byteLength(key, 'utf8');
  if (bytes === 0 || bytes > KEY_MAX_BYTES) {
    ctx.addIssue({
      code: 'custom',
      message: `must be 1..${KEY_MAX_BYTES} UTF-8 bytes (got ${bytes})`,
    });
  }
});

export const projectionListQuerySchema = z.object({
  limit: z
    .string()
    .regex(/^\d+$/, {
      error: (issue) => `must be an integer 1..1000 (got ${describe(issue.input)})`,
    })
    .transform(Number)
    .refine((n) => n >= 1 && n <= 1000, {
      error: (issue) => `must be an integer 1..1000 (got ${describe(issue.input)})`,
    })
    .default(100)
    .meta({ description: 'an integer 1..1000; default 100', default: '100' }),
  cursor: z.string().min(1).optional().meta({ description: 'The nextCursor of the previous page' }),
});
