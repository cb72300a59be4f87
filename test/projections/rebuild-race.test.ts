import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accountBalances } from '../../examples/bank-account/src/bank-account.js';
import { defineProjection, type ProjectionDefinition } from '../../src/projections/define.js';
import { ProjectionStore } from '../../src/projections/projection-store.js';
import { Projector } from '../../src/projections/projector.js';
import { streamId, testClient, useTestStore } from '../support/dynamodb.js';

const db = useTestStore('rebuild-race');
let documents: ProjectionStore;
let liveClient: DynamoDBClient;

beforeAll(() => {
  documents = new ProjectionStore({ tableName: db.tables.readModelTable, client: db.client });
  liveClient = testClient();
});

afterAll(() => liveClient.destroy());

interface Deposit {
  total: string;
  amount: number;
}

/** One document per `total`, summing deposits from any number of streams. */
const totals = defineProjection<{ sum: number }>({
  name: 'totals',
  eventTypes: ['Deposited'],
  key: (e) => (e.data as Deposit).total,
  initialState: () => ({ sum: 0 }),
  evolve: (s, e) => ({ sum: s.sum + (e.data as Deposit).amount }),
});

function deposit(total: string, amount: number) {
  return [{ type: 'Deposited', data: { total, amount } satisfies Deposit }];
}

/**
 * Holds the next document PutItem sent through `client` until `release()`, so a
 * test can let a rebuild run between a live projector's read and its write.
 * Later puts go straight through.
 */
function holdNextDocumentPut(client: DynamoDBClient): { held: Promise<void>; release(): void } {
  const name = `hold-${Math.random().toString(36).slice(2)}`;
  let reached!: () => void;
  let release!: () => void;
  const held = new Promise<void>((resolve) => {
    reached = resolve;
  });
  const gate = new Promise<void>((resolve) => {
    release = resolve;
  });
  client.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName === 'PutItemCommand') {
        client.middlewareStack.remove(name);
        reached();
        await gate;
      }
      return next(args);
    },
    { step: 'initialize', name },
  );
  return { held, release };
}

/**
 * One `totals` document fed by streams x and y: x1 is applied, then a live
 * projector reads the document for y1 and its write is held.
 */
async function stallLiveWriteOfY1() {
  const [total, x, y] = [streamId('total'), streamId('x'), streamId('y')];
  const projector = new Projector({
    store: db.store,
    projectionStore: documents,
    projections: [totals],
  });
  await projector.apply((await db.store.appendToStream(x, deposit(total, 1))).events);
  const y1 = (await db.store.appendToStream(y, deposit(total, 10))).events;
  const hold = holdNextDocumentPut(liveClient);
  const live = liveProjector(totals).apply(y1);
  await hold.held;
  return { total, x, y, projector, hold, live };
}

/** A projector whose document writes go through `liveClient`, where a test can hold them. */
function liveProjector(projection: ProjectionDefinition = accountBalances): Projector {
  return new Projector({
    store: db.store,
    projectionStore: new ProjectionStore({
      tableName: db.tables.readModelTable,
      client: liveClient,
    }),
    projections: [projection],
  });
}

describe('a live projector writing across a rebuild', () => {
  it('cannot overwrite the rebuilt document with state it read before the clear', async () => {
    // Prepare: a wrong document (the reason to rebuild), read by a live projector that then stalls.
    const id = streamId('race');
    const stream = `account-${id}`;
    await db.store.appendToStream(stream, [
      { type: 'AccountOpened', data: { owner: 'Ada' } },
      { type: 'MoneyDeposited', data: { amount: 10 } },
    ]);
    await documents.putDocument(
      {
        projection: 'account-balances',
        key: id,
        state: { status: 'open', owner: 'Ada', balance: 999, lastVersion: 2 },
        streams: { [stream]: 2 },
        revision: 1,
        updatedAt: new Date().toISOString(),
      },
      undefined,
    );
    const { events } = await db.store.appendToStream(stream, [
      { type: 'MoneyDeposited', data: { amount: 5 } },
    ]);
    const hold = holdNextDocumentPut(liveClient);
    const live = liveProjector().apply(events);
    await hold.held;
    const rebuilder = new Projector({
      store: db.store,
      projectionStore: documents,
      projections: [accountBalances],
    });
    await rebuilder.rebuildProjection('account-balances');
    const rebuilt = await documents.get('account-balances', id);

    // Act
    hold.release();
    const result = await live;

    // Assess: the stale write lost its condition; the re-read found v3 already applied.
    expect(await documents.get('account-balances', id)).toEqual({
      projection: 'account-balances',
      key: id,
      state: { status: 'open', owner: 'Ada', balance: 15, lastVersion: 3 },
      streams: { [stream]: 3 },
      revision: 1,
      updatedAt: rebuilt?.updatedAt,
    });
    expect(result).toEqual({ eventsApplied: 0, documentsWritten: 0, failures: [], skipped: [] });
  });

  it('loses no event of another stream that reached the document before the rebuild', async () => {
    // Prepare: x1 applied; a live projector reads {x1} for y1 and stalls; x2 lands; then a rebuild.
    const { total, x, y, projector, hold, live } = await stallLiveWriteOfY1();
    await projector.apply((await db.store.appendToStream(x, deposit(total, 2))).events);
    await projector.rebuildProjection('totals');

    // Act
    hold.release();
    const result = await live;

    // Assess
    expect(await documents.get('totals', total)).toEqual({
      projection: 'totals',
      key: total,
      state: { sum: 13 },
      streams: { [x]: 2, [y]: 1 },
      revision: 1,
      updatedAt: expect.any(String),
    });
    expect(result).toEqual({ eventsApplied: 0, documentsWritten: 0, failures: [], skipped: [] });
  });

  it('re-applies its events on the recreated document when its write lands after the clear', async () => {
    // Prepare: the live projector reads the document, stalls, and the projection is cleared under it.
    const { total, y, hold, live } = await stallLiveWriteOfY1();
    await documents.clear('totals');

    // Act
    hold.release();
    const result = await live;

    // Assess: it re-read the absent document and recreated it from y's stream; the replay
    // that follows a clear adds x.
    expect(await documents.get('totals', total)).toEqual({
      projection: 'totals',
      key: total,
      state: { sum: 10 },
      streams: { [y]: 1 },
      revision: 1,
      updatedAt: expect.any(String),
    });
    expect(result).toEqual({ eventsApplied: 1, documentsWritten: 1, failures: [], skipped: [] });
  });
});
