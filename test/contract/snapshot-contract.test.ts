import { describe, expect, it } from 'vitest';
import { defineAggregate, loadAggregate } from '../../src/aggregates.js';
import type { AggregateStreamOptions } from '../../src/types.js';
import { streamId } from '../support/dynamodb.js';
import { contractTargets, describeError } from './targets.js';

/** Snapshots and folds on every store. */
type Tally = { total: number };
const tally: AggregateStreamOptions<Tally> = {
  initialState: () => ({ total: 0 }),
  evolve: (state, event) => ({ total: state.total + (event.data as number) }),
};

describe.each(contractTargets)('snapshots and folds on $name', (target) => {
  const subject = target.use();
  const store = () => subject.store;

  it('keeps the newest snapshot; an older one is refused, another stateVersion replaces it', async () => {
    const id = streamId('snap');

    const saves = [
      await store().saveSnapshot({ streamId: id, version: 5, state: { v: 5 } }),
      await store().saveSnapshot({ streamId: id, version: 4, state: { v: 4 } }),
      await store().saveSnapshot({ streamId: id, version: 5, state: { v: 'again' } }),
      await store().saveSnapshot({ streamId: id, version: 2, state: { v: 2 }, stateVersion: 2 }),
    ];

    expect(saves.map((s) => s.saved)).toEqual([true, false, false, true]);
    const stored = await store().getSnapshot(id);
    expect(stored).toEqual({
      streamId: id,
      version: 2,
      state: { v: 2 },
      stateVersion: 2,
      createdAt: expect.any(String),
    });
    expect(await store().getSnapshot(streamId('snap'))).toBeUndefined();
  });

  it('hands out a copy of the state: changing it changes nothing stored', async () => {
    const id = streamId('snap');
    const state = { items: [1, 2] };
    await store().saveSnapshot({ streamId: id, version: 1, state });
    state.items.push(3);

    const first = await store().getSnapshot<typeof state>(id);
    first?.state.items.push(4);

    expect((await store().getSnapshot(id))?.state).toEqual({ items: [1, 2] });
  });

  it.each<[string, unknown, object]>([
    ['version 0', { streamId: 's', version: 0, state: {} }, { field: 'snapshot.version' }],
    [
      'a state JSON cannot hold',
      { streamId: 's', version: 1, state: { n: Number.NaN } },
      { field: 'snapshot.state.n' },
    ],
    [
      'a state over 400 KB',
      { streamId: 's', version: 1, state: 'x'.repeat(410_000) },
      { field: 'snapshot.state' },
    ],
  ])('rejects a snapshot with %s: ValidationError', async (_c, input, error) => {
    const outcome = await store()
      .saveSnapshot(input as never)
      .catch((e: unknown) => e);

    expect(describeError(outcome)).toMatchObject({ code: 'ValidationError', ...error });
  });

  it('folds from a snapshot of the asked stateVersion, and ignores one of another', async () => {
    const id = streamId('fold');
    await store().appendToStream(
      id,
      [1, 2, 3, 4].map((n) => ({ type: 'Added', data: n })),
    );
    await store().saveSnapshot({
      streamId: id,
      version: 2,
      state: { total: 100 },
      stateVersion: 2,
    });

    const fromSnapshot = await store().aggregateStream(id, {
      ...tally,
      snapshot: { stateVersion: 2 },
    });
    const ignoring = await store().aggregateStream(id, { ...tally, snapshot: true });
    const upTo3 = await store().aggregateStream(id, { ...tally, toVersion: 3 });

    expect(fromSnapshot).toEqual({
      state: { total: 107 },
      version: 4,
      eventsRead: 2,
      fromSnapshotVersion: 2,
    });
    expect(ignoring).toEqual({
      state: { total: 10 },
      version: 4,
      eventsRead: 4,
      fromSnapshotVersion: undefined,
    });
    expect(upTo3).toEqual({
      state: { total: 6 },
      version: 3,
      eventsRead: 3,
      fromSnapshotVersion: undefined,
    });
  });

  it('folds an absent stream to the initial state at version 0, and refuses bad options', async () => {
    const absent = await store().aggregateStream(streamId('fold'), { ...tally, snapshot: true });
    const bad = await store()
      .aggregateStream(streamId('fold'), { ...tally, toVersion: 0 })
      .catch((e: unknown) => e);

    expect(absent).toEqual({
      state: { total: 0 },
      version: 0,
      eventsRead: 0,
      fromSnapshotVersion: undefined,
    });
    expect(describeError(bad)).toMatchObject({
      code: 'ValidationError',
      field: 'options.toVersion',
    });
  });

  it('loads an aggregate through loadAggregate, from its snapshot', async () => {
    const counter = defineAggregate<Tally>({ category: 'counter', ...tally, snapshotEvery: 2 });
    const id = streamId('counter');
    await store().appendToStream(
      id,
      [5, 6, 7].map((n) => ({ type: 'Added', data: n })),
    );
    await store().saveSnapshot({ streamId: id, version: 2, state: { total: 11 } });

    const loaded = await loadAggregate(store(), counter, id);

    expect(loaded).toEqual({
      state: { total: 18 },
      version: 3,
      eventsRead: 1,
      fromSnapshotVersion: 2,
    });
  });
});
