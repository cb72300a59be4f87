import { ValidationError } from '../errors.js';
import { describe } from '../validation.js';
import { encodeEvent } from './codec.js';
import type { EventRegistry } from './define.js';

export interface EncodedAppend {
  /** The events to append: `metadata` merged in, data as given. */
  readonly events: readonly unknown[];
  /** `schemaVersions[i]` is recorded with `events[i]`; undefined for types the registry does not know. */
  readonly schemaVersions: readonly (number | undefined)[];
}

/**
 * Pure, before an append's own validation: merges the append's `metadata`
 * option into each event's metadata (the event's own keys win), then checks
 * each event of a registered type against its latest schema. Anything that is
 * not an event (not an object, no string type) passes untouched, for the
 * append's validation to name.
 */
export function encodeAppend(
  registry: EventRegistry | undefined,
  events: unknown,
  metadata: unknown,
): EncodedAppend {
  if (!Array.isArray(events)) return { events: [], schemaVersions: [] };
  const shared =
    metadata === undefined
      ? undefined
      : plainObject(metadata, 'options.metadata', 'must be an object');
  const merged = shared
    ? events.map((event, i) => withMetadata(event, shared, `events[${i}].metadata`))
    : events;
  const schemaVersions = merged.map((event, i) =>
    isEventLike(event) ? encodeEvent(registry, event, `events[${i}]`) : undefined,
  );
  return { events: merged, schemaVersions };
}

function withMetadata(event: unknown, shared: Record<string, unknown>, field: string): unknown {
  if (!isEventLike(event)) return event;
  const own = (event as { metadata?: unknown }).metadata;
  const mine =
    own === undefined || own === null
      ? {}
      : plainObject(
          own,
          field,
          'must be an object when the append has a metadata option to merge in',
        );
  return { ...event, metadata: { ...shared, ...mine } };
}

function plainObject(value: unknown, field: string, rule: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ValidationError(field, `${rule} (got ${describe(value)})`);
  }
  return value as Record<string, unknown>;
}

function isEventLike(value: unknown): value is { type: unknown; data: unknown } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
