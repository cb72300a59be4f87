import { z } from 'zod';
import { ValidationError } from './errors.js';
import { Limits, tableNamePattern } from './table.js';

// Control characters would make keys unreadable in logs, consoles and URLs.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching them is the point
const CONTROL_CHARS = /[\u0000-\u001f\u007f-\u009f]/;

const utf8Bytes = (value: string): number => Buffer.byteLength(value, 'utf8');

export const streamIdSchema = z
  .string({ error: (issue) => `must be a string (got ${describe(issue.input)})` })
  .superRefine((value, ctx) => {
    const bytes = utf8Bytes(value);
    if (bytes === 0 || bytes > Limits.streamIdBytes) {
      ctx.addIssue({
        code: 'custom',
        message: `must be 1..${Limits.streamIdBytes} UTF-8 bytes (got ${bytes})`,
      });
    } else if (CONTROL_CHARS.test(value)) {
      ctx.addIssue({ code: 'custom', message: 'must not contain control characters' });
    }
  })
  .meta({ description: `1..${Limits.streamIdBytes} UTF-8 bytes, no control characters` });

export const eventTypeSchema = z
  .string({ error: (issue) => `must be a string (got ${describe(issue.input)})` })
  .superRefine((value, ctx) => {
    if (value.length === 0 || value.length > Limits.eventTypeChars) {
      ctx.addIssue({
        code: 'custom',
        message: `must be 1..${Limits.eventTypeChars} characters (got ${value.length})`,
      });
    } else if (CONTROL_CHARS.test(value)) {
      ctx.addIssue({ code: 'custom', message: 'must not contain control characters' });
    }
  })
  .meta({ description: `1..${Limits.eventTypeChars} characters, no control characters` });

export const eventIdSchema = z
  .string({ error: (issue) => `must be a string (got ${describe(issue.input)})` })
  .superRefine((value, ctx) => {
    if (value.length === 0 || value.length > Limits.eventIdChars) {
      ctx.addIssue({
        code: 'custom',
        message: `must be 1..${Limits.eventIdChars} characters (got ${value.length})`,
      });
    } else if (CONTROL_CHARS.test(value)) {
      ctx.addIssue({ code: 'custom', message: 'must not contain control characters' });
    }
  })
  .meta({
    description: `Idempotency key, 1..${Limits.eventIdChars} characters; default a UUID. A retry with the same ids writes nothing`,
  });

/** Accepts exactly the values that JSON round-trips unchanged, and says where one is not. */
export const jsonValueSchema = z.unknown().superRefine((value, ctx) => {
  // Checked first and without recursion: the walk below recurses, as does JSON.stringify.
  if (nestedDeeperThan(value, Limits.jsonDepth)) {
    ctx.addIssue({
      code: 'custom',
      message: `must be nested at most ${Limits.jsonDepth} arrays or objects deep (got deeper)`,
    });
    return;
  }
  const problem = findNonJson(value, []);
  if (problem) {
    ctx.addIssue({
      code: 'custom',
      path: problem.path,
      message: `must be a JSON value: null, boolean, finite number, string, array or plain object (got ${problem.got})`,
    });
  }
});

const expectedVersionError = (issue: { input?: unknown }): string =>
  `must be a non-negative integer, 'any', 'no_stream' or 'stream_exists' (got ${describe(issue.input)})`;

// The number checks carry the message too: a number that fails them (-1)
// matched the branch's type, so the union's own message would not be used.
export const expectedVersionSchema = z.union(
  [
    z.literal(['any', 'no_stream', 'stream_exists']),
    z
      .number()
      .int({ error: expectedVersionError })
      .nonnegative({ error: expectedVersionError })
      .max(Number.MAX_SAFE_INTEGER, { error: expectedVersionError }),
  ],
  { error: expectedVersionError },
);

export const newEventSchema = z.object(
  {
    type: eventTypeSchema,
    data: jsonValueSchema,
    metadata: jsonValueSchema.optional(),
    eventId: eventIdSchema.optional(),
  },
  { error: (issue) => `must be an object with type and data (got ${describe(issue.input)})` },
);

const positiveInt = (what: string) =>
  z
    .number({ error: (issue) => `must be ${what} (got ${describe(issue.input)})` })
    .int({ error: (issue) => `must be ${what} (got ${describe(issue.input)})` })
    .min(1, { error: (issue) => `must be ${what} (got ${describe(issue.input)})` })
    .max(Number.MAX_SAFE_INTEGER);

export const readStreamOptionsSchema = z.object({
  fromVersion: positiveInt('an integer >= 1').optional(),
  maxCount: positiveInt('an integer >= 1').optional(),
  direction: z
    .enum(['forwards', 'backwards'], {
      error: (issue) => `must be 'forwards' or 'backwards' (got ${describe(issue.input)})`,
    })
    .optional(),
});

export const wholeNumber = (min: number, max: number) =>
  z
    .number({
      error: (issue) => `must be an integer ${min}..${max} (got ${describe(issue.input)})`,
    })
    .int({ error: (issue) => `must be an integer ${min}..${max} (got ${describe(issue.input)})` })
    .min(min, {
      error: (issue) => `must be an integer ${min}..${max} (got ${describe(issue.input)})`,
    })
    .max(max, {
      error: (issue) => `must be an integer ${min}..${max} (got ${describe(issue.input)})`,
    });

/** The EventStore constructor's options (the client itself is the caller's and is not inspected). */
const tableNameSchema = z
  .string({ error: (issue) => `must be a table name (got ${describe(issue.input)})` })
  .regex(tableNamePattern, {
    error: (issue) =>
      `must be 3..255 letters, digits, '_', '-' or '.', as DynamoDB allows (got ${describe(issue.input)})`,
  });

export const eventStoreOptionsSchema = z.object(
  {
    tableName: tableNameSchema,
    snapshotTableName: tableNameSchema.optional(),
    retry: z
      .object({
        timeoutMs: wholeNumber(1, 900_000).optional(),
        maxAttempts: wholeNumber(1, 100_000).optional(),
        baseDelayMs: wholeNumber(0, 60_000).optional(),
        maxDelayMs: wholeNumber(0, 60_000).optional(),
      })
      .optional(),
    positionMode: z
      .enum(['reserved', 'strict', 'sequenced'], {
        error: (issue) =>
          `must be 'reserved', 'strict' or 'sequenced' (got ${describe(issue.input)})`,
      })
      .optional(),
    groupCommit: z
      .boolean({ error: (issue) => `must be true or false (got ${describe(issue.input)})` })
      .optional(),
    allStreamMaxWaitMs: wholeNumber(0, 600_000).optional(),
    // DynamoDB refuses a Query Limit below 1; above 1000 a page only grows past the 1 MB cut.
    readPageSize: wholeNumber(1, 1000).optional(),
  },
  { error: (issue) => `must be an object with a tableName (got ${describe(issue.input)})` },
);

export const readAllOptionsSchema = z.object({
  fromPosition: positiveInt('an integer >= 1').optional(),
  maxCount: positiveInt('an integer >= 1').optional(),
  eventTypes: z.array(eventTypeSchema).optional(),
  streamPrefix: z.string().optional(),
});

const isoTimestamp = z.iso.datetime({
  offset: true,
  error: (issue) =>
    `must be an ISO-8601 timestamp such as 2026-11-30T12:00:00.000Z (got ${describe(issue.input)})`,
});

export const listStreamsOptionsSchema = z.strictObject({
  category: z
    .string({ error: (issue) => `must be a string (got ${describe(issue.input)})` })
    .regex(/^[^-]+$/, {
      error: (issue) =>
        `must be a stream id's part before its first '-', 1 or more characters without '-' (got ${describe(issue.input)})`,
    }),
  limit: wholeNumber(1, 1000).optional(),
  cursor: z.string().optional(),
  createdAfter: isoTimestamp.optional(),
  createdBefore: isoTimestamp.optional(),
  direction: z
    .enum(['forwards', 'backwards'], {
      error: (issue) => `must be 'forwards' or 'backwards' (got ${describe(issue.input)})`,
    })
    .optional(),
});
/** `readAll`'s options, checked at the call. */
export function parseReadAllOptions(options: unknown): z.infer<typeof readAllOptionsSchema> {
  const parsed = parse(readAllOptionsSchema, options ?? {}, 'options');
  if (parsed.eventTypes?.length === 0) {
    // An empty list would read the whole store to return nothing; say so instead.
    throw new ValidationError('options.eventTypes', 'must list at least one type (got [])');
  }
  return parsed;
}

/**
 * Parses with a schema and turns the first problem into a ValidationError
 * that names the field (`events[3].type`) and says what is allowed.
 */
export function parse<T>(schema: z.ZodType<T>, value: unknown, field: string): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  if (!issue) throw new ValidationError(field, 'is invalid');
  let message = issue.message;
  if (issue.code === 'unrecognized_keys') message = `has unknown keys: ${issue.keys.join(', ')}`;
  throw new ValidationError(joinPath(field, issue.path), message);
}

function joinPath(root: string, path: readonly PropertyKey[]): string {
  let out = root;
  for (const part of path) {
    out += typeof part === 'number' ? `[${part}]` : out === '' ? String(part) : `.${String(part)}`;
  }
  return out;
}

/** Iterative, so that it cannot overflow the stack it protects. */
function nestedDeeperThan(root: unknown, max: number): boolean {
  const pending: [unknown, number][] = [[root, 0]];
  const seen = new Set<object>();
  while (pending.length > 0) {
    const [value, depth] = pending.pop() as [unknown, number];
    if (typeof value !== 'object' || value === null || seen.has(value)) continue;
    if (depth >= max) return true;
    seen.add(value);
    for (const inner of Object.values(value)) pending.push([inner, depth + 1]);
  }
  return false;
}

// `ancestors` holds the objects on the path from the root: meeting one again
// is a cycle, which JSON cannot hold (and which would recurse forever here).
function findNonJson(
  value: unknown,
  path: (string | number)[],
  ancestors: Set<object> = new Set(),
): { path: (string | number)[]; got: string } | undefined {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return undefined;
  if (typeof value === 'number') {
    return Number.isFinite(value) ? undefined : { path, got: String(value) };
  }
  if (typeof value === 'object' && ancestors.has(value)) {
    return { path, got: 'a circular reference' };
  }
  if (Array.isArray(value)) {
    ancestors.add(value);
    for (let i = 0; i < value.length; i++) {
      if (!(i in value)) return { path: [...path, i], got: 'a hole in a sparse array' };
      const found = findNonJson(value[i], [...path, i], ancestors);
      if (found) return found;
    }
    ancestors.delete(value);
    return undefined;
  }
  if (typeof value === 'object') {
    const proto = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) return { path, got: describe(value) };
    ancestors.add(value);
    for (const [key, inner] of Object.entries(value)) {
      const found = findNonJson(inner, [...path, key], ancestors);
      if (found) return found;
    }
    ancestors.delete(value);
    return undefined;
  }
  return { path, got: describe(value) };
}

export function describe(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') {
    const name = Object.getPrototypeOf(value)?.constructor?.name;
    return name && name !== 'Object' ? `a ${name}` : 'an object';
  }
  if (typeof value === 'string')
    return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (typeof value === 'bigint') return `bigint ${value}`;
  return `${typeof value} ${String(value)}`;
}
