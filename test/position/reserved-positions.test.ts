import { DeleteCommand, DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { PositionCounterMissingError } from '../../src/errors.js';
import { EventStore } from '../../src/event-store.js';
import { buildCounterItem, counterKey } from '../../src/position/counter.js';
import { readSlot } from '../../src/position/slots.js';
import { StorePositions } from '../../src/position/store-positions.js';
import type { RecordedEvent } from '../../src/types.js';
import { createTestTables, ownStore, placed, streamId, useTestStore } from '../support/dynamodb.js';
import { injectFaults } from '../support/fault-injection.js';
import { delayCommand, hidePosition, recordCommands } from '../support/sdk-spy.js';

// Reserved mode (the default): DESIGN.md "Reserved positions: the rules",
// case by case, each interleaving forced deterministically.
const db = useTestStore('reserved');

const collect = async (events: AsyncIterable<RecordedEvent>): Promise<RecordedEvent[]> => {
  const out: RecordedEvent[] = [];
  for await (const event of events) out.push(event);
  return out;
};
const one = (type: string) => [{ type, data: { type } }];

/** Positions first..first+count-1 reserved and never committed: a writer killed right after reserving. */
async function orphanReservation(count: number): Promise<number> {
  const doc = DynamoDBDocumentClient.from(db.client);
  const strategy = await new StorePositions(doc, db.tables.eventsTable, undefined).strategy();
  return (await strategy.reserve(count)).first as number;
}

describe('reserved positions', () => {
  it('reads a mid-range position the index does not show yet from the table, through the slot', async () => {
    // Prepare: one transaction of three events; the index lags on the middle one.
    const appended = placed(
      await db.store.appendToStream(streamId(), [...one('A'), ...one('B'), ...one('C')]),
    );
    const { client, store } = ownStore(db);
    const hole = hidePosition(client, appended.firstPosition + 1);

    // Act
    const read = await collect(store.readAll({ fromPosition: appended.firstPosition }));

    // Assess
    expect(read).toEqual(appended.events);
    expect(hole.hidden()).toBeGreaterThan(0);
    client.destroy();
  });

  it("marks a dead writer's range aborted, one proven range start at a time, and never skips what follows", async () => {
    // Prepare: a writer reserves three positions and dies; a later append commits after them.
    const before = placed(await db.store.appendToStream(streamId(), one('Before')));
    const orphan = await orphanReservation(3);
    const after = placed(await db.store.appendToStream(streamId(), one('After')));
    const { client, store } = ownStore(db, { allStreamMaxWaitMs: 100 });

    // Act
    const read = await collect(store.readAll({ fromPosition: before.firstPosition }));

    // Assess
    expect(orphan).toBe(before.lastPosition + 1);
    expect(read).toEqual([...before.events, ...after.events]);
    const doc = DynamoDBDocumentClient.from(db.client);
    const slots = await Promise.all(
      [0, 1, 2].map((i) => readSlot(doc, db.tables.eventsTable, orphan + i)),
    );
    expect(slots).toEqual(
      [0, 1, 2].map((i) => ({ state: 'aborted', first: orphan + i, count: 1 })),
    );
    // A second reader passes the markers without waiting again.
    expect(await collect(store.readAll({ fromPosition: before.firstPosition }))).toEqual(read);
    client.destroy();
  });

  it('a slow appender that loses its range to a reader reserves again; the reader never skips it', async () => {
    // Prepare: the slow store's first transaction is held (after its reservation) until released.
    const slow = ownStore(db);
    let release!: () => void;
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    let held!: () => void;
    const holding = new Promise<void>((resolve) => {
      held = resolve;
    });
    let delayed = false;
    slow.client.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === 'TransactWriteItemsCommand' && !delayed) {
          delayed = true;
          held();
          await released;
        }
        return next(args);
      },
      { step: 'initialize', name: 'slowCommit' },
    );
    const before = placed(await db.store.appendToStream(streamId(), one('Before')));
    const slowAppend = slow.store.appendToStream(streamId(), one('Slow'));
    await holding;
    const fast = placed(await db.store.appendToStream(streamId(), one('Fast')));
    const reader = ownStore(db, { allStreamMaxWaitMs: 150 });

    // Act: the reader reaches the slow range first, waits, and marks it aborted.
    const firstRead = await collect(reader.store.readAll({ fromPosition: before.firstPosition }));
    release();
    const slowResult = placed(await slowAppend);
    const secondRead = await collect(reader.store.readAll({ fromPosition: before.firstPosition }));

    // Assess
    expect(firstRead).toEqual([...before.events, ...fast.events]);
    expect(slowResult.firstPosition).toBeGreaterThan(fast.lastPosition);
    expect(secondRead).toEqual([...before.events, ...fast.events, ...slowResult.events]);
    for (const c of [slow.client, reader.client]) c.destroy();
  });

  it('settles a lost reply through its slot: one commit, reported as such, no abort marker', async () => {
    // Prepare
    const { client, store } = ownStore(db);
    const fault = injectFaults(client, { kind: 'lost-reply' });
    const id = streamId();

    // Act
    const result = placed(await store.appendToStream(id, one('Once')));

    // Assess
    expect(fault.injected).toBe(1);
    expect(await collect(db.store.readStream(id))).toEqual(result.events);
    const slot = await readSlot(
      DynamoDBDocumentClient.from(db.client),
      db.tables.eventsTable,
      result.firstPosition,
    );
    expect(slot).toMatchObject({ state: 'committed', first: result.firstPosition, count: 1 });
    expect(
      await collect(db.store.readAll({ fromPosition: result.firstPosition, maxCount: 1 })),
    ).toEqual(result.events);
    client.destroy();
  });

  it('marks the range of a cancelled transaction aborted, so readers pass it at once', async () => {
    // Prepare
    const id = streamId();
    placed(await db.store.appendToStream(id, one('First')));

    // Act
    const refused = await db.store
      .appendToStream(id, one('Late'), { expectedVersion: 0 })
      .catch((error: unknown) => error);
    const next = placed(await db.store.appendToStream(streamId(), one('Next')));

    // Assess
    expect(refused).toMatchObject({ code: 'WrongExpectedVersion', actualVersion: 1 });
    const aborted = await readSlot(
      DynamoDBDocumentClient.from(db.client),
      db.tables.eventsTable,
      next.firstPosition - 1,
    );
    expect(aborted).toEqual({ state: 'aborted', first: next.firstPosition - 1, count: 1 });
  });

  it('keeps positions increasing with versions within a stream under concurrent appends from many stores', async () => {
    // Prepare
    const id = streamId();
    // Four stores on one hot stream cancel each other often; on a busy test machine that
    // can outlast the default 10 s budget, which is not what this test is about.
    const stores = Array.from({ length: 4 }, () => ownStore(db, { retry: { timeoutMs: 120_000 } }));

    // Act
    await Promise.all(
      stores.flatMap(({ store }) =>
        Array.from({ length: 5 }, (_, i) => store.appendToStream(id, one(`E${i}`))),
      ),
    );

    // Assess
    const events = await collect(db.store.readStream(id));
    expect(events.map((e) => e.version)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    const positions = events.map((e) => e.position as number);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    const all = await collect(db.store.readAll({ fromPosition: positions[0] }));
    expect(all.filter((e) => e.streamId === id)).toEqual(events);
    for (const { client } of stores) client.destroy();
  });
});

describe('group commit', () => {
  it('shares transactions between concurrent appends of one store, each caller getting its own result', async () => {
    // Prepare
    const { client, store } = ownStore(db);
    const sent = injectFaults(client, { kind: 'throttling' }, { times: 0 });
    const ids = Array.from({ length: 30 }, () => streamId('group'));

    // Act
    const results = await Promise.all(ids.map((id) => store.appendToStream(id, one('G'))));

    // Assess
    expect(results.map((r) => r.streamId)).toEqual(ids);
    expect(new Set(results.map((r) => r.firstPosition)).size).toBe(30);
    expect(sent.inputs.length).toBeLessThan(10);
    client.destroy();
  });

  it('fails only the member whose head refused; the others of its transaction commit', async () => {
    // Prepare
    const { client, store } = ownStore(db);
    const moved = streamId('moved');
    placed(await store.appendToStream(moved, one('Seed')));

    // Act
    const outcomes = await Promise.allSettled([
      store.appendToStream(streamId('ok'), one('A')),
      store.appendToStream(moved, one('Stale'), { expectedVersion: 0 }),
      store.appendToStream(streamId('ok'), one('B')),
    ]);

    // Assess
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((outcomes[1] as PromiseRejectedResult).reason).toMatchObject({
      code: 'WrongExpectedVersion',
      actualVersion: 1,
    });
    client.destroy();
  });

  it('carries an append whose stream head is being read in the transaction a free lane was about to send without it', async () => {
    // Prepare: head reads take 40 ms more (the store has timed one); an exact append needs none.
    const { client, store } = ownStore(db);
    const slow = delayCommand(client, 'BatchGetItemCommand', 40);
    placed(await store.appendToStream(streamId('warm'), one('W')));
    const sent = recordCommands(client);

    // Act: the 'any' append starts reading its head, then the exact one queues.
    const reading = store.appendToStream(streamId('any'), one('A'));
    await slow.next();
    const exact = store.appendToStream(streamId('exact'), one('B'), { expectedVersion: 0 });
    const results = await Promise.all([reading, exact]);

    // Assess: one reservation and one transaction for both.
    expect(results.map((r) => r.nextExpectedVersion)).toEqual([1, 1]);
    expect(sent.filter((c) => c === 'TransactWriteItemsCommand')).toHaveLength(1);
    expect(sent.filter((c) => c === 'UpdateItemCommand')).toHaveLength(1);
    client.destroy();
  });

  it('does not hold a free lane for a head read much longer than one read takes', async () => {
    // Prepare: head reads take 400 ms.
    const { client, store } = ownStore(db);
    placed(await store.appendToStream(streamId('warm'), one('W'), { expectedVersion: 0 }));
    const slow = delayCommand(client, 'BatchGetItemCommand', 400);

    // Act
    const t0 = Date.now();
    const reading = store.appendToStream(streamId('any'), one('A'));
    await slow.next();
    await store.appendToStream(streamId('exact'), one('B'), { expectedVersion: 0 });
    const exactMs = Date.now() - t0;
    await reading;

    // Assess: the exact append committed while the slow read was still out.
    expect(exactMs).toBeLessThan(400);
    client.destroy();
  });

  it("commits 100 concurrent 'any' appends to one stream, in about one transaction each", async () => {
    // Prepare
    const { client, store } = ownStore(db);
    const sent = injectFaults(client, { kind: 'throttling' }, { times: 0 });
    const id = streamId('hot');

    // Act
    const results = await Promise.allSettled(
      Array.from({ length: 100 }, (_, i) => store.appendToStream(id, one(`E${i}`))),
    );

    // Assess
    expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
    expect((await collect(db.store.readStream(id))).length).toBe(100);
    expect(sent.inputs.length).toBeLessThanOrEqual(110);
    client.destroy();
  });
});

describe('the counter', () => {
  it('is created by table setup in the chosen mode', async () => {
    // Act
    const tables = await createTestTables('counter-setup');

    // Assess
    const layout = await new StorePositions(
      DynamoDBDocumentClient.from(tables.client),
      tables.eventsTable,
      undefined,
    ).readLayout();
    expect(layout).toEqual({ mode: 'reserved', pageShards: 8 });
    await tables.drop();
  });

  it.each([
    ['a warm store', true],
    ['a fresh store', false],
  ])(
    'missing while events exist: %s refuses to append with PositionCounterMissingError',
    async (_name, warm) => {
      // Prepare
      const tables = await createTestTables('counter-missing');
      const doc = DynamoDBDocumentClient.from(tables.client);
      const store = new EventStore({ tableName: tables.eventsTable, client: tables.client });
      placed(await store.appendToStream(streamId(), one('Before')));
      const counter = await doc.send(
        new DeleteCommand({
          TableName: tables.eventsTable,
          Key: counterKey,
          ReturnValues: 'ALL_OLD',
        }),
      );
      const appender = warm
        ? store
        : new EventStore({ tableName: tables.eventsTable, client: tables.client });

      // Act
      const error = await appender
        .appendToStream(streamId(), one('After'))
        .catch((e: unknown) => e);

      // Assess
      expect(error).toBeInstanceOf(PositionCounterMissingError);
      expect((error as Error).message).toContain('repairPositionCounter');
      // Nothing is handed out again: put back, the counter continues where it was.
      await doc.send(new PutCommand({ TableName: tables.eventsTable, Item: counter.Attributes }));
      const next = placed(await appender.appendToStream(streamId(), one('After')));
      expect(next.firstPosition).toBeGreaterThan(Number(counter.Attributes?.position));
      await tables.drop();
    },
  );

  it('refuses a client that names another mode than the table records', async () => {
    // Prepare
    const tables = await createTestTables('counter-mode');
    await DynamoDBDocumentClient.from(tables.client).send(
      new PutCommand({ TableName: tables.eventsTable, Item: buildCounterItem('strict', 5) }),
    );
    const store = new EventStore({
      tableName: tables.eventsTable,
      client: tables.client,
      positionMode: 'reserved',
    });

    // Act
    const error = await store.appendToStream(streamId(), one('X')).catch((e: unknown) => e);

    // Assess
    expect(error).toMatchObject({ code: 'PositionModeMismatch', storeMode: 'strict' });
    await tables.drop();
  });
});
