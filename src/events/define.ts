import type { StandardSchemaV1 } from '@standard-schema/spec';
import { InvalidDefinitionError } from '../errors.js';
import { Limits } from '../table.js';
import type { EventDefinition, EventRegistry, EventSchema, ShapeOf, Upcasters } from './types.js';

export type {
  EventDefinition,
  EventRegistry,
  EventSchema,
  EventShape,
  EventsOf,
  ShapeOf,
  UntypedEvent,
  Upcasters,
} from './types.js';

type Input<S extends EventSchema> = StandardSchemaV1.InferInput<S>;
type Output<S extends EventSchema> = StandardSchemaV1.InferOutput<S>;
type Last<Versions extends readonly EventSchema[]> = Versions extends readonly [
  ...unknown[],
  infer L extends EventSchema,
]
  ? L
  : EventSchema;

export interface VersionedEventInput<Versions extends readonly EventSchema[]> {
  /** The data's schema at each version, oldest first. */
  readonly versions: Versions;
  /** `{ 1: (v1) => v2Input, 2: (v2) => v3Input, ... }`: one per step. */
  readonly upcast: Upcasters<Versions>;
}

/**
 * Declares an event type with a Standard Schema for its data (zod, valibot,
 * arktype all implement it): `defineEvent('MoneyDeposited', z.object({ amount: z.number() }))`.
 * With schema versions, old events are upcast to the latest shape when read:
 * `defineEvent('MoneyDeposited', { versions: [v1, v2], upcast: { 1: (d) => ({ ...d, currency: 'EUR' }) } })`.
 * Schemas must validate synchronously (no async refinements): every read decodes.
 */
export function defineEvent<const Type extends string, Schema extends EventSchema>(
  type: Type,
  schema: Schema,
): EventDefinition<Type, Output<Schema>, Input<Schema>>;
export function defineEvent<
  const Type extends string,
  const Versions extends readonly [EventSchema, ...EventSchema[]],
>(
  type: Type,
  versioned: VersionedEventInput<Versions>,
): EventDefinition<Type, Output<Last<Versions>>, Input<Last<Versions>>>;
export function defineEvent(
  type: string,
  schemaOrVersions: EventSchema | VersionedEventInput<readonly EventSchema[]>,
): EventDefinition {
  const subject = `event '${String(type)}'`;
  if (typeof type !== 'string' || type.length === 0 || type.length > Limits.eventTypeChars) {
    throw new InvalidDefinitionError(
      'event',
      'type',
      `must be 1..${Limits.eventTypeChars} characters (got ${JSON.stringify(type)})`,
    );
  }
  if (isSchema(schemaOrVersions)) {
    return { type, versions: [schemaOrVersions], upcast: {}, latestVersion: 1 };
  }
  const { versions, upcast } = (schemaOrVersions ?? {}) as {
    versions?: unknown;
    upcast?: Record<number, unknown>;
  };
  if (!Array.isArray(versions) || versions.length === 0) {
    throw new InvalidDefinitionError(
      subject,
      'versions',
      'must be a non-empty array of Standard Schemas (or pass one schema instead of { versions, upcast })',
    );
  }
  versions.forEach((schema, i) => {
    if (!isSchema(schema)) {
      throw new InvalidDefinitionError(
        subject,
        `versions[${i}]`,
        'must be a Standard Schema (zod, valibot, arktype, ...)',
      );
    }
  });
  for (let from = 1; from < versions.length; from++) {
    if (typeof upcast?.[from] !== 'function') {
      throw new InvalidDefinitionError(
        subject,
        `upcast[${from}]`,
        `must be a function from version ${from}'s data to version ${from + 1}'s`,
      );
    }
  }
  const extra = Object.keys(upcast ?? {}).filter(
    (k) => !(Number(k) >= 1 && Number(k) < versions.length),
  );
  if (extra.length > 0) {
    throw new InvalidDefinitionError(
      subject,
      `upcast[${extra[0]}]`,
      `has no version to upcast to: keys are 1..${versions.length - 1}, one per step`,
    );
  }
  return {
    type,
    versions: [...versions] as EventSchema[],
    upcast: { ...(upcast as Record<number, (data: unknown) => unknown>) },
    latestVersion: versions.length,
  };
}

function isSchema(value: unknown): value is EventSchema {
  // Arktype's schemas are functions, zod's and valibot's objects.
  if ((typeof value !== 'object' && typeof value !== 'function') || value === null) return false;
  const props = (value as { '~standard'?: { version?: unknown; validate?: unknown } })['~standard'];
  return props?.version === 1 && typeof props.validate === 'function';
}

/** Collects event definitions into the registry a store is given: `new EventStore({ ..., events })`. */
export function defineEvents<
  const Definitions extends readonly EventDefinition<string, unknown, unknown>[],
>(...definitions: Definitions): EventRegistry<ShapeOf<Definitions[number]>> {
  const byType = new Map<string, EventDefinition>();
  definitions.forEach((definition, i) => {
    if (typeof definition?.type !== 'string' || !Array.isArray(definition.versions)) {
      throw new InvalidDefinitionError(
        'defineEvents',
        `[${i}]`,
        'must be a defineEvent(...) result',
      );
    }
    if (byType.has(definition.type)) {
      throw new InvalidDefinitionError(
        'defineEvents',
        `[${i}]`,
        `defines event type '${definition.type}' a second time`,
      );
    }
    byType.set(definition.type, definition);
  });
  return { get: (type) => byType.get(type), types: [...byType.keys()] };
}

/** Whether a value is a `defineEvents(...)` result (the app module's `events` export is checked with it). */
export function isEventRegistry(value: unknown): value is EventRegistry {
  const candidate = value as Partial<EventRegistry> | null;
  return (
    typeof candidate === 'object' &&
    candidate !== null &&
    typeof candidate.get === 'function' &&
    Array.isArray(candidate.types)
  );
}
