import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { EventStore } from '../../src/event-store.js';
import { type HeadChange, Sequencer } from '../../src/position/sequencer.js';
import type { PositionedEvent, RecordedEvent } from '../../src/types.js';
import { streamId, testClient, useTestStore } from '../support/dynamodb.js';
import { injectFaults } from '../support/fault-injection.js';

// Sequenced mode: appends claim no position; the sequencer places them from
// the heads' changes (here handed to it directly; the Lambda and the local
// poller hand it the heads' stream records).
const db = useTestStore('sequenced', { positionMode: 'sequenced' });

const collect = async <T>(events: AsyncIterable<T>): Promise<T[]> => {
  const out: T[] = [];
  for await (const event of events) out.push(event);
  return out;
};
const one = (type: string) => [{ type, data: { type } }];
const sequencer = (client = db.client) =>
  new Sequencer(DynamoDBDocumentClient.from(client), db.tables.eventsTable);

/** Every event of `$all` from `from` on. */
const all = (from = 1) => collect(db.store.readAll({ fromPosition: from }));

/** Checks `$all` as a whole: positions 1..N, each event once, each stream in version order. */
async function expectWholeAndOrdered(): Promise<PositionedEvent[]> {
  const events = await all();
  expect(events.map((e) => e.position)).toEqual(events.map((_, i) => i + 1));
  expect(new Set(events.map((e) => e.eventId)).size).toBe(events.length);
  const byStream = new Map<string, number[]>();
  for (const e of events)
    byStream.set(e.streamId, [...(byStream.get(e.streamId) ?? []), e.version]);
  for (const versions of byStream.values()) {
    expect(versions).toEqual(versions.map((_, i) => (versions[0] ?? 1) + i));
  }
  return events;
}

describe('sequenced mode', () => {
  it('appends without positions; the sequencer places them, and $all and readStream show them', async () => {
    // Prepare
    const id = streamId('seq');
    const appended = await db.store.appendToStream(id, [...one('A'), ...one('B')]);
    const before = await all();

    // Act
    const result = await sequencer().sequence([{ streamId: id, version: 2 }]);

    // Assess
    expect(appended).toMatchObject({ firstPosition: null, lastPosition: null });
    expect(appended.events.map((e) => e.position)).toEqual([null, null]);
    const placed = (await all()).filter((e) => e.streamId === id);
    expect(placed.map(({ position: _, ...e }) => e)).toEqual(
      appended.events.map(({ position: _, ...e }) => e),
    );
    expect(result.entries).toEqual([
      { streamId: id, fromVersion: 1, count: 2, firstPosition: placed[0]?.position },
    ]);
    expect(before.filter((e) => e.streamId === id)).toEqual([]);
    const read = await collect(db.store.readStream(id));
    expect(read.map((e) => e.position)).toEqual(placed.map((e) => e.position));
    await expectWholeAndOrdered();
  });

  it('places a redelivered change only once', async () => {
    // Prepare
    const id = streamId('redeliver');
    await db.store.appendToStream(id, one('A'));
    const change: HeadChange = { streamId: id, version: 1 };
    await sequencer().sequence([change]);

    // Act
    const again = await sequencer().sequence([change, change]);

    // Assess
    expect(again.entries).toEqual([]);
    expect((await all()).filter((e) => e.streamId === id)).toHaveLength(1);
  });

  it('catches a stream up from its mark when changes come late or out of order, in version order', async () => {
    // Prepare: three appends; the newest change arrives first, the older ones after.
    const id = streamId('late');
    for (const t of ['A', 'B', 'C']) await db.store.appendToStream(id, one(t));

    // Act
    const first = await sequencer().sequence([{ streamId: id, version: 3 }]);
    const late = await sequencer().sequence([
      { streamId: id, version: 1 },
      { streamId: id, version: 2 },
    ]);

    // Assess
    expect(first.entries).toMatchObject([{ streamId: id, fromVersion: 1, count: 3 }]);
    expect(late.entries).toEqual([]);
    const events = (await all()).filter((e) => e.streamId === id);
    expect(events.map((e) => e.type)).toEqual(['A', 'B', 'C']);
  });

  it('two sequencers at once place every range exactly once, positions contiguous', async () => {
    // Prepare
    const ids = Array.from({ length: 12 }, () => streamId('race'));
    await Promise.all(ids.map((id) => db.store.appendToStream(id, one('R'))));
    const changes = ids.map((id) => ({ streamId: id, version: 1 }));
    const clients = [testClient(), testClient()];

    // Act: overlapping batches, as two shards' invocations (or a redelivery) would send.
    await Promise.all([
      sequencer(clients[0]).sequence(changes.slice(0, 8)),
      sequencer(clients[1]).sequence(changes.slice(4)),
    ]);

    // Assess
    const events = (await expectWholeAndOrdered()).filter((e) => ids.includes(e.streamId));
    expect(events.map((e) => e.streamId).sort()).toEqual([...ids].sort());
    for (const c of clients) c.destroy();
  });

  it('after a crash between its commit and its marks, the next call finishes the marks and places nothing twice', async () => {
    // Prepare: the marks (PutItem) fail after the batch's transaction committed.
    const id = streamId('crash');
    await db.store.appendToStream(id, one('A'));
    const client = testClient();
    injectFaults(client, { kind: 'throttling' }, { command: 'PutItemCommand', times: 100 });
    const crashed = await sequencer(client)
      .sequence([{ streamId: id, version: 1 }])
      .catch((e: unknown) => e);
    client.destroy();
    await db.store.appendToStream(id, one('B'));

    // Act: the record is delivered again, with the next one.
    const next = await sequencer().sequence([
      { streamId: id, version: 1 },
      { streamId: id, version: 2 },
    ]);

    // Assess
    expect(crashed).toBeInstanceOf(Error);
    expect(next.entries).toMatchObject([{ streamId: id, fromVersion: 2, count: 1 }]);
    expect((await all()).filter((e) => e.streamId === id).map((e) => e.type)).toEqual(['A', 'B']);
    await expectWholeAndOrdered();
  });

  it('the sweeper places what no change announced; a stream appended to by many writers stays in version order', async () => {
    // Prepare: 20 concurrent appends to one stream, from 4 stores; no change is handed over.
    const id = streamId('swept');
    const stores = Array.from({ length: 4 }, () => {
      const client = testClient();
      // Generous: four stores on one hot stream, on a busy test machine.
      const retry = { timeoutMs: 120_000 };
      return { client, store: new EventStore({ tableName: db.tables.eventsTable, client, retry }) };
    });
    await Promise.all(
      stores.flatMap(({ store }) =>
        Array.from({ length: 5 }, (_, i) => store.appendToStream(id, one(`E${i}`))),
      ),
    );

    // Act
    await sequencer().sweep();

    // Assess
    const events: RecordedEvent[] = (await all()).filter((e) => e.streamId === id);
    expect(events.map((e) => e.version)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    await expectWholeAndOrdered();
    for (const { client } of stores) client.destroy();
  });

  it('refuses a client configured for another mode', async () => {
    // Prepare
    const store = new EventStore({
      tableName: db.tables.eventsTable,
      client: db.client,
      positionMode: 'reserved',
    });

    // Act
    const error = await store.appendToStream(streamId(), one('X')).catch((e: unknown) => e);

    // Assess
    expect(error).toMatchObject({ code: 'PositionModeMismatch', storeMode: 'sequenced' });
  });
});
