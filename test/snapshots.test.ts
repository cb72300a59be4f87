import { PutItemCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../src/errors.js';
import { EventStore } from '../src/event-store.js';
import { snapshotItemBytes, toSnapshotItem } from '../src/snapshots.js';
import { Attr, Keys, Limits, SnapshotKeys } from '../src/table.js';
import { streamId, useTestStore } from './support/dynamodb.js';

const db = useTestStore('snapshots');

const ISO_DATE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

describe('the snapshot item', () => {
  it('is keyed under its own prefix, for the snapshot table', () => {
    const item = toSnapshotItem(
      { streamId: 's-1', version: 1, state: {}, stateVersion: 1 },
      new Date(0).toISOString(),
    );

    expect([item.PK, item.SK]).toEqual([SnapshotKeys.pk('s-1'), SnapshotKeys.sk]);
  });
});

describe('where snapshots live', () => {
  async function itemsOf(tableName: string): Promise<Record<string, unknown>[]> {
    const { Items = [] } = await db.client.send(new ScanCommand({ TableName: tableName }));
    return Items.map((item) => unmarshall(item));
  }

  it('stores them in the snapshot table and writes nothing to the events table', async () => {
    // Prepare
    const id = streamId();
    await db.store.appendToStream(id, [{ type: 'Happened', data: {} }]);
    const eventsBefore = await itemsOf(db.tables.eventsTable);

    // Act
    await db.store.saveSnapshot({ streamId: id, version: 1, state: { n: 1 } });

    // Assess
    expect(db.store.snapshotTableName).toBe(db.tables.snapshotTable);
    expect(await itemsOf(db.tables.eventsTable)).toEqual(eventsBefore);
    expect(
      (await itemsOf(db.tables.snapshotTable)).filter((item) => item[Attr.streamId] === id),
    ).toEqual([
      {
        PK: SnapshotKeys.pk(id),
        SK: SnapshotKeys.sk,
        streamId: id,
        version: 1,
        state: '{"n":1}',
        stateVersion: 1,
        createdAt: expect.stringMatching(ISO_DATE),
      },
    ]);
  });

  it('uses the snapshotTableName option when one is given', async () => {
    // Prepare: a store over the same events table whose snapshots go to the read-model table
    const other = new EventStore({
      tableName: db.tables.eventsTable,
      snapshotTableName: db.tables.readModelTable,
      client: db.client,
    });
    const id = streamId();

    // Act
    await other.saveSnapshot({ streamId: id, version: 3, state: 'x' });

    // Assess
    expect((await other.getSnapshot(id))?.version).toBe(3);
    expect(await db.store.getSnapshot(id)).toBeUndefined();
  });

  it('ignores a snapshot item left in the events table by an older version of the store', async () => {
    // Prepare: the item older versions wrote at STREAM#id/SNAPSHOT, the stream at version 2
    const id = streamId();
    await db.store.appendToStream(id, [
      { type: 'Happened', data: {} },
      { type: 'Happened', data: {} },
    ]);
    await db.client.send(
      new PutItemCommand({
        TableName: db.tables.eventsTable,
        Item: marshall({
          PK: Keys.streamPk(id),
          SK: 'SNAPSHOT',
          streamId: id,
          version: 2,
          state: '"stale"',
          stateVersion: 1,
          createdAt: new Date(0).toISOString(),
        }),
      }),
    );

    // Act
    const snapshot = await db.store.getSnapshot(id);
    const folded = await db.store.aggregateStream(id, {
      initialState: () => 0,
      evolve: (n) => n + 1,
      snapshot: true,
    });

    // Assess
    expect(snapshot).toBeUndefined();
    expect(folded).toEqual({ state: 2, version: 2, eventsRead: 2, fromSnapshotVersion: undefined });
  });
});

describe('saveSnapshot and getSnapshot', () => {
  it('stores a snapshot and reads it back with its JSON state exactly', async () => {
    // Prepare
    const id = streamId();
    const state = { items: [{ sku: 'ü-1', qty: 2 }], note: '', parent: null, big: 2 ** 53 - 1 };

    // Act
    const result = await db.store.saveSnapshot({ streamId: id, version: 4, state });
    const snapshot = await db.store.getSnapshot(id);

    // Assess
    expect(result).toEqual({ saved: true });
    expect(snapshot).toEqual({
      streamId: id,
      version: 4,
      state,
      stateVersion: 1,
      createdAt: expect.stringMatching(ISO_DATE),
    });
  });

  it('returns undefined when the stream has no snapshot', async () => {
    expect(await db.store.getSnapshot(streamId())).toBeUndefined();
  });

  it('replaces the stored snapshot with a newer one', async () => {
    const id = streamId();
    await db.store.saveSnapshot({ streamId: id, version: 3, state: 'old' });

    const result = await db.store.saveSnapshot({
      streamId: id,
      version: 6,
      state: 'new',
      stateVersion: 2,
    });

    expect(result).toEqual({ saved: true });
    expect(await db.store.getSnapshot(id)).toMatchObject({
      version: 6,
      state: 'new',
      stateVersion: 2,
    });
  });

  it.each([
    { later: 5, what: 'as old as' },
    { later: 2, what: 'older than' },
  ])('ignores a snapshot $what the stored one', async ({ later }) => {
    const id = streamId();
    await db.store.saveSnapshot({ streamId: id, version: 5, state: 'kept' });

    const result = await db.store.saveSnapshot({ streamId: id, version: later, state: 'late' });

    expect(result).toEqual({ saved: false });
    expect(await db.store.getSnapshot(id)).toMatchObject({ version: 5, state: 'kept' });
  });

  it('replaces a newer snapshot of another stateVersion, so a reducer change is never blocked', async () => {
    // Prepare: a snapshot of the old reducer, ahead of where the new one will snapshot.
    const id = streamId();
    await db.store.saveSnapshot({
      streamId: id,
      version: 200,
      state: 'old shape',
      stateVersion: 1,
    });

    // Act
    const result = await db.store.saveSnapshot({
      streamId: id,
      version: 100,
      state: 'new shape',
      stateVersion: 2,
    });

    // Assess
    expect(result).toEqual({ saved: true });
    expect(await db.store.getSnapshot(id)).toMatchObject({
      version: 100,
      state: 'new shape',
      stateVersion: 2,
    });
  });

  it.each([
    { input: { streamId: '', version: 1, state: {} }, field: 'snapshot.streamId' },
    { input: { streamId: 's', version: 0, state: {} }, field: 'snapshot.version' },
    { input: { streamId: 's', version: 1.5, state: {} }, field: 'snapshot.version' },
    { input: { streamId: 's', version: 1, state: undefined }, field: 'snapshot.state' },
    { input: { streamId: 's', version: 1, state: { n: Number.NaN } }, field: 'snapshot.state.n' },
    { input: { streamId: 's', version: 1, state: new Date(0) }, field: 'snapshot.state' },
    {
      input: { streamId: 's', version: 1, state: {}, stateVersion: 0 },
      field: 'snapshot.stateVersion',
    },
    { input: null, field: 'snapshot' },
  ])('rejects with ValidationError on $field', async ({ input, field }) => {
    const saving = db.store.saveSnapshot(input as never);

    await expect(saving).rejects.toThrow(ValidationError);
    await expect(saving).rejects.toMatchObject({ code: 'ValidationError', field });
  });

  it('stores a state that fills the item exactly, and refuses one byte more without writing', async () => {
    // Prepare: the state size that makes the item exactly the 400 KB limit by our count.
    const id = streamId();
    const item = (state: string) =>
      toSnapshotItem(
        { streamId: id, version: 1, state, stateVersion: 1 },
        new Date().toISOString(),
      );
    const fits = 'x'.repeat(Limits.itemBytes - snapshotItemBytes(item('')));
    expect(snapshotItemBytes(item(fits))).toBe(Limits.itemBytes);

    // Act
    const tooBig = db.store.saveSnapshot({ streamId: id, version: 1, state: `${fits}x` });
    await expect(tooBig).rejects.toMatchObject({
      code: 'ValidationError',
      field: 'snapshot.state',
    });
    const stored = await db.store.getSnapshot(id);
    const atLimit = await db.store.saveSnapshot({ streamId: id, version: 1, state: fits });

    // Assess
    expect(stored).toBeUndefined();
    expect(atLimit).toEqual({ saved: true });
    expect((await db.store.getSnapshot<string>(id))?.state).toBe(fits);
  });
});
