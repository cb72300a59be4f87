import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  type AccountBalance,
  accountBalances,
} from '../../examples/bank-account/src/bank-account.js';
import { defineProjection } from '../../src/projections/define.js';
import type { ProjectionStore } from '../../src/projections/projection-store.js';
import { Projector } from '../../src/projections/projector.js';
import type { RecordedEvent } from '../../src/types.js';
import { useTestStore } from '../support/dynamodb.js';
import { projectorOn } from '../support/projections.js';

const db = useTestStore('projector');
let documents: ProjectionStore;
let projector: Projector;

beforeAll(() => {
  ({ documents, projector } = projectorOn(db, [accountBalances]));
});

let accounts = 0;

/** A fresh account with: opened by Ada, +100, +50, -30, +5 (versions 1..5, balance 125). */
async function openAccountWithHistory(): Promise<{ id: string; events: RecordedEvent[] }> {
  accounts += 1;
  const id = `${Date.now().toString(36)}${accounts}`;
  const { events } = await db.store.appendToStream(`account-${id}`, [
    { type: 'AccountOpened', data: { owner: 'Ada' } },
    { type: 'MoneyDeposited', data: { amount: 100 } },
    { type: 'MoneyDeposited', data: { amount: 50 } },
    { type: 'MoneyWithdrawn', data: { amount: 30 } },
    { type: 'MoneyDeposited', data: { amount: 5 } },
  ]);
  return { id, events };
}

const fullHistory: AccountBalance & {} = {
  status: 'open',
  owner: 'Ada',
  balance: 125,
  lastVersion: 5,
};

async function documentOf(id: string) {
  return documents.get<AccountBalance>('account-balances', id);
}

describe('Projector.apply', () => {
  it('builds the document with the per-stream version it has applied', async () => {
    const { id, events } = await openAccountWithHistory();

    const result = await projector.apply(events);

    expect(result).toEqual({ eventsApplied: 5, documentsWritten: 1, failures: [], skipped: [] });
    expect(await documentOf(id)).toEqual({
      projection: 'account-balances',
      key: id,
      state: fullHistory,
      streams: { [`account-${id}`]: 5 },
      revision: 1,
      updatedAt: expect.any(String),
    });
  });

  it('skips events delivered twice, in one batch or in a later one', async () => {
    const { id, events } = await openAccountWithHistory();
    await projector.apply([...events, ...events]);

    const again = await projector.apply(events);

    expect(again).toEqual({ eventsApplied: 0, documentsWritten: 0, failures: [], skipped: [] });
    expect(await documentOf(id)).toMatchObject({ state: fullHistory, revision: 1 });
  });

  it('applies events delivered out of order in version order', async () => {
    const { id, events } = await openAccountWithHistory();

    await projector.apply([...events].reverse());

    expect(await documentOf(id)).toMatchObject({ state: fullHistory });
  });

  it('applies an older batch arriving after a newer one without applying anything twice', async () => {
    const { id, events } = await openAccountWithHistory();

    const newer = await projector.apply(events.slice(3));
    const older = await projector.apply(events.slice(0, 3));

    // The newer batch filled the gap 1..3 from the stream, so the older one is all duplicates.
    expect([newer.eventsApplied, older.eventsApplied]).toEqual([5, 0]);
    expect(await documentOf(id)).toMatchObject({ state: fullHistory });
  });

  it('reads a gap from the store before applying the event after it', async () => {
    const { id, events } = await openAccountWithHistory();
    await projector.apply(events.slice(0, 1));

    const result = await projector.apply(events.slice(4));

    expect(result).toEqual({ eventsApplied: 4, documentsWritten: 1, failures: [], skipped: [] });
    expect(await documentOf(id)).toMatchObject({
      state: fullHistory,
      streams: { [`account-${id}`]: 5 },
    });
  });

  it('updates a document stored before etags existed, and gives it one', async () => {
    const { id, events } = await openAccountWithHistory();
    await db.client.send(
      new PutItemCommand({
        TableName: db.tables.readModelTable,
        Item: {
          PK: { S: 'PROJECTION#account-balances' },
          SK: { S: id },
          state: {
            S: JSON.stringify({ status: 'open', owner: 'Ada', balance: 100, lastVersion: 2 }),
          },
          streams: { M: { [`account-${id}`]: { N: '2' } } },
          revision: { N: '7' },
          updatedAt: { S: new Date().toISOString() },
        },
      }),
    );

    const result = await projector.apply(events);

    expect(result).toEqual({ eventsApplied: 3, documentsWritten: 1, failures: [], skipped: [] });
    expect(await documents.getForUpdate('account-balances', id)).toEqual({
      document: {
        projection: 'account-balances',
        key: id,
        state: fullHistory,
        streams: { [`account-${id}`]: 5 },
        revision: 8,
        updatedAt: expect.any(String),
      },
      version: { etag: expect.any(String), revision: 8 },
    });
  });

  it('lets only one of several concurrent batches apply each event', async () => {
    const { id, events } = await openAccountWithHistory();

    const results = await Promise.all(Array.from({ length: 6 }, () => projector.apply(events)));

    expect(results.reduce((sum, r) => sum + r.eventsApplied, 0)).toBe(5);
    expect(results.flatMap((r) => r.failures)).toEqual([]);
    expect(await documentOf(id)).toMatchObject({ state: fullHistory });
  });

  it('skips event types the projection does not list, without failing', async () => {
    accounts += 1;
    const id = `unknown${accounts}`;
    const { events } = await db.store.appendToStream(`account-${id}`, [
      { type: 'AccountOpened', data: { owner: 'Bo' } },
      { type: 'InterestRateChanged', data: { rate: 'not a number' } },
      { type: 'MoneyDeposited', data: { amount: 7 } },
    ]);

    const result = await projector.apply(events);

    expect(result.failures).toEqual([]);
    expect(await documentOf(id)).toMatchObject({
      state: { status: 'open', owner: 'Bo', balance: 7, lastVersion: 3 },
      streams: { [`account-${id}`]: 3 },
    });
  });

  it('fails only the events of the document whose evolve throws, keeping what came before', async () => {
    const fragile = defineProjection<number>({
      name: 'fragile-totals',
      eventTypes: ['MoneyDeposited'],
      key: (e) => e.streamId,
      initialState: () => 0,
      evolve: (total, e) => {
        const amount = (e.data as { amount: number }).amount;
        if (amount === 50) throw new Error('fifty is not allowed');
        return total + amount;
      },
    });
    const runner = new Projector({
      store: db.store,
      projectionStore: documents,
      projections: [fragile],
    });
    const bad = await openAccountWithHistory();
    const good = await db.store.appendToStream(`account-good${accounts}`, [
      { type: 'MoneyDeposited', data: { amount: 9 } },
    ]);
    const batch = [...bad.events, ...good.events];

    const result = await runner.apply(batch);

    // Deposits of the bad stream: v2 (100) ok, v3 (50) throws, v5 fails after it.
    expect(result.failures.map((f) => [f.index, f.event.version, String(f.error)])).toEqual([
      [2, 3, 'Error: fifty is not allowed'],
      [4, 5, 'Error: fifty is not allowed'],
    ]);
    expect((await documents.get('fragile-totals', `account-${bad.id}`))?.state).toBe(100);
    expect((await documents.get('fragile-totals', `account-good${accounts}`))?.state).toBe(9);
  });
});

describe('ProjectionStore', () => {
  it('lists documents page by page with a cursor', async () => {
    const totals = defineProjection<number>({
      name: 'list-test',
      eventTypes: ['MoneyDeposited'],
      key: (e) => `k${e.version}`,
      initialState: () => 0,
      evolve: (total) => total + 1,
    });
    const runner = new Projector({
      store: db.store,
      projectionStore: documents,
      projections: [totals],
    });
    const { events } = await openAccountWithHistory();
    await runner.apply(events);

    const first = await documents.list('list-test', { limit: 2 });
    const second = await documents.list('list-test', { limit: 2, cursor: first.cursor });

    expect(first.documents.map((d) => d.key)).toEqual(['k2', 'k3']);
    expect(second.documents.map((d) => d.key)).toEqual(['k5']);
    expect(second.cursor).toBeUndefined();
  });

  it('returns undefined for a document that does not exist', async () => {
    expect(await documents.get('account-balances', 'nobody')).toBeUndefined();
  });
});
