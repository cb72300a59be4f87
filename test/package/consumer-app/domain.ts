import { defineAggregate, type EventStoreApi, loadAggregate } from 'dynamo-event-store';
import { InMemoryEventStore } from 'dynamo-event-store/testing';

/** A domain's test as a consumer writes it: the in-memory store, no DynamoDB anywhere. */
const orders = defineAggregate<{ total: number }>({
  category: 'order',
  initialState: () => ({ total: 0 }),
  evolve: (state, event) => ({ total: state.total + (event.data as { total: number }).total }),
});
const store: EventStoreApi = new InMemoryEventStore();
await store.appendToStream('order-1', [{ type: 'OrderPlaced', data: { total: 42 } }], {
  expectedVersion: 'no_stream',
});
const conflict = await store
  .appendToStream('order-1', [{ type: 'OrderPlaced', data: { total: 1 } }], {
    expectedVersion: 'no_stream',
  })
  .catch((error: { code: string }) => error.code);
const { fromSnapshotVersion: _, ...loaded } = await loadAggregate(store, orders, 'order-1');
console.log(JSON.stringify({ loaded, conflict, positionMode: await store.getPositionMode() }));
