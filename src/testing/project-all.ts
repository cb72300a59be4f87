import type { EventStoreApi } from '../event-store-api.js';
import {
  documentKeyOf,
  invalidKeyReason,
  type ProjectionDefinition,
} from '../projections/define.js';
import type { RecordedEvent } from '../types.js';

/**
 * The states a projection's documents hold, by key, once every event of the
 * store's `$all` is applied: what `rebuildProjection` builds, folded here in
 * memory. For a domain's tests of its read models: append through the
 * domain, then look at what a reader would see. Events whose key no
 * document can have are left out, as the projector leaves them out.
 */
export async function projectAll<State, Event extends RecordedEvent = RecordedEvent>(
  store: Pick<EventStoreApi, 'readAll'>,
  projection: ProjectionDefinition<State, Event>,
): Promise<Map<string, State>> {
  const states = new Map<string, State>();
  for await (const event of store.readAll({ eventTypes: projection.eventTypes })) {
    const key = documentKeyOf(projection as ProjectionDefinition, event);
    if (key === undefined || invalidKeyReason(key) !== undefined) continue;
    const state = states.has(key) ? (states.get(key) as State) : projection.initialState();
    states.set(key, projection.evolve(state, event as Event));
  }
  // Documents are stored as JSON: a reader gets the state as JSON carries it.
  for (const [key, state] of states) states.set(key, JSON.parse(JSON.stringify(state)) as State);
  return states;
}
