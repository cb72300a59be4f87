import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventStore as CastoreEventStore, EventType } from '@castore/core';
import { createTables, EventStore } from 'dynamo-event-store';
import { DynamoEventStorageAdapter } from 'dynamo-event-store/castore';

const client = new DynamoDBClient({});
await createTables(client, { eventsTable: 'shop-events' });
const store = new EventStore({ tableName: 'shop-events', client });
const adapter = new DynamoEventStorageAdapter({ store });

const orderPlaced = new EventType<'ORDER_PLACED', { total: number }>({ type: 'ORDER_PLACED' });
const stockReserved = new EventType<'STOCK_RESERVED', { sku: string }>({ type: 'STOCK_RESERVED' });
const orders = new CastoreEventStore({
  eventStoreId: 'ORDERS', // aggregate 'o-1' is the stream 'ORDERS-o-1'
  eventTypes: [orderPlaced],
  reducer: (_, event) => ({
    ...event.payload,
    aggregateId: event.aggregateId,
    version: event.version,
  }),
  eventStorageAdapter: adapter,
});
const stock = new CastoreEventStore({
  eventStoreId: 'STOCK',
  eventTypes: [stockReserved],
  reducer: (_, event) => ({
    ...event.payload,
    aggregateId: event.aggregateId,
    version: event.version,
  }),
  eventStorageAdapter: adapter,
});

// Both events or neither: one transaction, across the two event stores.
await CastoreEventStore.pushEventGroup(
  orders.groupEvent({
    aggregateId: 'o-1',
    version: 1,
    type: 'ORDER_PLACED',
    payload: { total: 42 },
  }),
  stock.groupEvent({
    aggregateId: 'sku-7',
    version: 1,
    type: 'STOCK_RESERVED',
    payload: { sku: 'sku-7' },
  }),
);

const { aggregate } = await orders.getExistingAggregate('o-1');
const { aggregateIds } = await orders.listAggregateIds({ limit: 10 });
const positions = [];
for await (const event of store.readAll()) positions.push([event.streamId, event.position]);
console.log(
  aggregate,
  aggregateIds.map((a) => a.aggregateId),
  positions,
);
// { total: 42, aggregateId: 'o-1', version: 1 } [ 'o-1' ] [ [ 'ORDERS-o-1', 1 ], [ 'STOCK-sku-7', 2 ] ]
