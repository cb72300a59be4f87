import { PutCommand } from '@aws-sdk/lib-dynamodb';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { ValidationError, WrongExpectedVersionError } from '../../src/errors.js';
import { toEventItem, toRecordedEvent } from '../../src/records.js';
import type { ExpectedVersion, NewEvent } from '../../src/types.js';
import { streamId, useTestStore } from '../support/dynamodb.js';
import { type TableProbe, tableProbe } from './helpers.js';

// Strict mode: these tests pin its promises (contiguous positions, an untouched counter on failure).
const db = useTestStore('append', { positionMode: 'strict' });
let probe: TableProbe;

beforeAll(() => {
  probe = tableProbe(db.client, db.tables.eventsTable);
});

const events = (count: number, tag = 'e'): NewEvent[] =>
  Array.from({ length: count }, (_, i) => ({ type: `T${i}`, data: { i }, eventId: `${tag}-${i}` }));

/** A stream with `count` events (none when 0). */
async function streamAt(count: number): Promise<string> {
  const id = streamId('append');
  if (count > 0) await db.store.appendToStream(id, events(count, 'seed'), { expectedVersion: 0 });
  return id;
}

async function storedEvents(id: string) {
  return (await probe.eventItems(id)).map(toRecordedEvent);
}

describe('appendToStream expected-version modes', () => {
  it.each<[string, number, ExpectedVersion]>([
    ['exact 0 on an absent stream', 0, 0],
    ['exact n on a stream at n', 3, 3],
    ["'no_stream' on an absent stream", 0, 'no_stream'],
    ["'any' on an absent stream", 0, 'any'],
    ["'any' on an existing stream", 2, 'any'],
    ["'stream_exists' on an existing stream", 1, 'stream_exists'],
  ])('appends with %s', async (_mode, existing, expectedVersion) => {
    // Prepare
    const id = await streamAt(existing);
    const last = await probe.counter();

    // Act
    const result = await db.store.appendToStream(id, events(2), { expectedVersion });

    // Assess
    const createdAt = result.events[0]?.createdAt;
    const recorded = [0, 1].map((i) => ({
      streamId: id,
      version: existing + i + 1,
      position: last + i + 1,
      eventId: `e-${i}`,
      type: `T${i}`,
      data: { i },
      metadata: null,
      createdAt,
    }));
    expect(result).toEqual({
      streamId: id,
      nextExpectedVersion: existing + 2,
      firstPosition: last + 1,
      lastPosition: last + 2,
      events: recorded,
    });
    expect((await storedEvents(id)).slice(existing)).toEqual(recorded);
    expect(await probe.counter()).toBe(last + 2);
  });

  it.each<[string, number, ExpectedVersion]>([
    ['exact 0 on a stream at 2', 2, 0],
    ['exact 1 on a stream at 2 (behind)', 2, 1],
    ['exact 3 on a stream at 2 (ahead)', 2, 3],
    ['exact 1 on an absent stream', 0, 1],
    ["'no_stream' on a stream at 2", 2, 'no_stream'],
    ["'stream_exists' on an absent stream", 0, 'stream_exists'],
  ])(
    'rejects with WrongExpectedVersionError for %s and writes nothing',
    async (_m, existing, expectedVersion) => {
      // Prepare
      const id = await streamAt(existing);
      const before = { items: await probe.streamItems(id), counter: await probe.counter() };

      // Act
      const error = await db.store
        .appendToStream(id, events(2), { expectedVersion })
        .catch((e) => e);

      // Assess
      expect(error).toBeInstanceOf(WrongExpectedVersionError);
      const { code, streamId: errorStream, actualVersion } = error as WrongExpectedVersionError;
      expect({
        code,
        streamId: errorStream,
        expectedVersion: error.expectedVersion,
        actualVersion,
      }).toEqual({
        code: 'WrongExpectedVersion',
        streamId: id,
        expectedVersion,
        actualVersion: existing,
      });
      expect({ items: await probe.streamItems(id), counter: await probe.counter() }).toEqual(
        before,
      );
    },
  );

  it('defaults to any when no options are given', async () => {
    // Prepare
    const id = await streamAt(1);

    // Act
    const result = await db.store.appendToStream(id, [{ type: 'T', data: null }]);

    // Assess
    expect(result.nextExpectedVersion).toBe(2);
  });
});

describe('appendToStream recorded shape', () => {
  it('stores one item per event and a head with version, createdAt and updatedAt', async () => {
    // Prepare
    const id = await streamAt(1);
    const [seedHead] = (await probe.streamItems(id)).filter((item) => item.SK === 'HEAD');

    // Act
    const result = await db.store.appendToStream(
      id,
      [{ type: 'Renamed', data: { name: 'x' }, metadata: { user: 'u1' }, eventId: 'r-1' }],
      { expectedVersion: 1 },
    );

    // Assess
    const [event] = result.events;
    expect(event).toEqual({
      streamId: id,
      version: 2,
      position: result.firstPosition,
      eventId: 'r-1',
      type: 'Renamed',
      data: { name: 'x' },
      metadata: { user: 'u1' },
      createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
    });
    const items = await probe.streamItems(id);
    // Strict mode: the unsharded index key; the event's place in its append, for retries.
    expect(items.at(-1)).toEqual(toEventItem(event!, { appendIndex: 0, appendCount: 1 }));
    expect(items.filter((item) => item.SK === 'HEAD')).toEqual([
      {
        PK: `STREAM#${id}`,
        SK: 'HEAD',
        streamId: id,
        version: 2,
        lastAppendCount: 1,
        lastEventId: 'r-1',
        lastPosition: event?.position,
        category: 'append',
        createdAt: seedHead?.createdAt,
        updatedAt: event?.createdAt,
      },
    ]);
  });

  it('gives each event without an id a fresh UUID', async () => {
    // Act
    const result = await db.store.appendToStream(streamId(), [
      { type: 'A', data: 1 },
      { type: 'B', data: 2 },
    ]);

    // Assess
    const ids = result.events.map((e) => e.eventId);
    expect(ids).toEqual([expect.any(String), expect.any(String)]);
    for (const eventId of ids) expect(eventId).toMatch(/^[0-9a-f-]{36}$/);
    expect(ids[0]).not.toBe(ids[1]);
  });
});

describe('appendToStream JSON round-trip', () => {
  const rich = {
    nested: { deeper: { deepest: [1, [2, [3, { four: 4 }]]] } },
    arrays: [[], [null], ['', ' ', 'a']],
    nulls: null,
    empty: '',
    emptyObject: {},
    unicode: 'zoë ñ 中文 🎉 e\u0301 \u2028 "quoted" \\back',
    '': 'empty key',
    'key with spaces and 🔑': true,
    large: Number.MAX_SAFE_INTEGER,
    negative: -Number.MAX_SAFE_INTEGER,
    floats: [0.1, 1e-7, 1.7976931348623157e308, 5e-324, -2.5],
    booleans: [true, false],
    ...JSON.parse('{"__proto__": {"polluted": true}}'),
  };

  it('reads back data and metadata exactly as appended', async () => {
    // Prepare
    const id = streamId();

    // Act
    const result = await db.store.appendToStream(id, [
      { type: 'Rich', data: rich, metadata: rich },
      { type: 'Scalars', data: 'just a string', metadata: [0, -1, 'x'] },
      { type: 'Null', data: null, metadata: false },
    ]);

    // Assess
    const stored = await storedEvents(id);
    expect(stored).toEqual(result.events);
    expect(stored.map((e) => [e.data, e.metadata])).toEqual([
      [rich, rich],
      ['just a string', [0, -1, 'x']],
      [null, false],
    ]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('round-trips any JSON value (property)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.jsonValue(), fc.jsonValue(), async (data, metadata) => {
        // Prepare
        const id = streamId('prop');

        // Act
        await db.store.appendToStream(id, [{ type: 'P', data, metadata }]);

        // Assess: JSON itself turns -0 into 0; everything else must come back unchanged.
        const [event] = await storedEvents(id);
        expect(event?.data).toEqual(JSON.parse(JSON.stringify(data)));
        expect(event?.metadata).toEqual(
          metadata === null ? null : JSON.parse(JSON.stringify(metadata)),
        );
      }),
      { numRuns: 20 },
    );
  });
});

describe('appendToStream atomicity', () => {
  it('writes nothing when one event of a batch is invalid', async () => {
    // Prepare
    const id = await streamAt(1);
    const before = { items: await probe.streamItems(id), counter: await probe.counter() };
    const batch = [...events(3), { type: 'Bad', data: { amount: Number.NaN } }];

    // Act
    const error = await db.store.appendToStream(id, batch, { expectedVersion: 1 }).catch((e) => e);

    // Assess
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).field).toBe('events[3].data.amount');
    expect({ items: await probe.streamItems(id), counter: await probe.counter() }).toEqual(before);
  });

  it('writes nothing when DynamoDB refuses one item of the transaction', async () => {
    // Prepare: a stray event item where the second event would go (the head says the stream is absent).
    const id = streamId();
    const stray = toEventItem({
      streamId: id,
      version: 2,
      position: 999_999,
      eventId: 'stray',
      type: 'Stray',
      data: {},
      metadata: null,
      createdAt: new Date().toISOString(),
    });
    await probe.doc.send(new PutCommand({ TableName: db.tables.eventsTable, Item: { ...stray } }));
    const counter = await probe.counter();

    // Act
    const error = await db.store
      .appendToStream(id, events(3), { expectedVersion: 'no_stream' })
      .catch((e) => e);

    // Assess
    expect(error).toBeInstanceOf(WrongExpectedVersionError);
    expect((error as WrongExpectedVersionError).actualVersion).toBe(2);
    expect(await probe.streamItems(id)).toEqual([stray]);
    expect(await probe.counter()).toBe(counter);
  });
});
