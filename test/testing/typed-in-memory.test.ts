import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../src/errors.js';
import { InMemoryEventStore } from '../../src/testing/index.js';
import { bankEvents } from '../events/fixtures.js';

/** The in-memory twin applies the same registry code as EventStore (src/events/codec.ts). */
describe('InMemoryEventStore with an event registry', () => {
  it('refuses data its schema refuses, naming the event and field, and stores nothing', async () => {
    const store = new InMemoryEventStore({ events: bankEvents });

    const error = await store
      .appendToStream('account-1', [
        { type: 'AccountOpened', data: { owner: 'Ada' } },
        { type: 'MoneyWithdrawn', data: { amount: 0 } },
      ])
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ValidationError);
    expect(error).toMatchObject({ eventType: 'MoneyWithdrawn' });
    expect((error as Error).message).toContain('amount');
    expect(await store.streamExists('account-1')).toBe(false);
  });

  it('returns parsed events of the latest shape on every read, typed by the registry', async () => {
    const store = new InMemoryEventStore({ events: bankEvents });
    await store.appendToStream('account-2', [
      { type: 'AccountOpened', data: { owner: 'Bob' } },
      { type: 'MoneyDeposited', data: { money: { amount: 5, currency: 'EUR' } } },
    ]);

    const total = await store.aggregateStream('account-2', {
      initialState: () => 0,
      evolve: (sum, event) =>
        event.type === 'MoneyDeposited' ? sum + event.data.money.amount : sum,
    });
    const all = [];
    for await (const event of store.readAll()) all.push(event.type);

    expect(total.state).toBe(5);
    expect(all).toEqual(['AccountOpened', 'MoneyDeposited']);
  });
});
