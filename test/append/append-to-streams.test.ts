import { describe, expect, it } from 'vitest';
import {
  AppendTooLargeError,
  ValidationError,
  WrongExpectedVersionError,
} from '../../src/errors.js';
import type { PositionMode, StreamAppend } from '../../src/types.js';
import { ownStore, streamId, type TestStore, useTestStore } from '../support/dynamodb.js';
import { type Fault, injectFaults, loseReplyAfterCommit } from '../support/fault-injection.js';
import { expectAllIntact } from './all-intact.js';
import { settle, tableProbe } from './helpers.js';

// One table per position mode: the group must keep each mode's rules.
const modes: PositionMode[] = ['reserved', 'strict', 'sequenced'];
const stores = Object.fromEntries(
  modes.map((mode) => [mode, useTestStore(`multi-${mode}`, { positionMode: mode })]),
) as Record<PositionMode, TestStore>;

const events = (n: number, tag: string) =>
  Array.from({ length: n }, (_, i) => ({ type: 'Moved', data: { tag, i } }));

describe.each(modes)('appendToStreams (%s mode)', (mode) => {
  const db = () => stores[mode];

  it('commits appends to three streams at once, in one position claim', async () => {
    // Prepare
    const [a, b, c] = [streamId('order'), streamId('stock'), streamId('invoice')];
    await db().store.appendToStream(b, events(1, 'b0'), { expectedVersion: 'no_stream' });

    // Act
    const results = await db().store.appendToStreams([
      { streamId: a, events: events(2, 'a'), expectedVersion: 'no_stream' },
      { streamId: b, events: events(1, 'b'), expectedVersion: 1 },
      { streamId: c, events: events(3, 'c') },
    ]);

    // Assess
    expect(results.map((r) => [r.streamId, r.nextExpectedVersion])).toEqual([
      [a, 2],
      [b, 2],
      [c, 3],
    ]);
    const positions = results.flatMap((r) => r.events.map((e) => e.position));
    if (mode === 'sequenced') expect(positions).toEqual([null, null, null, null, null, null]);
    else {
      const first = positions[0] as number;
      expect(positions).toEqual([0, 1, 2, 3, 4, 5].map((i) => first + i));
    }
    for (const result of results) {
      const stored = [];
      for await (const e of db().store.readStream(result.streamId)) stored.push(e);
      expect(stored.slice(-result.events.length).map(({ position: _, ...e }) => e)).toEqual(
        result.events.map(({ position: _, ...e }) => e),
      );
    }
    await expectAllIntact(db(), mode);
  });

  it('fails the whole group when one stream is not at its expected version, writing nothing', async () => {
    // Prepare
    const [a, b] = [streamId('order'), streamId('stock')];
    await db().store.appendToStream(b, events(2, 'b0'));
    const probe = tableProbe(db().client, db().tables.eventsTable);
    const before = [await probe.streamItems(a), await probe.streamItems(b)];

    // Act
    const attempt = db().store.appendToStreams([
      { streamId: a, events: events(1, 'a'), expectedVersion: 'no_stream' },
      { streamId: b, events: events(1, 'b'), expectedVersion: 1 },
    ]);

    // Assess
    await expect(attempt).rejects.toMatchObject({
      constructor: WrongExpectedVersionError,
      streamId: b,
      expectedVersion: 1,
      actualVersion: 2,
    });
    expect([await probe.streamItems(a), await probe.streamItems(b)]).toEqual(before);
    // $all after the failed group: the next append is read, and no position is left unresolved.
    await db().store.appendToStream(a, events(1, 'after'));
    await expectAllIntact(db(), mode);
  });

  it('shares group commit with concurrent appends; a group racing a single append on one stream: one wins', async () => {
    // Prepare
    const shared = streamId('shared');
    await db().store.appendToStream(shared, events(1, 's0'));
    const singles = Array.from({ length: 8 }, () => streamId('single'));
    const group: StreamAppend[] = [
      { streamId: streamId('g'), events: events(2, 'g1'), expectedVersion: 'no_stream' },
      { streamId: shared, events: events(1, 'g2'), expectedVersion: 1 },
    ];

    // Act
    const [groupOutcome, raceOutcome, singleOutcomes] = await Promise.all([
      settle([db().store.appendToStreams(group)]),
      settle([db().store.appendToStream(shared, events(1, 'rival'), { expectedVersion: 1 })]),
      settle(singles.map((id) => db().store.appendToStream(id, events(1, id)))),
    ]);

    // Assess
    expect(singleOutcomes.errors).toEqual([]);
    const winners = groupOutcome.values.length + raceOutcome.values.length;
    expect(winners).toBe(1);
    const [loss] = [...groupOutcome.errors, ...raceOutcome.errors];
    expect(loss).toBeInstanceOf(WrongExpectedVersionError);
    const groupStream = await db().store.getStreamVersion(group[0]?.streamId as string);
    expect(groupStream).toBe(groupOutcome.values.length === 1 ? 2 : 0);
    expect(await db().store.getStreamVersion(shared)).toBe(2);
    await expectAllIntact(db(), mode);
  });

  it('returns the original results when the same group is sent again at the same versions', async () => {
    // Prepare
    const [a, b] = [streamId('order'), streamId('stock')];
    const group: StreamAppend[] = [
      { streamId: a, events: [{ type: 'A', data: {}, eventId: `${a}-1` }], expectedVersion: 0 },
      { streamId: b, events: [{ type: 'B', data: {}, eventId: `${b}-1` }], expectedVersion: 0 },
    ];
    const first = await db().store.appendToStreams(group);

    // Act
    const again = await db().store.appendToStreams(group);

    // Assess
    expect(again.map(({ events: e }) => e.map(({ position: _, ...rest }) => rest))).toEqual(
      first.map(({ events: e }) => e.map(({ position: _, ...rest }) => rest)),
    );
    expect(await db().store.getStreamVersion(a)).toBe(1);
    expect(await db().store.getStreamVersion(b)).toBe(1);
  });
});

describe.each(modes)('appendToStreams under faults (%s mode)', (mode) => {
  it.each<[string, Fault, 'any' | 'exact']>([
    ['a lost reply, any version', { kind: 'lost-reply' }, 'any'],
    ['a lost reply, exact versions', { kind: 'lost-reply' }, 'exact'],
    [
      'a TransactionConflict on the second stream',
      { kind: 'transaction-conflict', at: 3 },
      'exact',
    ],
    ['throttling', { kind: 'throttling' }, 'any'],
  ])('settles %s: each stream holds the group once', async (_f, fault, expected) => {
    // Prepare
    const db = stores[mode];
    const { client, store } = ownStore(db);
    const [a, b] = [streamId('order'), streamId('stock')];
    await store.appendToStream(b, events(1, 'b0'));
    const injection = injectFaults(client, fault, { times: 1 });

    // Act
    const results = await store.appendToStreams([
      { streamId: a, events: events(2, 'a'), ...(expected === 'exact' && { expectedVersion: 0 }) },
      { streamId: b, events: events(1, 'b'), ...(expected === 'exact' && { expectedVersion: 1 }) },
    ]);

    // Assess
    injection.remove();
    client.destroy();
    expect(injection.injected).toBe(1);
    expect(results.map((r) => r.nextExpectedVersion)).toEqual([2, 2]);
    const probe = tableProbe(db.client, db.tables.eventsTable);
    expect((await probe.eventItems(a)).map((e) => e.eventId)).toEqual(
      results[0]?.events.map((e) => e.eventId),
    );
    expect((await probe.eventItems(b)).map((e) => e.eventId).slice(1)).toEqual(
      results[1]?.events.map((e) => e.eventId),
    );
    await expectAllIntact(db, mode);
  });

  it.each([
    ['any', 'any'],
    ['exact', 1],
  ] as const)(
    'answers a group whose reply was lost on its last allowed try as committed (%s versions), not as ContentionRetriesExhausted',
    async (_v, expectedVersion) => {
      // Prepare
      const db = stores[mode];
      const { client, store } = ownStore(db, { retry: { maxAttempts: 1 } });
      const [a, b] = [streamId('order'), streamId('stock')];
      await store.appendToStreams([
        { streamId: a, events: events(1, 'a0') },
        { streamId: b, events: events(1, 'b0') },
      ]);
      const injection = injectFaults(client, { kind: 'lost-reply' }, { times: 1 });

      // Act
      const results = await store.appendToStreams([
        { streamId: a, events: events(2, 'a'), expectedVersion },
        { streamId: b, events: events(1, 'b'), expectedVersion },
      ]);

      // Assess
      injection.remove();
      client.destroy();
      expect(injection.injected).toBe(1);
      expect(results.map((r) => r.nextExpectedVersion)).toEqual([3, 2]);
      const probe = tableProbe(db.client, db.tables.eventsTable);
      expect((await probe.eventItems(a)).map((e) => e.eventId).slice(1)).toEqual(
        results[0]?.events.map((e) => e.eventId),
      );
      expect((await probe.eventItems(b)).map((e) => e.eventId).slice(1)).toEqual(
        results[1]?.events.map((e) => e.eventId),
      );
      await expectAllIntact(db, mode);
    },
  );

  it("answers a group whose reply was lost while another writer appended to one of its streams ('any') as committed, storing it once", async () => {
    // Prepare
    const db = stores[mode];
    const { client, store } = ownStore(db);
    const [a, b] = [streamId('order'), streamId('stock')];
    // The group commits, another store appends to b, then the group's reply is lost.
    const race = loseReplyAfterCommit(client, () => db.store.appendToStream(b, events(1, 'other')));

    // Act
    const results = await store.appendToStreams([
      { streamId: a, events: events(2, 'a') },
      { streamId: b, events: events(1, 'b') },
    ]);

    // Assess
    client.destroy();
    expect(race.lost()).toBe(1);
    expect(results.map((r) => r.nextExpectedVersion)).toEqual([2, 1]);
    const probe = tableProbe(db.client, db.tables.eventsTable);
    expect((await probe.eventItems(a)).map((e) => e.eventId)).toEqual(
      results[0]?.events.map((e) => e.eventId),
    );
    const stockIds = (await probe.eventItems(b)).map((e) => e.eventId);
    expect(stockIds).toHaveLength(2);
    expect(stockIds[0]).toBe(results[1]?.events[0]?.eventId);
    await expectAllIntact(db, mode);
  });
});

describe('appendToStreams input', () => {
  const db = () => stores.reserved;

  it.each([
    [[], ValidationError, 'appends must be an array of 1 or more'],
    [
      [
        { streamId: 'x-1', events: events(1, 'a') },
        { streamId: 'x-1', events: events(1, 'b') },
      ],
      ValidationError,
      'appends[1].streamId must differ from every other stream of the group',
    ],
    [
      [
        { streamId: 'x-1', events: events(1, 'a') },
        { streamId: 'x-2', events: [{ type: '', data: {} }] },
      ],
      ValidationError,
      'appends[1].events[0].type',
    ],
    [
      [
        { streamId: 'x-1', events: events(60, 'a') },
        { streamId: 'x-2', events: events(38, 'b') },
      ],
      AppendTooLargeError,
      "The group of 2 appends (DynamoDB's 100 transaction actions, less the position claim and one stream head per stream) is 98 events; the limit is 97 events",
    ],
  ])('refuses %#: %s', async (appends, errorClass, message) => {
    // Act
    const attempt = db().store.appendToStreams(appends as StreamAppend[]);

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(errorClass);
    await expect(attempt).rejects.toThrow(message);
  });

  it('fits a group of exactly 99 actions: 3 heads and 96 events', async () => {
    // Act
    const results = await db().store.appendToStreams([
      { streamId: streamId('big'), events: events(40, 'a') },
      { streamId: streamId('big'), events: events(40, 'b') },
      { streamId: streamId('big'), events: events(16, 'c') },
    ]);

    // Assess
    expect(results.map((r) => r.nextExpectedVersion)).toEqual([40, 40, 16]);
  });
});
