import { describe, expect, it } from 'vitest';
import {
  type AccountState,
  accountAggregate,
  evolveAccount,
} from '../../examples/bank-account/src/bank-account.js';
import { snapshotterHandlerWith } from '../../lambdas/stream/snapshotter-handler.js';
import { defineAggregate, loadAggregate } from '../../src/aggregates.js';
import { takeSnapshot } from '../../src/snapshotting.js';
import type { NewEvent, RecordedEvent } from '../../src/types.js';
import { useTestStore } from '../support/dynamodb.js';
import { readWholeStream, streamEventOf } from '../support/stream-events.js';

const db = useTestStore('snapshotter');

let accounts = 0;

/** Opens an account and deposits 1, 2, 3, ... so the balance after version v is (v-1)v/2. */
async function accountWith(
  events: number,
): Promise<{ streamId: string; recorded: RecordedEvent[] }> {
  accounts += 1;
  const streamId = `account-snap${Date.now().toString(36)}${accounts}`;
  const all: NewEvent[] = [{ type: 'AccountOpened', data: { owner: 'Grace' } }];
  for (let amount = 1; all.length < events; amount++) {
    all.push({ type: 'MoneyDeposited', data: { amount } });
  }
  for (let i = 0; i < all.length; i += 98)
    await db.store.appendToStream(streamId, all.slice(i, i + 98));
  return { streamId, recorded: await readWholeStream(db.store, streamId) };
}

const balanceAt = (version: number) => ((version - 1) * version) / 2;

// The same fold with a short interval keeps the other cases small.
const every10 = defineAggregate<AccountState>({
  category: 'account',
  initialState: accountAggregate.initialState,
  evolve: evolveAccount,
  snapshotEvery: 10,
});

describe('snapshotter handler', () => {
  it('after 250 events leaves the snapshot at version 200, and aggregateStream reads only the 50 after it', async () => {
    // Prepare
    const { streamId, recorded } = await accountWith(250);
    const handler = snapshotterHandlerWith({ store: db.store, aggregates: [accountAggregate] });

    // Act: Lambda's batches of 100, as the stream delivers them.
    const responses = [];
    for (let i = 0; i < recorded.length; i += 100) {
      responses.push(await handler(streamEventOf(recorded.slice(i, i + 100))));
    }
    const snapshot = await db.store.getSnapshot<AccountState>(streamId);
    const loaded = await loadAggregate(db.store, accountAggregate, streamId);

    // Assess
    expect(responses).toEqual([
      { batchItemFailures: [] },
      { batchItemFailures: [] },
      { batchItemFailures: [] },
    ]);
    expect(snapshot).toEqual({
      streamId,
      version: 200,
      state: { status: 'open', owner: 'Grace', balance: balanceAt(200) },
      stateVersion: 1,
      createdAt: expect.any(String),
    });
    expect(loaded).toEqual({
      state: { status: 'open', owner: 'Grace', balance: balanceAt(250) },
      version: 250,
      eventsRead: 50,
      fromSnapshotVersion: 200,
    });
  });

  it('puts the snapshot on the boundary even when the batch runs past it', async () => {
    const { streamId, recorded } = await accountWith(26);
    const handler = snapshotterHandlerWith({ store: db.store, aggregates: [every10] });

    await handler(streamEventOf(recorded));

    expect(await db.store.getSnapshot(streamId)).toMatchObject({
      version: 20,
      state: { balance: balanceAt(20) },
    });
  });

  it('skips, and does not fail, a snapshot whose state the store refuses', async () => {
    // Prepare: a fold whose state cannot be stored (NaN is not JSON).
    const { streamId, recorded } = await accountWith(10);
    const unstorable = defineAggregate<{ n: number }>({
      category: 'account',
      initialState: () => ({ n: Number.NaN }),
      evolve: (state) => state,
      snapshotEvery: 10,
    });
    const warnings: unknown[] = [];
    const handler = snapshotterHandlerWith({
      store: db.store,
      aggregates: [unstorable],
      logger: { warn: (...args) => warnings.push(args) },
    });

    // Act
    const response = await handler(streamEventOf(recorded));

    // Assess
    expect(response).toEqual({ batchItemFailures: [] });
    expect(await db.store.getSnapshot(streamId)).toBeUndefined();
    expect(warnings).toEqual([
      [
        'snapshot not storable, skipped',
        {
          streamId,
          version: 10,
          reason: expect.stringMatching(/^snapshot\.state\.n must be a JSON value/),
        },
      ],
    ]);
  });

  it('ignores streams whose category has no aggregate', async () => {
    const streamId = `ledger-${Date.now()}`;
    const events: NewEvent[] = Array.from({ length: 20 }, () => ({ type: 'Noted', data: {} }));
    await db.store.appendToStream(streamId, events);
    const handler = snapshotterHandlerWith({ store: db.store, aggregates: [every10] });

    const response = await handler(streamEventOf(await readWholeStream(db.store, streamId)));

    expect(response).toEqual({ batchItemFailures: [] });
    expect(await db.store.getSnapshot(streamId)).toBeUndefined();
  });
});

describe('takeSnapshot', () => {
  it('saves nothing when the stream does not reach the version', async () => {
    const { streamId } = await accountWith(7);

    const result = await takeSnapshot(db.store, every10, streamId, 10);

    expect(result).toEqual({ saved: false, eventsRead: 7 });
    expect(await db.store.getSnapshot(streamId)).toBeUndefined();
  });

  it('starts from the stored snapshot and folds only the events after it', async () => {
    const { streamId } = await accountWith(20);
    await takeSnapshot(db.store, every10, streamId, 10);

    const result = await takeSnapshot(db.store, every10, streamId, 20);

    expect(result).toEqual({ saved: true, eventsRead: 10 });
    expect(await db.store.getSnapshot(streamId)).toMatchObject({
      version: 20,
      state: { balance: balanceAt(20) },
    });
  });

  it('does nothing when a snapshot at or past the version is already there (a redelivery)', async () => {
    const { streamId } = await accountWith(10);
    await takeSnapshot(db.store, every10, streamId, 10);

    expect(await takeSnapshot(db.store, every10, streamId, 10)).toEqual({
      saved: false,
      eventsRead: 0,
    });
  });

  it('ignores a snapshot of another stateVersion and folds from the start', async () => {
    const { streamId } = await accountWith(10);
    await db.store.saveSnapshot({ streamId, version: 5, state: { stale: true }, stateVersion: 1 });
    const v2 = defineAggregate<AccountState>({ ...every10, stateVersion: 2 });

    const result = await takeSnapshot(db.store, v2, streamId, 10);

    expect(result).toEqual({ saved: true, eventsRead: 10 });
    expect(await db.store.getSnapshot(streamId)).toEqual({
      streamId,
      version: 10,
      stateVersion: 2,
      state: { status: 'open', owner: 'Grace', balance: balanceAt(10) },
      createdAt: expect.any(String),
    });
  });
});
