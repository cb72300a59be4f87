import { InvalidDefinitionError } from './errors.js';
import type { EventStoreApi } from './event-store-api.js';
import type { EventRegistry, EventShape } from './events/define.js';
import type { AggregateStreamResult, RecordedEvent, RecordedEventOf } from './types.js';

/** The fold of one stream category (the stream id's prefix before the first `-`). */
export interface AggregateDefinition<State = unknown, Event extends RecordedEvent = RecordedEvent> {
  readonly category: string;
  // Method syntax on purpose: it lets a registry hold definitions of different event types.
  initialState(): State;
  /** Receives every event of the stream, including types it does not know (return the state as is). */
  evolve(state: State, event: Event): State;
  /** Save a snapshot every this many versions; undefined = never. */
  readonly snapshotEvery: number | undefined;
  /** The reducer's schema version: bump it and older snapshots are ignored. Default 1. */
  readonly stateVersion: number;
}

export interface DefineAggregateInput<State, Event extends RecordedEvent> {
  /**
   * Types `evolve`'s events by this registry. Types only: the store (or
   * handler) given the same registry is what decodes and upcasts them.
   */
  events?: EventRegistry<EventShape>;
  category: string;
  initialState: () => State;
  evolve: (state: State, event: Event) => State;
  snapshotEvery?: number;
  stateVersion?: number;
}

export function defineAggregate<State, E extends EventShape>(
  input: DefineAggregateInput<State, RecordedEventOf<E>> & { events: EventRegistry<E> },
): AggregateDefinition<State, RecordedEventOf<E>>;
export function defineAggregate<State, Event extends RecordedEvent = RecordedEvent>(
  input: DefineAggregateInput<State, Event>,
): AggregateDefinition<State, Event>;
export function defineAggregate<State, Event extends RecordedEvent = RecordedEvent>(
  input: DefineAggregateInput<State, Event>,
): AggregateDefinition<State, Event> {
  if (input.category.length === 0 || input.category.includes('-')) {
    throw new InvalidDefinitionError(
      'aggregate',
      'category',
      `must be non-empty and contain no '-' (got '${input.category}')`,
    );
  }
  const { snapshotEvery, stateVersion = 1 } = input;
  if (snapshotEvery !== undefined && (!Number.isInteger(snapshotEvery) || snapshotEvery < 1)) {
    throw new InvalidDefinitionError(
      `aggregate '${input.category}'`,
      'snapshotEvery',
      `must be a positive integer (got ${snapshotEvery})`,
    );
  }
  if (!Number.isInteger(stateVersion) || stateVersion < 1) {
    throw new InvalidDefinitionError(
      `aggregate '${input.category}'`,
      'stateVersion',
      `must be a positive integer (got ${stateVersion})`,
    );
  }
  return {
    category: input.category,
    initialState: input.initialState,
    evolve: input.evolve,
    snapshotEvery,
    stateVersion,
  };
}

/** `account-42` -> `account`; a stream id without `-` is its own category. */
export function categoryOf(streamId: string): string {
  const dash = streamId.indexOf('-');
  return dash === -1 ? streamId : streamId.slice(0, dash);
}

/** Looks definitions up by category; the stream processors and the HTTP layer share one. */
export function aggregateFor(
  aggregates: readonly AggregateDefinition[],
  streamId: string,
): AggregateDefinition | undefined {
  const category = categoryOf(streamId);
  return aggregates.find((a) => a.category === category);
}

/** The aggregate's current state, starting from its snapshot when one of the same stateVersion exists. */
export function loadAggregate<State, Event extends RecordedEvent>(
  store: EventStoreApi,
  aggregate: AggregateDefinition<State, Event>,
  streamId: string,
): Promise<AggregateStreamResult<State>> {
  return store.aggregateStream<State, Event>(streamId, {
    initialState: aggregate.initialState,
    evolve: aggregate.evolve,
    snapshot: { stateVersion: aggregate.stateVersion },
  });
}
