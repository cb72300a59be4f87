import type { StandardSchemaV1 } from '@standard-schema/spec';
import { UndecodableEventError, ValidationError } from '../errors.js';
import type { RecordedEvent } from '../types.js';
import type { EventDefinition, EventRegistry, EventSchema } from './define.js';

/**
 * What every store (DynamoDB or in memory) does with a registry, and nothing
 * else: pure functions, no I/O. An append validates each event's data against
 * its type's latest schema and records that version with the event; a read
 * parses the stored data with the version it was written with, upcasts it step
 * by step to the latest, and returns the latest schema's output. Types the
 * registry does not know pass through both ways untouched.
 */

/** The schema version a stored event without one was written at: before versions were recorded. */
export const UNRECORDED_SCHEMA_VERSION = 1;

/**
 * Checks an event about to be appended; returns the schema version to record
 * with it, or undefined for a type the registry does not know (or no registry).
 * The data is stored as given (the schema's input), so reads can parse it again.
 * Throws ValidationError naming the field (`events[2].data.amount`) and the type.
 */
export function encodeEvent(
  registry: EventRegistry | undefined,
  event: { readonly type: unknown; readonly data: unknown },
  field: string,
): number | undefined {
  const definition = definitionOf(registry, event.type);
  if (!definition) return undefined;
  const version = definition.latestVersion;
  const result = validate(definition, version, event.data);
  if (result.issues) {
    const [first] = result.issues;
    const where = (issue: StandardSchemaV1.Issue) => `${field}.data${pathOf(issue)}`;
    const more = result.issues
      .slice(1)
      .map((issue) => `; ${where(issue)}: ${issue.message}`)
      .join('');
    throw new ValidationError(
      first ? where(first) : `${field}.data`,
      `does not match event type '${definition.type}' (schema version ${version}): ${first?.message ?? 'invalid'}${more}`,
      definition.type,
    );
  }
  return version;
}

/**
 * A stored event as its type's latest schema reads it. `schemaVersion` is the
 * one recorded with it (undefined for events stored before versions were
 * recorded, or by a store without the registry: version 1). Throws
 * UndecodableEventError when a step refuses the data.
 */
export function decodeEvent<Event extends RecordedEvent>(
  registry: EventRegistry | undefined,
  event: Event,
  schemaVersion: number | undefined,
): Event {
  const definition = definitionOf(registry, event.type);
  if (!definition) return event;
  const stored = schemaVersion ?? UNRECORDED_SCHEMA_VERSION;
  const fail = (reason: string, cause?: unknown) =>
    new UndecodableEventError(
      event.streamId,
      event.version,
      event.type,
      stored,
      reason,
      cause === undefined ? undefined : { cause },
    );
  if (!Number.isSafeInteger(stored) || stored < 1 || stored > definition.latestVersion) {
    throw fail(
      `the registry knows versions 1..${definition.latestVersion} of '${event.type}' (deploy the definition that wrote it)`,
    );
  }
  let data: unknown = event.data;
  for (let version = stored; ; version++) {
    const result = validate(definition, version, data);
    if (result.issues) {
      const issue = result.issues[0];
      const step =
        version === stored ? `as version ${version}` : `after upcasting to version ${version}`;
      throw fail(`data${issue ? pathOf(issue) : ''} ${step}: ${issue?.message ?? 'invalid'}`);
    }
    data = result.value;
    if (version === definition.latestVersion) break;
    try {
      data = definition.upcast[version]?.(data);
    } catch (error) {
      throw fail(`upcast[${version}] threw: ${String(error)}`, error);
    }
  }
  return { ...event, data };
}

function definitionOf(
  registry: EventRegistry | undefined,
  type: unknown,
): EventDefinition | undefined {
  return registry && typeof type === 'string' ? registry.get(type) : undefined;
}

function validate(
  definition: EventDefinition,
  version: number,
  data: unknown,
): StandardSchemaV1.Result<unknown> {
  const schema = definition.versions[version - 1] as EventSchema;
  const result = schema['~standard'].validate(data);
  if (result instanceof Promise) {
    // Reads decode every event on the way out: an async schema would make every read path async per event.
    result.catch(() => {});
    throw new ValidationError(
      `event '${definition.type}' version ${version}`,
      'must validate synchronously (its schema returned a Promise: drop async refinements)',
      definition.type,
    );
  }
  return result;
}

/** `.amount`, `.items[2].sku`: the issue's path as a field suffix. */
function pathOf(issue: StandardSchemaV1.Issue): string {
  return (issue.path ?? [])
    .map((segment) => {
      const key = typeof segment === 'object' ? segment.key : segment;
      return typeof key === 'number' ? `[${key}]` : `.${String(key)}`;
    })
    .join('');
}
