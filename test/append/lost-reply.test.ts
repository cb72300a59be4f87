import { describe, expect, it } from 'vitest';
import type { PositionMode } from '../../src/types.js';
import { ownStore, streamId, type TestStore, useTestStore } from '../support/dynamodb.js';
import { injectFaults, loseReplyAfterCommit } from '../support/fault-injection.js';
import { expectAllIntact } from './all-intact.js';
import { tableProbe } from './helpers.js';

// One table per position mode: each settles a lost reply its own way.
const modes: PositionMode[] = ['reserved', 'strict', 'sequenced'];
const stores = Object.fromEntries(
  modes.map((mode) => [mode, useTestStore(`lost-${mode}`, { positionMode: mode })]),
) as Record<PositionMode, TestStore>;

const events = (n: number, tag: string) =>
  Array.from({ length: n }, (_, i) => ({ type: 'Moved', data: { tag, i } }));

const storedIds = async (db: TestStore, id: string) =>
  (await tableProbe(db.client, db.tables.eventsTable).eventItems(id)).map((e) => e.eventId);

describe.each(modes)('appendToStream after a lost reply (%s mode)', (mode) => {
  it.each([
    ['any', 'any'],
    ['exact', 1],
  ] as const)(
    'answers an append whose reply was lost on its last allowed try as committed (%s version), not as ContentionRetriesExhausted',
    async (_v, expectedVersion) => {
      // Prepare
      const db = stores[mode];
      const { client, store } = ownStore(db, { retry: { maxAttempts: 1 } });
      const id = streamId('order');
      await store.appendToStream(id, events(1, 'first'));
      const injection = injectFaults(client, { kind: 'lost-reply' }, { times: 1 });

      // Act
      const result = await store.appendToStream(id, events(2, 'lost'), { expectedVersion });

      // Assess
      injection.remove();
      client.destroy();
      expect(injection.injected).toBe(1);
      expect(result.nextExpectedVersion).toBe(3);
      expect((await storedIds(db, id)).slice(1)).toEqual(result.events.map((e) => e.eventId));
      await expectAllIntact(db, mode);
    },
  );

  it("answers an 'any' append whose reply was lost while another writer appended to its stream as committed, storing it once", async () => {
    // Prepare
    const db = stores[mode];
    const { client, store } = ownStore(db);
    const id = streamId('order');
    // The append commits, another store appends to the stream, then the append's reply is lost.
    const race = loseReplyAfterCommit(client, () =>
      db.store.appendToStream(id, events(1, 'other')),
    );

    // Act
    const result = await store.appendToStream(id, events(1, 'mine'), { expectedVersion: 'any' });

    // Assess: its event once, at version 1, then the other writer's.
    client.destroy();
    expect(race.lost()).toBe(1);
    expect(result.nextExpectedVersion).toBe(1);
    const ids = await storedIds(db, id);
    expect(ids).toHaveLength(2);
    expect(ids[0]).toBe(result.events[0]?.eventId);
    await expectAllIntact(db, mode);
  });
});
