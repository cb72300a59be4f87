import { UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { WrongExpectedVersionError } from '../../src/errors.js';
import { EventStore } from '../../src/event-store.js';
import { toRecordedEvent } from '../../src/records.js';
import { Attr, Keys } from '../../src/table.js';
import type { ExpectedVersion, NewEvent } from '../../src/types.js';
import { streamId, testClient, useTestStore } from '../support/dynamodb.js';
import { injectFaults } from '../support/fault-injection.js';
import { recordCommands, recordQueries } from '../support/sdk-spy.js';
import { type TableProbe, tableProbe } from './helpers.js';

// Strict mode: these tests pin its promises (contiguous positions, an untouched counter on failure).
const db = useTestStore('append-idempotency', { positionMode: 'strict' });
let probe: TableProbe;

beforeAll(() => {
  probe = tableProbe(db.client, db.tables.eventsTable);
});

const batch = (tag: string): NewEvent[] => [
  { type: 'Ordered', data: { tag }, eventId: `${tag}-1` },
  { type: 'Paid', data: { tag }, eventId: `${tag}-2` },
];

/** A stream at version 2 (or absent when `seeded` is false), ready for an append with `mode`. */
async function prepare(mode: ExpectedVersion) {
  const id = streamId('idem');
  if (mode !== 'no_stream')
    await db.store.appendToStream(id, batch('seed'), { expectedVersion: 0 });
  return id;
}

const snapshot = async (id: string) => ({
  items: await probe.streamItems(id),
  counter: await probe.counter(),
});

describe('appendToStream idempotent retries', () => {
  it.each<[string, ExpectedVersion]>([
    ['an exact version', 2],
    ["'no_stream'", 'no_stream'],
    ["'any' (against the latest events)", 'any'],
  ])('returns the original result and writes nothing when retried at %s', async (_m, mode) => {
    // Prepare
    const id = await prepare(mode);
    const original = await db.store.appendToStream(id, batch('x'), { expectedVersion: mode });
    const before = await snapshot(id);

    // Act
    const retried = await db.store.appendToStream(id, batch('x'), { expectedVersion: mode });

    // Assess
    expect(retried).toEqual(original);
    expect(await snapshot(id)).toEqual(before);
  });

  it('recognises an exact-version retry even after the stream moved on', async () => {
    // Prepare
    const id = await prepare(2);
    const original = await db.store.appendToStream(id, batch('x'), { expectedVersion: 2 });
    await db.store.appendToStream(id, batch('later'), { expectedVersion: 4 });
    const before = await snapshot(id);

    // Act
    const retried = await db.store.appendToStream(id, batch('x'), { expectedVersion: 2 });

    // Assess
    expect(retried).toEqual(original);
    expect(await snapshot(id)).toEqual(before);
  });

  it.each<[string, NewEvent[]]>([
    ['other event ids', batch('other')],
    ['only the first event id', [batch('x')[0]!, { type: 'Paid', data: {}, eventId: 'y' }]],
    ['the same ids in another order', [...batch('x')].reverse()],
    // A prefix of the original is not the original: the stream is at 4, not 3.
    ['a prefix of the original append', batch('x').slice(0, 1)],
  ])(
    'rejects with WrongExpectedVersionError when the stream moved on with %s',
    async (_c, events) => {
      // Prepare
      const id = await prepare(2);
      await db.store.appendToStream(id, batch('x'), { expectedVersion: 2 });
      const before = await snapshot(id);

      // Act
      const error = await db.store
        .appendToStream(id, events, { expectedVersion: 2 })
        .catch((e) => e);

      // Assess
      expect(error).toBeInstanceOf(WrongExpectedVersionError);
      const { streamId: on, expectedVersion, actualVersion } = error as WrongExpectedVersionError;
      expect({ on, expectedVersion, actualVersion }).toEqual({
        on: id,
        expectedVersion: 2,
        actualVersion: 4,
      });
      expect(await snapshot(id)).toEqual(before);
    },
  );

  it.each<[string, ExpectedVersion, (events: NewEvent[]) => NewEvent[]]>([
    ["'any', the last event alone", 'any', (events) => events.slice(1)],
    ['an exact version, the second event alone', 3, (events) => events.slice(1)],
  ])(
    'does not take part of an append for the whole: %s appends anew or conflicts',
    async (_c, mode, part) => {
      // Prepare
      const id = await prepare(2);
      const original = batch('whole');
      await db.store.appendToStream(id, original, { expectedVersion: 2 });

      // Act
      const outcome = await db.store
        .appendToStream(id, part(original), { expectedVersion: mode })
        .catch((e: unknown) => e);

      // Assess: 'any' appends the event again after the original; a named version conflicts.
      if (mode === 'any') expect(outcome).toMatchObject({ nextExpectedVersion: 5 });
      else expect(outcome).toMatchObject({ code: 'WrongExpectedVersion', actualVersion: 4 });
    },
  );

  it("reads only the stream's head before an 'any' append that is not a retry, and no event", async () => {
    // Prepare: a store of its own, so the spy sees only this append's calls.
    const client = testClient();
    const store = new EventStore({ tableName: db.tables.eventsTable, client });
    const id = await prepare('any');
    const commands = recordCommands(client);
    const tenNew = Array.from({ length: 10 }, (_, i) => ({ type: 'Added', data: { i } }));

    // Act
    const result = await store.appendToStream(id, tenNew, { expectedVersion: 'any' });
    client.destroy();

    // Assess: the head said the version and that the stream does not end with these events.
    expect(result.nextExpectedVersion).toBe(12);
    // (GetItem: strict mode reads the counter, not the stream.)
    expect(commands.filter((c) => c !== 'GetItemCommand')).toEqual([
      'BatchGetItemCommand',
      'TransactWriteItemsCommand',
    ]);
  });

  it("shares head reads between concurrent 'any' appends to many streams, each landing after its stream's events", async () => {
    // Prepare: twenty streams at version 2, and a store of its own to count its calls.
    const ids = await Promise.all(Array.from({ length: 20 }, () => prepare('any')));
    const client = testClient();
    const store = new EventStore({ tableName: db.tables.eventsTable, client });
    const commands = recordCommands(client);

    // Act
    const results = await Promise.all(
      ids.map((id) => store.appendToStream(id, batch('more'), { expectedVersion: 'any' })),
    );
    client.destroy();

    // Assess
    expect(results.map((r) => r.events.map((e) => e.version))).toEqual(ids.map(() => [3, 4]));
    expect(commands.filter((c) => c === 'QueryCommand')).toEqual([]);
    // Asked for in one turn of the event loop, the twenty heads are read in one call.
    expect(commands.filter((c) => c === 'BatchGetItemCommand')).toHaveLength(1);
  });

  it("still tells a retry from a new append on a head written before heads kept their last event's id", async () => {
    // Prepare: an append whose head is made to look like one an older version wrote.
    const id = await prepare('any');
    const original = await db.store.appendToStream(id, batch('x'), { expectedVersion: 'any' });
    await db.client.send(
      new UpdateItemCommand({
        TableName: db.tables.eventsTable,
        Key: { [Attr.pk]: { S: Keys.streamPk(id) }, [Attr.sk]: { S: Keys.headSk } },
        UpdateExpression: 'REMOVE #lastEventId',
        ExpressionAttributeNames: { '#lastEventId': Attr.lastEventId },
      }),
    );
    const before = await snapshot(id);
    const fresh = new EventStore({ tableName: db.tables.eventsTable, client: db.client });

    // Act
    const retried = await fresh.appendToStream(id, batch('x'), { expectedVersion: 'any' });
    const next = await fresh.appendToStream(id, batch('y'), { expectedVersion: 'any' });

    // Assess
    expect(retried).toEqual(original);
    expect(before.items).toHaveLength(5);
    expect(next.events.map((e) => e.version)).toEqual([5, 6]);
  });

  it("reads nothing before an 'any' append to a stream this store wrote last, and still lands after another writer's", async () => {
    // Prepare: this store writes the stream; another store then moves it behind its back.
    const client = testClient();
    const store = new EventStore({ tableName: db.tables.eventsTable, client });
    const id = streamId('idem');
    await store.appendToStream(id, batch('own'), { expectedVersion: 'any' });
    const queries = recordQueries(client);

    // Act
    const next = await store.appendToStream(id, batch('next'), { expectedVersion: 'any' });
    const readsAfterOwn = queries.length;
    await db.store.appendToStream(id, batch('other'), { expectedVersion: 'any' });
    const after = await store.appendToStream(id, batch('after'), { expectedVersion: 'any' });
    client.destroy();

    // Assess: no read while the store knew where the stream was; the other writer's move was
    // found through the head's refusal, and nothing landed out of place.
    expect(readsAfterOwn).toBe(0);
    expect(next.nextExpectedVersion).toBe(4);
    expect(after.events.map((e) => e.version)).toEqual([7, 8]);
    const stored = [];
    for await (const event of db.store.readStream(id)) stored.push(event);
    expect(stored.map((e) => e.eventId)).toEqual(
      ['own', 'next', 'other', 'after'].flatMap((tag) => [`${tag}-1`, `${tag}-2`]),
    );
  });

  it("gives a retry of the store's own last 'any' append its original result", async () => {
    // Prepare
    const id = streamId('idem');
    const first = await db.store.appendToStream(id, batch('once'), { expectedVersion: 'any' });

    // Act
    const again = await db.store.appendToStream(id, batch('once'), { expectedVersion: 'any' });

    // Assess
    expect(again.nextExpectedVersion).toBe(first.nextExpectedVersion);
    expect(await db.store.getStreamVersion(id)).toBe(2);
  });

  it("appends again under 'any' once other events came after the original (the documented limit)", async () => {
    // Prepare
    const id = await prepare('any');
    await db.store.appendToStream(id, batch('x'), { expectedVersion: 'any' });
    await db.store.appendToStream(id, batch('later'), { expectedVersion: 'any' });

    // Act
    const again = await db.store.appendToStream(id, batch('x'), { expectedVersion: 'any' });

    // Assess
    expect(again.events.map((e) => e.version)).toEqual([7, 8]);
  });
});

describe('appendToStream after a lost reply', () => {
  it.each<[string, ExpectedVersion]>([
    ['an exact version', 2],
    ["'no_stream'", 'no_stream'],
    ["'any'", 'any'],
  ])(
    "settles the lost reply itself and gives the caller's retry at %s the original result",
    async (_m, mode) => {
      // Prepare: the first transaction commits, but its reply never arrives.
      const id = await prepare(mode);
      const client = testClient();
      const lossy = new EventStore({ tableName: db.tables.eventsTable, client });
      const fault = injectFaults(client, { kind: 'lost-reply' });
      const counter = await probe.counter();

      try {
        // Act
        const lost = await lossy
          .appendToStream(id, batch('x'), { expectedVersion: mode })
          .catch((e) => e);
        const retried = await lossy.appendToStream(id, batch('x'), { expectedVersion: mode });

        // Assess: the store found out that the lost transaction committed, and says so.
        expect(fault.injected).toBe(1);
        expect(lost).toEqual(retried);
        const stored = (await probe.eventItems(id)).slice(mode === 'no_stream' ? 0 : 2);
        expect(stored.map((item) => [item.eventId, item.position])).toEqual([
          ['x-1', counter + 1],
          ['x-2', counter + 2],
        ]);
        expect(retried).toEqual({
          streamId: id,
          nextExpectedVersion: mode === 'no_stream' ? 2 : 4,
          firstPosition: counter + 1,
          lastPosition: counter + 2,
          events: stored.map(toRecordedEvent),
        });
        expect(await probe.counter()).toBe(counter + 2);
        expect(fault.injected).toBe(1);
      } finally {
        client.destroy();
      }
    },
  );

  it("commits once when the SDK's own resend repeats the lost request (same ClientRequestToken)", async () => {
    // Prepare: the reply is lost below the SDK's retry middleware, which resends.
    const id = await prepare(2);
    const client = testClient();
    const lossy = new EventStore({ tableName: db.tables.eventsTable, client });
    const fault = injectFaults(client, { kind: 'lost-reply' }, { layer: 'below-sdk-retry' });
    const counter = await probe.counter();

    try {
      // Act
      const result = await lossy.appendToStream(id, batch('x'), { expectedVersion: 2 });

      // Assess
      const tokens = fault.inputs.map((input) => input.ClientRequestToken);
      expect(tokens).toEqual([expect.any(String), tokens[0]]);
      expect({ first: result.firstPosition, last: result.lastPosition }).toEqual({
        first: counter + 1,
        last: counter + 2,
      });
      expect((await probe.eventItems(id)).map((item) => item.eventId)).toEqual([
        'seed-1',
        'seed-2',
        'x-1',
        'x-2',
      ]);
      expect(await probe.counter()).toBe(counter + 2);
    } finally {
      client.destroy();
    }
  });
});
