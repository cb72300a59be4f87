import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { describe, expectTypeOf, it } from 'vitest';
import { createEventHandler } from '../../lambdas/index.js';
import {
  defineAggregate,
  defineEvent,
  defineProjection,
  EventStore,
  type EventsOf,
  loadAggregate,
  type ProjectionStore,
  type RecordedEvent,
  subscribeToAll,
} from '../../src/index.js';
import { bankEvents, depositedV1, depositedV2 } from './fixtures.js';

declare const client: DynamoDBClient;
declare const projectionStore: ProjectionStore;
const store = new EventStore({ tableName: 'events', client, events: bankEvents });
type Money = { amount: number; currency: string };

describe('a store typed by its registry', () => {
  it('takes appends of the registry types with their data, and nothing else', async () => {
    await store.appendToStream('account-1', [
      { type: 'AccountOpened', data: { owner: 'Ada' } },
      { type: 'MoneyDeposited', data: { money: { amount: 5, currency: 'EUR' } } },
      { type: 'MoneyWithdrawn', data: { amount: 2 } },
    ]);
    // @ts-expect-error: an old version's shape is not what an append takes
    await store.appendToStream('account-1', [{ type: 'MoneyDeposited', data: { amount: 5 } }]);
    // @ts-expect-error: a field of the wrong type
    await store.appendToStream('account-1', [{ type: 'AccountOpened', data: { owner: 42 } }]);
    // @ts-expect-error: a type the registry does not define
    await store.appendToStream('account-1', [{ type: 'AccountOpend', data: { owner: 'Ada' } }]);
    // @ts-expect-error: data missing
    await store.appendToStream('account-1', [{ type: 'MoneyWithdrawn' }]);
  });

  it('reads a union narrowed by type, each with its latest shape', async () => {
    for await (const event of store.readStream('account-1')) {
      expectTypeOf(event.type).toEqualTypeOf<
        'AccountOpened' | 'MoneyDeposited' | 'MoneyWithdrawn'
      >();
      if (event.type === 'MoneyDeposited')
        expectTypeOf(event.data).toEqualTypeOf<{ money: Money }>();
      if (event.type === 'MoneyWithdrawn')
        expectTypeOf(event.data).toEqualTypeOf<{ amount: number }>();
    }
    for await (const event of store.readAll()) {
      expectTypeOf(event.position).toEqualTypeOf<number>();
      if (event.type === 'AccountOpened')
        expectTypeOf(event.data).toEqualTypeOf<{ owner: string }>();
    }
    const page = await store.readAllPage();
    expectTypeOf(page.events[0]?.type).toEqualTypeOf<
      'AccountOpened' | 'MoneyDeposited' | 'MoneyWithdrawn' | undefined
    >();
  });

  it('types aggregates folded by the store, and rejects a wrong field in them', async () => {
    const { state } = await store.aggregateStream('account-1', {
      initialState: () => ({ balance: 0 }),
      evolve: (s, e) =>
        e.type === 'MoneyDeposited' ? { balance: s.balance + e.data.money.amount } : s,
    });
    expectTypeOf(state).toEqualTypeOf<{ balance: number }>();
    await store.aggregateStream('account-1', {
      initialState: () => ({ balance: 0 }),
      // @ts-expect-error: version 3 has no top-level amount
      evolve: (s, e) => (e.type === 'MoneyDeposited' ? { balance: s.balance + e.data.amount } : s),
    });
  });

  it('types definitions given the registry, and the subscriptions and handlers on it', async () => {
    const account = defineAggregate({
      events: bankEvents,
      category: 'account',
      initialState: () => ({ balance: 0 }),
      evolve: (state, event) =>
        event.type === 'MoneyWithdrawn' ? { balance: state.balance - event.data.amount } : state,
    });
    expectTypeOf((await loadAggregate(store, account, 'account-1')).state).toEqualTypeOf<{
      balance: number;
    }>();
    const deposits = defineProjection({
      events: bankEvents,
      name: 'deposits',
      eventTypes: ['MoneyDeposited'],
      key: (event) => event.streamId,
      initialState: () => ({ total: 0 }),
      // Only the listed type reaches evolve: no narrowing needed.
      evolve: (state, event) => ({ total: state.total + event.data.money.amount }),
    });
    expectTypeOf(deposits.name).toEqualTypeOf<string>();
    // @ts-expect-error: 'MoneyDepositd' is not a type of the registry
    defineProjection({
      events: bankEvents,
      name: 'typos',
      eventTypes: ['MoneyDepositd'],
      key: (event) => event.streamId,
      initialState: () => 0,
      evolve: (state) => state,
    });
    subscribeToAll({
      store,
      checkpoints: projectionStore,
      name: 'mailer',
      handler: (event) => {
        expectTypeOf(event.type).toEqualTypeOf<
          'AccountOpened' | 'MoneyDeposited' | 'MoneyWithdrawn'
        >();
      },
    });
    createEventHandler({
      events: bankEvents,
      handle: (event) => {
        if (event.type === 'AccountOpened') expectTypeOf(event.data.owner).toEqualTypeOf<string>();
      },
    });
  });
});

describe('defineEvent', () => {
  it('types each upcaster from one version to the next', () => {
    defineEvent('MoneyDeposited', {
      versions: [depositedV1, depositedV2],
      upcast: {
        1: (v1) => {
          expectTypeOf(v1).toEqualTypeOf<{ amount: number }>();
          return { ...v1, currency: 'EUR' };
        },
      },
    });
    // @ts-expect-error: the upcaster must return version 2's shape (currency missing)
    defineEvent('MoneyDeposited', {
      versions: [depositedV1, depositedV2],
      upcast: { 1: (v1) => ({ amount: v1.amount }) },
    });
    // @ts-expect-error: one upcaster per step
    defineEvent('MoneyDeposited', {
      versions: [depositedV1, depositedV2],
      upcast: {},
    });
  });

  it('gives the registry union through EventsOf', () => {
    type Events = EventsOf<typeof bankEvents>;
    expectTypeOf<Events['type']>().toEqualTypeOf<
      'AccountOpened' | 'MoneyDeposited' | 'MoneyWithdrawn'
    >();
  });
});

describe('a store without a registry', () => {
  it('is as untyped as before', async () => {
    const untyped = new EventStore({ tableName: 'events', client });
    await untyped.appendToStream('s', [{ type: 'Anything', data: { any: 'thing' } }]);
    for await (const event of untyped.readStream('s')) {
      expectTypeOf(event).toEqualTypeOf<RecordedEvent<string, unknown>>();
    }
    const typed: EventStore = store;
    expectTypeOf(typed).toEqualTypeOf<EventStore>();
  });
});
