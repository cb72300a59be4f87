import type { StandardSchemaV1 } from '@standard-schema/spec';

/**
 * The types of typed events, apart from the functions that build them, so
 * that `types.ts` (and through it every module) can name them without
 * importing any code.
 */

/** Any Standard Schema (zod, valibot, arktype, ...). */
export type EventSchema = StandardSchemaV1;

type Input<S extends EventSchema> = StandardSchemaV1.InferInput<S>;
type Output<S extends EventSchema> = StandardSchemaV1.InferOutput<S>;

/**
 * The type-level description of one event type: `data` is what reads return
 * (the schema's output), `input` what appends take (the schema's input).
 */
export interface EventShape<Type extends string = string, Data = unknown, DataInput = Data> {
  readonly type: Type;
  readonly data: Data;
  readonly input: DataInput;
}

/** What a store without a registry deals in: any type, any data. */
export type UntypedEvent = EventShape<string, unknown, unknown>;

/** Upcaster from version k to k+1, keyed by k: takes version k's parsed data, returns version k+1's input. */
export type Upcasters<Versions extends readonly EventSchema[]> = UpcastSteps<Versions, [unknown]>;

type UpcastSteps<
  Versions extends readonly EventSchema[],
  Count extends unknown[],
> = Versions extends readonly [
  infer From extends EventSchema,
  infer To extends EventSchema,
  ...infer Rest extends EventSchema[],
]
  ? { readonly [K in Count['length']]: (data: Output<From>) => Input<To> } & UpcastSteps<
      [To, ...Rest],
      [...Count, unknown]
    >
  : unknown;

/** One event type: its name, its schema versions (oldest first) and the upcasters between them. */
export interface EventDefinition<Type extends string = string, Data = unknown, DataInput = Data> {
  readonly type: Type;
  /** Oldest first; an event is written with the last one, and read as the last one. */
  readonly versions: readonly EventSchema[];
  /** `upcast[k]` turns version k's data into version k+1's input. */
  readonly upcast: Readonly<Record<number, (data: unknown) => unknown>>;
  /** The version new events are written with (`versions.length`). */
  readonly latestVersion: number;
  /** Type-level only: never set. */
  readonly '~shape'?: EventShape<Type, Data, DataInput>;
}

/** The event shapes a definition (or a list of them) stands for. */
export type ShapeOf<D> =
  D extends EventDefinition<infer Type, infer Data, infer DataInput>
    ? EventShape<Type, Data, DataInput>
    : never;

/** The registry a store, a handler or the local runtime decodes with. */
export interface EventRegistry<E extends EventShape = EventShape> {
  /** The definition of a type, or undefined for types the registry does not know (they pass through). */
  get(type: string): EventDefinition | undefined;
  readonly types: readonly string[];
  /** Type-level only: never set. */
  readonly '~events'?: E;
}

/** The event union of a registry: `EventsOf<typeof bankEvents>`. */
export type EventsOf<R> = R extends EventRegistry<infer E> ? E : never;
