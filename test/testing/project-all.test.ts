import { describe, expect, it } from 'vitest';
import { accountBalances } from '../../examples/bank-account/src/bank-account.js';
import type { EventStoreApi } from '../../src/event-store-api.js';
import { defineProjection } from '../../src/projections/define.js';
import { rebuildProjection } from '../../src/projections/rebuild-projection.js';
import { InMemoryEventStore, projectAll } from '../../src/testing/index.js';
import type { NewEvent } from '../../src/types.js';
import { streamId, useTestStore } from '../support/dynamodb.js';
import { projectorOn } from '../support/projections.js';

const db = useTestStore('project-all');

/** Two accounts interleaved, an event of another category, and one of a type the projection does not take. */
async function appendHistory(store: EventStoreApi, tag: string): Promise<void> {
  const appends: [string, NewEvent[]][] = [
    [`account-${tag}a`, [{ type: 'AccountOpened', data: { owner: 'Ada' } }]],
    [`account-${tag}b`, [{ type: 'AccountOpened', data: { owner: 'Bob' } }]],
    [`account-${tag}a`, [{ type: 'MoneyDeposited', data: { amount: 100 } }]],
    [streamId('order'), [{ type: 'MoneyDeposited', data: { amount: 1 } }]],
    [
      `account-${tag}b`,
      [
        { type: 'Noted', data: {} },
        { type: 'MoneyDeposited', data: { amount: 7 } },
      ],
    ],
    [`account-${tag}a`, [{ type: 'MoneyWithdrawn', data: { amount: 30 } }]],
  ];
  for (const [id, events] of appends) await store.appendToStream(id, events);
}

describe('projectAll', () => {
  it('folds $all into the states rebuildProjection stores for the same events', async () => {
    // Prepare: the same history in memory and in DynamoDB Local.
    const tag = streamId('t').slice(2, 10);
    const memory = new InMemoryEventStore();
    await appendHistory(memory, tag);
    await appendHistory(db.store, tag);
    const { documents } = projectorOn(db, [accountBalances]);

    // Act
    const projected = await projectAll(memory, accountBalances);
    await rebuildProjection({
      store: db.store,
      projectionStore: documents,
      projection: accountBalances,
    });

    // Assess
    expect(Object.fromEntries(projected)).toEqual({
      [`${tag}a`]: { status: 'open', owner: 'Ada', balance: 70, lastVersion: 3 },
      [`${tag}b`]: { status: 'open', owner: 'Bob', balance: 7, lastVersion: 3 },
    });
    for (const [key, state] of projected) {
      expect((await documents.get('account-balances', key))?.state).toEqual(state);
    }
  });

  it('leaves out events without a key or with one no document can have', async () => {
    const store = new InMemoryEventStore();
    await store.appendToStream('s-1', [
      { type: 'Counted', data: { key: 'k' } },
      { type: 'Counted', data: { key: '' } },
      { type: 'Counted', data: {} },
      { type: 'Counted', data: { key: 'k' } },
    ]);
    const counts = defineProjection<number>({
      name: 'counts',
      eventTypes: ['Counted'],
      key: (event) => (event.data as { key?: string }).key,
      initialState: () => 0,
      evolve: (n) => n + 1,
    });

    expect(await projectAll(store, counts)).toEqual(new Map([['k', 2]]));
  });
});
