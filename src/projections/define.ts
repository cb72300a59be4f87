import { InvalidDefinitionError } from '../errors.js';
import type { EventRegistry, EventShape } from '../events/define.js';
import { Limits } from '../table.js';
import type { RecordedEvent, RecordedEventOf } from '../types.js';

/**
 * A document-per-key read model. `evolve` is pure; the projector owns
 * ordering, idempotency and storage. The state is stored as JSON text, so it
 * must survive `JSON.stringify` / `JSON.parse`.
 */
export interface ProjectionDefinition<
  State = unknown,
  Event extends RecordedEvent = RecordedEvent,
> {
  readonly name: string;
  /** Only these event types reach `key` and `evolve`; any other type is skipped. */
  readonly eventTypes: readonly string[];
  // Method syntax on purpose: it lets a registry hold projections of different event types.
  /** The document an event belongs to; `undefined` leaves the event out. */
  key(event: Event): string | undefined;
  initialState(): State;
  evolve(state: State, event: Event): State;
}

export type DefineProjectionInput<State, Event extends RecordedEvent> = {
  name: string;
  eventTypes: readonly string[];
  key: (event: Event) => string | undefined;
  initialState: () => State;
  evolve: (state: State, event: Event) => State;
};

// Projection names become part of a partition key (`PROJECTION#name`) and a URL path segment.
const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/**
 * A projection typed by a registry: `eventTypes` must be its types, and
 * `key` and `evolve` get exactly those events, narrowed by `type`. Types
 * only: the projector's store (or handler) given the same registry decodes them.
 */
export type DefineTypedProjectionInput<
  State,
  E extends EventShape,
  Types extends E['type'],
> = DefineProjectionInput<State, RecordedEventOf<Extract<E, { type: Types }>>> & {
  events: EventRegistry<E>;
  eventTypes: readonly Types[];
};

export function defineProjection<State, E extends EventShape, const Types extends E['type']>(
  input: DefineTypedProjectionInput<State, E, Types>,
): ProjectionDefinition<State, RecordedEventOf<Extract<E, { type: Types }>>>;
export function defineProjection<State, Event extends RecordedEvent = RecordedEvent>(
  input: DefineProjectionInput<State, Event>,
): ProjectionDefinition<State, Event>;
export function defineProjection<State, Event extends RecordedEvent = RecordedEvent>(
  input: DefineProjectionInput<State, Event>,
): ProjectionDefinition<State, Event> {
  if (!NAME.test(input.name)) {
    throw new InvalidDefinitionError(
      'projection',
      'name',
      `must be 1..128 characters of letters, digits, '.', '_' or '-', starting with a letter or digit (got '${input.name}')`,
    );
  }
  if (input.eventTypes.length === 0) {
    throw new InvalidDefinitionError(
      `projection '${input.name}'`,
      'eventTypes',
      'must list at least one event type',
    );
  }
  return {
    name: input.name,
    eventTypes: [...input.eventTypes],
    key: input.key,
    initialState: input.initialState,
    evolve: input.evolve,
  };
}

/** Whether the projection takes this event, and for which document. */
export function documentKeyOf(
  projection: ProjectionDefinition,
  event: RecordedEvent,
): string | undefined {
  return projection.eventTypes.includes(event.type) ? projection.key(event) : undefined;
}

/**
 * Why a key returned by `key(event)` cannot name a document, or undefined when
 * it can. DynamoDB refuses such a key on every try, so the projector skips the
 * event (and says so) instead of failing its record until the dead-letter queue.
 */
export function invalidKeyReason(key: unknown): string | undefined {
  if (typeof key !== 'string') {
    return `key must be a string or undefined (got ${key === null ? 'null' : typeof key})`;
  }
  const bytes = Buffer.byteLength(key, 'utf8');
  if (bytes === 0) return 'key must not be empty';
  if (bytes > Limits.sortKeyBytes) {
    return `key must be at most ${Limits.sortKeyBytes} UTF-8 bytes (got ${bytes})`;
  }
  return undefined;
}
