import { describe, expect, it } from 'vitest';
import { Sequencer } from '../../src/position/sequencer.js';
import type { PositionedEvent } from '../../src/types.js';
import { placed, streamId, useTestStore } from '../support/dynamodb.js';

/**
 * A reader that starts (or resumes, as a subscription does from its
 * checkpoint) inside a range whose index item sits below its first position:
 * a sequenced block, or a reserved abort marker over several positions.
 */
const collect = async (events: AsyncIterable<PositionedEvent>): Promise<PositionedEvent[]> => {
  const out: PositionedEvent[] = [];
  for await (const event of events) out.push(event);
  return out;
};
const numbered = (count: number) =>
  Array.from({ length: count }, (_, i) => ({ type: 'N', data: i }));

describe('readAll from inside a sequenced block', () => {
  const db = useTestStore('read-all-resume-seq', { positionMode: 'sequenced' });

  it('reads the rest of $all from every position, not nothing', async () => {
    // Prepare: one sweep places both appends in one block.
    await db.store.appendToStream(streamId('a'), numbered(3));
    await db.store.appendToStream(streamId('b'), numbered(2));
    await Sequencer.for({ tableName: db.tables.eventsTable, client: db.client }).sweep();
    const all = await collect(db.store.readAll());

    // Act
    const tails = [];
    for (const event of all)
      tails.push(await collect(db.store.readAll({ fromPosition: event.position })));

    // Assess
    expect(all.map((e) => e.position)).toEqual([1, 2, 3, 4, 5]);
    expect(tails).toEqual(all.map((_, i) => all.slice(i)));
  });
});

describe('readAll from inside a reserved abort marker', () => {
  const db = useTestStore('read-all-resume-res', { positionMode: 'reserved' });

  it('passes the rest of the aborted range at once, without waiting or failing', async () => {
    // Prepare: an append refused after its reservation leaves three aborted positions.
    const id = streamId('r');
    const before = placed(await db.store.appendToStream(id, numbered(1)));
    await expect(
      db.store.appendToStream(id, numbered(3), { expectedVersion: 5 }),
    ).rejects.toMatchObject({ code: 'WrongExpectedVersion' });
    const after = placed(await db.store.appendToStream(id, numbered(1)));
    expect(after.firstPosition).toBe(before.lastPosition + 4);

    // Act
    const started = Date.now();
    const read = await collect(db.store.readAll({ fromPosition: before.lastPosition + 2 }));

    // Assess: allStreamMaxWaitMs is 5 s; an unresolved start waited that long, then failed.
    expect(read).toEqual(after.events);
    expect(Date.now() - started).toBeLessThan(4000);
  });
});
