import { describe, expect, it } from 'vitest';
import { ValidationError } from '../src/errors.js';
import type { RecordedEvent } from '../src/types.js';
import { streamId, useTestStore } from './support/dynamodb.js';

const db = useTestStore('aggregate');

interface Tally {
  total: number;
  seen: number[];
}

type Added = RecordedEvent<'Added', { amount: number }>;

const tally = {
  initialState: (): Tally => ({ total: 0, seen: [] }),
  evolve: (state: Tally, event: Added): Tally => ({
    total: state.total + event.data.amount,
    seen: [...state.seen, event.version],
  }),
};

/** A stream of ten `Added` events with amounts 1..10. */
async function tenEvents(): Promise<string> {
  const id = streamId('tally');
  const events = Array.from({ length: 10 }, (_, i) => ({ type: 'Added', data: { amount: i + 1 } }));
  await db.store.appendToStream(id, events);
  return id;
}

describe('aggregateStream', () => {
  it('folds every event when no snapshot is asked for', async () => {
    const id = await tenEvents();

    const result = await db.store.aggregateStream(id, tally);

    expect(result).toEqual({
      state: { total: 55, seen: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10] },
      version: 10,
      eventsRead: 10,
      fromSnapshotVersion: undefined,
    });
  });

  it('starts from the snapshot and reads only the newer events', async () => {
    // Prepare: a snapshot at version 7 whose state marks where it came from.
    const id = await tenEvents();
    await db.store.saveSnapshot({ streamId: id, version: 7, state: { total: 28, seen: [-7] } });

    // Act
    const result = await db.store.aggregateStream(id, { ...tally, snapshot: true });

    // Assess
    expect(result).toEqual({
      state: { total: 55, seen: [-7, 8, 9, 10] },
      version: 10,
      eventsRead: 3,
      fromSnapshotVersion: 7,
    });
  });

  it('reads no events when the snapshot is at the stream version', async () => {
    const id = await tenEvents();
    await db.store.saveSnapshot({ streamId: id, version: 10, state: { total: 55, seen: [-10] } });

    const result = await db.store.aggregateStream(id, { ...tally, snapshot: { stateVersion: 1 } });

    expect(result).toEqual({
      state: { total: 55, seen: [-10] },
      version: 10,
      eventsRead: 0,
      fromSnapshotVersion: 10,
    });
  });

  it.each([
    { snapshot: { stateVersion: 2 }, why: 'of another stateVersion' },
    { snapshot: false, why: 'when no snapshot is asked for' },
  ] as const)('ignores a stored snapshot $why', async ({ snapshot }) => {
    const id = await tenEvents();
    await db.store.saveSnapshot({ streamId: id, version: 7, state: { total: -1, seen: [] } });

    const result = await db.store.aggregateStream(id, { ...tally, snapshot });

    expect(result).toEqual({
      state: { total: 55, seen: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10] },
      version: 10,
      eventsRead: 10,
      fromSnapshotVersion: undefined,
    });
  });

  it('folds only up to toVersion, from a snapshot below it', async () => {
    // Prepare
    const id = await tenEvents();
    await db.store.saveSnapshot({ streamId: id, version: 4, state: { total: 10, seen: [-4] } });

    // Act
    const result = await db.store.aggregateStream(id, { ...tally, snapshot: true, toVersion: 6 });

    // Assess
    expect(result).toEqual({
      state: { total: 21, seen: [-4, 5, 6] },
      version: 6,
      eventsRead: 2,
      fromSnapshotVersion: 4,
    });
  });

  it('does not use a snapshot past toVersion: it cannot be folded backwards', async () => {
    const id = await tenEvents();
    await db.store.saveSnapshot({ streamId: id, version: 8, state: { total: -1, seen: [] } });

    const result = await db.store.aggregateStream(id, { ...tally, snapshot: true, toVersion: 3 });

    expect(result).toEqual({
      state: { total: 6, seen: [1, 2, 3] },
      version: 3,
      eventsRead: 3,
      fromSnapshotVersion: undefined,
    });
  });

  it('returns the initial state at version 0 for an absent stream', async () => {
    const result = await db.store.aggregateStream(streamId(), { ...tally, snapshot: true });

    expect(result).toEqual({
      state: { total: 0, seen: [] },
      version: 0,
      eventsRead: 0,
      fromSnapshotVersion: undefined,
    });
  });

  it.each([
    { options: { ...tally, evolve: undefined }, field: 'options.evolve' },
    { options: { ...tally, initialState: {} }, field: 'options.initialState' },
    {
      options: { ...tally, snapshot: { stateVersion: 0 } },
      field: 'options.snapshot.stateVersion',
    },
    { options: { ...tally, toVersion: 0 }, field: 'options.toVersion' },
  ])('rejects with ValidationError on $field', async ({ options, field }) => {
    const folding = db.store.aggregateStream(streamId(), options as never);

    await expect(folding).rejects.toThrow(ValidationError);
    await expect(folding).rejects.toMatchObject({ code: 'ValidationError', field });
  });
});
