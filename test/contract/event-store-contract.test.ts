import { describe, expect, it } from 'vitest';
import { WrongExpectedVersionError } from '../../src/errors.js';
import type { NewEvent, RecordedEvent } from '../../src/types.js';
import { streamId } from '../support/dynamodb.js';
import { collect, contractTargets } from './targets.js';

/**
 * The SDK's contract, the same on every store: the DynamoDB store in each
 * position mode and the in-memory one. Mode-specific promises (contiguous
 * positions, positions in the reply) are tested with their mode; the files
 * beside this one hold the rest of the contract, area by area.
 */
const events = (...types: string[]): NewEvent[] => types.map((type) => ({ type, data: { type } }));
const strip = ({ position: _, ...event }: RecordedEvent) => event;

describe.each(contractTargets)('EventStore contract on $name', (target) => {
  const subject = target.use();
  const store = () => subject.store;

  it('appends in every expected-version mode and reads the stream back as recorded', async () => {
    const id = streamId('contract');
    const a = await store().appendToStream(id, events('A'), { expectedVersion: 'no_stream' });
    const b = await store().appendToStream(id, events('B'), { expectedVersion: 1 });
    const c = await store().appendToStream(id, events('C'), { expectedVersion: 'stream_exists' });
    const d = await store().appendToStream(id, events('D'), { expectedVersion: 'any' });

    expect([a, b, c, d].map((r) => r.nextExpectedVersion)).toEqual([1, 2, 3, 4]);
    const read = await collect(store().readStream(id));
    expect(read.map(strip)).toEqual([a, b, c, d].flatMap((r) => r.events.map(strip)));
    expect(await store().getStreamVersion(id)).toBe(4);
  });

  it('refuses a stale expected version with WrongExpectedVersionError and writes nothing', async () => {
    const id = streamId('contract');
    await store().appendToStream(id, events('A', 'B'));

    const error = await store()
      .appendToStream(id, events('X'), { expectedVersion: 1 })
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(WrongExpectedVersionError);
    expect(error).toMatchObject({ actualVersion: 2, expectedVersion: 1 });
    expect((await collect(store().readStream(id))).map((e) => e.type)).toEqual(['A', 'B']);
  });

  it('returns the original result for a retry with the same ids, and writes nothing', async () => {
    const id = streamId('contract');
    const batch = [
      { type: 'A', data: 1, eventId: `${id}-1` },
      { type: 'B', data: 2, eventId: `${id}-2` },
    ];
    const first = await store().appendToStream(id, batch, { expectedVersion: 0 });

    const again = await store().appendToStream(id, batch, { expectedVersion: 0 });

    expect(again.events.map(strip)).toEqual(first.events.map(strip));
    expect(await store().getStreamVersion(id)).toBe(2);
  });

  it('serialises concurrent appenders on one stream: versions 1..n, none lost', async () => {
    const id = streamId('contract');

    await Promise.all(
      Array.from({ length: 10 }, (_, i) => store().appendToStream(id, events(`E${i}`))),
    );

    const read = await collect(store().readStream(id));
    expect(read.map((e) => e.version)).toEqual(Array.from({ length: 10 }, (_, i) => i + 1));
  });

  it('shows every appended event in $all once, with increasing positions, each stream in version order', async () => {
    const ids = [streamId('contract'), streamId('contract')];
    for (const id of ids) await store().appendToStream(id, events('A', 'B'));
    await store().appendToStream(ids[0] as string, events('C'));

    await subject.placeAll();
    const all = await collect(store().readAll());

    const positions = all.map((e) => e.position);
    expect(positions).toEqual([...positions].sort((a, b) => a - b));
    expect(new Set(positions).size).toBe(positions.length);
    for (const id of ids) {
      const mine = all.filter((e) => e.streamId === id);
      expect(mine.map((e) => e.version)).toEqual(mine.map((_, i) => i + 1));
    }
    expect(all.filter((e) => e.streamId === ids[0]).map((e) => e.type)).toEqual(['A', 'B', 'C']);
  });

  it('folds a stream into state from a snapshot and the events after it', async () => {
    const id = streamId('contract');
    await store().appendToStream(id, events('A', 'B', 'C'));
    await store().saveSnapshot({ streamId: id, version: 2, state: { count: 2 } });

    const folded = await store().aggregateStream(id, {
      initialState: () => ({ count: 0 }),
      evolve: (s: { count: number }) => ({ count: s.count + 1 }),
      snapshot: true,
    });

    expect(folded).toMatchObject({
      state: { count: 3 },
      version: 3,
      eventsRead: 1,
      fromSnapshotVersion: 2,
    });
  });
});
