import { z } from 'zod';
import { AppendTooLargeError, ValidationError } from '../../src/errors.js';
import { Limits } from '../../src/table.js';
import type { ExpectedVersion, NewEvent, ReadDirection } from '../../src/types.js';
import {
  describe,
  eventTypeSchema,
  expectedVersionSchema,
  newEventSchema,
  parse,
  streamIdSchema,
} from '../../src/validation.js';

/** Page size limits of the two read routes. */
export const PageLimit = { default: 100, max: 1000 } as const;

/** A query-string integer; says what is allowed and what came (`limit must be an integer 1..1000 (got 5000)`). */
const intParam = (min: number, max = Number.MAX_SAFE_INTEGER) => {
  const allowed =
    max === Number.MAX_SAFE_INTEGER ? `an integer >= ${min}` : `an integer ${min}..${max}`;
  return z.string().transform((raw, ctx) => {
    const value = /^\d+$/.test(raw) ? Number(raw) : Number.NaN;
    if (!Number.isSafeInteger(value) || value < min || value > max) {
      const got = /^-?\d+(\.\d+)?$/.test(raw) ? raw : JSON.stringify(raw);
      ctx.addIssue({ code: 'custom', message: `must be ${allowed} (got ${got})` });
      return z.NEVER;
    }
    return value;
  });
};

const limitParam = intParam(1, PageLimit.max).default(PageLimit.default);

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
  eventType: z.array(eventTypeSchema).optional(),
  streamPrefix: streamIdSchema.optional(),
});

export type StreamEventsQuery = {
  fromVersion?: number;
  limit: number;
  direction?: ReadDirection;
};

// The SDK strips unknown keys of an event; over HTTP a misspelt `metaData`
// would vanish silently, so the edge refuses it instead.
const strictEventSchema = newEventSchema.strict();

const appendBodySchema = z.object({
  events: z
    .array(strictEventSchema, {
      error: (issue) =>
        `must be an array of 1..${Limits.eventsPerAppend} events (got ${describe(issue.input)})`,
    })
    .min(1, { error: `must contain 1..${Limits.eventsPerAppend} events (got 0)` }),
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
