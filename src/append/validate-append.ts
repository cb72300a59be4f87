import { randomUUID } from 'node:crypto';
import { AppendTooLargeError, ValidationError } from '../errors.js';
import { encodeAppend } from '../events/encode-append.js';
import type { EventRegistry } from '../events/types.js';
import { toEventItem } from '../records.js';
import { Attr, Keys, Limits } from '../table.js';
import type { AppendOptions, ExpectedVersion, JsonValue } from '../types.js';
import {
  describe,
  expectedVersionSchema,
  newEventSchema,
  parse,
  streamIdSchema,
} from '../validation.js';

/** An event that passed validation, with its id settled (so a retry reuses it). */
export interface PreparedEvent {
  readonly eventId: string;
  readonly type: string;
  readonly data: JsonValue;
  readonly metadata: JsonValue | null;
  /** The schema version its type's registry entry validated it with; undefined for unregistered types. */
  readonly schemaVersion?: number | undefined;
}

export interface PreparedAppend {
  readonly streamId: string;
  readonly expectedVersion: ExpectedVersion;
  readonly events: readonly PreparedEvent[];
  /** One timestamp for every event of the append, kept across its internal retries. */
  readonly createdAt: string;
  /** Bytes the append adds to a transaction (head, events, its slot entry), never undercounted. */
  readonly bytes: number;
}

/** Bytes of a transaction that are not any one append's: the counter move or the slot's own attributes. */
export const TRANSACTION_OVERHEAD_BYTES = 512;

/**
 * Checks everything about an append that can be known before writing, so bad
 * input never reaches DynamoDB and nothing is written for it. With the
 * store's event registry, that includes each registered event's data against
 * its schema (see `encodeAppend`); the append's `metadata` option is merged in.
 */
export function validateAppend(
  streamId: unknown,
  events: unknown,
  options: unknown,
  now: Date = new Date(),
  registry?: EventRegistry | undefined,
): PreparedAppend {
  const id = parse(streamIdSchema, streamId, 'streamId');
  if (!Array.isArray(events)) {
    throw new ValidationError(
      'events',
      `must be an array of 1..${Limits.eventsPerAppend} events (got ${describe(events)})`,
    );
  }
  if (events.length === 0) {
    throw new ValidationError('events', `must contain 1..${Limits.eventsPerAppend} events (got 0)`);
  }
  if (events.length > Limits.eventsPerAppend) {
    throw new AppendTooLargeError('The append', Limits.eventsPerAppend, events.length, 'events');
  }
  const metadata = (options as { metadata?: unknown } | undefined)?.metadata;
  const { events: encoded, schemaVersions } = encodeAppend(registry, events, metadata);
  const prepared = encoded.map((event, index): PreparedEvent => {
    const parsed = parse(newEventSchema, event, `events[${index}]`);
    const schemaVersion = schemaVersions[index];
    return {
      eventId: parsed.eventId ?? randomUUID(),
      type: parsed.type,
      data: parsed.data as JsonValue,
      metadata: (parsed.metadata ?? null) as JsonValue | null,
      ...(schemaVersion !== undefined && { schemaVersion }),
    };
  });
  rejectDuplicateIds(prepared);
  const given = (options as { expectedVersion?: unknown } | undefined)?.expectedVersion;
  const expectedVersion = parse(
    expectedVersionSchema,
    given === undefined ? 'any' : given,
    'expectedVersion',
  );
  const createdAt = now.toISOString();
  const bytes = appendBytes(id, prepared, createdAt);
  return { streamId: id, expectedVersion, events: prepared, createdAt, bytes };
}

/** The append's retry time budget: its own `timeoutMs`, else the store's. */
export function appendTimeoutMs(options: AppendOptions | undefined, fallback: number): number {
  const timeoutMs = options?.timeoutMs ?? fallback;
  if (!(Number.isFinite(timeoutMs) && timeoutMs > 0)) {
    throw new ValidationError('options.timeoutMs', `must be a number of ms > 0 (got ${timeoutMs})`);
  }
  return timeoutMs;
}

function rejectDuplicateIds(events: readonly PreparedEvent[]): void {
  const seen = new Map<string, number>();
  events.forEach((event, index) => {
    const first = seen.get(event.eventId);
    if (first !== undefined) {
      throw new ValidationError(
        `events[${index}].eventId`,
        `must be unique within the append (same as events[${first}].eventId)`,
      );
    }
    seen.set(event.eventId, index);
  });
}

/** DynamoDB counts a number as at most 21 bytes (38 digits); counting every number as 21 never underestimates. */
const NUMBER_BYTES = 21;

/**
 * An item's size as DynamoDB counts it: the UTF-8 bytes of each attribute
 * name plus its value. Exact for strings, an upper bound for numbers, so an
 * item this accepts DynamoDB accepts too.
 */
export function itemSize(item: Readonly<Record<string, unknown>>): number {
  let bytes = 0;
  for (const [name, value] of Object.entries(item)) {
    if (value === undefined) continue;
    bytes += Buffer.byteLength(name, 'utf8');
    if (typeof value === 'string') bytes += Buffer.byteLength(value, 'utf8');
    else if (typeof value === 'number') bytes += NUMBER_BYTES;
    else bytes += Buffer.byteLength(JSON.stringify(value) ?? '', 'utf8');
  }
  return bytes;
}

/**
 * The event's item at the largest version and position it could get, with
 * every placement attribute a mode adds: its size cannot be beaten later.
 */
export function eventItemSize(streamId: string, event: PreparedEvent, createdAt: string): number {
  const worst = Number.MAX_SAFE_INTEGER;
  return itemSize({
    ...toEventItem(
      { streamId, version: worst, position: worst, createdAt, ...event },
      {
        [Attr.positionPage]: `${Keys.positionPage(worst)}#${Limits.pageShards}`,
        [Attr.rangeFirst]: worst,
        [Attr.rangeLast]: worst,
        [Attr.appendIndex]: worst,
        [Attr.appendCount]: worst,
        ...(event.schemaVersion !== undefined && { [Attr.schemaVersion]: event.schemaVersion }),
      },
    ),
  });
}

/**
 * What an append's transaction holds besides its events: the head item, the
 * append's entry in a slot, and the transaction's own overhead (counter or slot).
 */
export function appendFixedBytes(streamId: string, createdAt: string): number {
  const head = itemSize({
    [Attr.pk]: Keys.streamPk(streamId),
    [Attr.sk]: Keys.headSk,
    [Attr.streamId]: streamId,
    [Attr.category]: streamId,
    [Attr.version]: 0,
    [Attr.lastPosition]: 0,
    [Attr.lastAppendCount]: 0,
    [Attr.lastEventId]: 'x'.repeat(Limits.eventIdChars),
    [Attr.createdAt]: createdAt,
    [Attr.updatedAt]: createdAt,
  });
  const slotEntry = Buffer.byteLength(streamId, 'utf8') + 3 * NUMBER_BYTES + 8;
  return head + slotEntry + TRANSACTION_OVERHEAD_BYTES;
}

/** Refuses what cannot be one transaction; returns the bytes the append adds to one (overhead aside). */
function appendBytes(
  streamId: string,
  events: readonly PreparedEvent[],
  createdAt: string,
): number {
  let total = appendFixedBytes(streamId, createdAt);
  events.forEach((event, index) => {
    const size = eventItemSize(streamId, event, createdAt);
    if (size > Limits.itemBytes) {
      throw new AppendTooLargeError(
        `events[${index}] as a DynamoDB item`,
        Limits.itemBytes,
        size,
        'bytes',
      );
    }
    total += size;
  });
  if (total > Limits.transactionBytes) {
    throw new AppendTooLargeError(
      "The append's transaction",
      Limits.transactionBytes,
      total,
      'bytes',
    );
  }
  return total - TRANSACTION_OVERHEAD_BYTES;
}
