import { describe, expect, it } from 'vitest';
import { ValidationError } from '../src/errors.js';
import { snapshotItemBytes, toSnapshotItem } from '../src/snapshots.js';
import { Limits, snapshotItemAttributes } from '../src/table.js';
import { streamId, useTestStore } from './support/dynamodb.js';

const db = useTestStore('snapshots');

const ISO_DATE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

describe('the snapshot item', () => {
  it('has exactly the attributes the snapshotter is allowed to write in AWS', () => {
    // The CDK construct conditions the snapshotter's PutItem on these names:
    // an attribute added here but not there would be AccessDenied in AWS only.
    const item = toSnapshotItem(
      { streamId: 's-1', version: 1, state: {}, stateVersion: 1 },
      new Date(0).toISOString(),
    );

    expect(Object.keys(item).sort()).toEqual([...snapshotItemAttributes].sort());
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
