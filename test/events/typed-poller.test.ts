import { afterAll, describe, expect, it } from 'vitest';
import { type StreamProcessing, startStreamProcessing } from '../../local/stream-poller.js';
import { defineAggregate, defineProjection, EventStore, ProjectionStore } from '../../src/index.js';
import { streamId, useTestStore } from '../support/dynamodb.js';
import { eventually } from '../support/stream-events.js';
import { bankEvents } from './fixtures.js';

const db = useTestStore('typed-poller');
const running: StreamProcessing[] = [];
afterAll(() => Promise.allSettled(running.map((p) => p.stop())));

const deposits = defineProjection({
  events: bankEvents,
  name: 'deposits',
  eventTypes: ['MoneyDeposited'],
  key: (event) => event.streamId,
  initialState: () => ({ currencies: [] as string[] }),
  evolve: (state, event) => ({ currencies: [...state.currencies, event.data.money.currency] }),
});

const balance = defineAggregate({
  events: bankEvents,
  category: 'account',
  initialState: () => 0,
  evolve: (total, event) =>
    event.type === 'MoneyDeposited' ? total + event.data.money.amount : total,
  snapshotEvery: 2,
});

describe('the local stream processing given the registry', () => {
  it('feeds the projector and the snapshotter upcast events, also ones written before the upcaster', async () => {
    // Prepare
    running.push(
      await startStreamProcessing({
        client: db.client,
        eventsTable: db.tables.eventsTable,
        readModelTable: db.tables.readModelTable,
        pollIntervalMs: 50,
        log: () => {},
        events: bankEvents,
        projections: [deposits],
        aggregates: [balance],
      }),
    );
    const id = streamId('account');
    const typed = new EventStore({
      tableName: db.tables.eventsTable,
      client: db.client,
      events: bankEvents,
    });
    const documents = new ProjectionStore({
      tableName: db.tables.readModelTable,
      client: db.client,
    });

    // Act: version 1 data, written by a store without the registry; then today's shape.
    await db.store.appendToStream(id, [{ type: 'MoneyDeposited', data: { amount: 10 } }]);
    await typed.appendToStream(id, [
      { type: 'MoneyDeposited', data: { money: { amount: 5, currency: 'USD' } } },
    ]);

    // Assess
    const document = await eventually(async () => {
      const found = await documents.get('deposits', id);
      return found?.streams[id] === 2 ? found : undefined;
    });
    const snapshot = await eventually(() => typed.getSnapshot<number>(id));
    expect(document.state).toEqual({ currencies: ['EUR', 'USD'] });
    expect(snapshot).toMatchObject({ version: 2, state: 15 });
  });
});
