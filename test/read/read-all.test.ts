import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../src/errors.js';
import { EventStore } from '../../src/event-store.js';
import { buildIndexQuery } from '../../src/read/read-all.js';
import type { NewEvent, RecordedEvent } from '../../src/types.js';
import { streamId, testClient, useTestStore } from '../support/dynamodb.js';
import { recordQueries } from '../support/sdk-spy.js';

// Tests in this file run one after another on one table: each reads from the
// first position it appended, so earlier tests' events stay out of the way.
// Strict mode: these tests pin its promises (contiguous positions, an untouched counter on failure).
const db = useTestStore('read-all', { positionMode: 'strict' });

const collect = async (events: AsyncIterable<RecordedEvent>): Promise<RecordedEvent[]> => {
  const out: RecordedEvent[] = [];
  for await (const event of events) out.push(event);
  return out;
};

const event = (type: string, i: number): NewEvent => ({ type, data: { i } });

/** Appends each [streamId, events] in turn and returns everything recorded, in commit order. */
async function appendInTurn(appends: [string, NewEvent[]][]): Promise<RecordedEvent[]> {
  const recorded: RecordedEvent[] = [];
  for (const [id, events] of appends) {
    recorded.push(...(await db.store.appendToStream(id, events)).events);
  }
  return recorded;
}

const firstPosition = (recorded: RecordedEvent[]): number => recorded[0]?.position ?? 0;

describe('readAll', () => {
  it('returns every event of every stream in position order', async () => {
    // Prepare
    const [a, b] = [streamId('order'), streamId('order')];
    const recorded = await appendInTurn([
      [a, [event('Opened', 1), event('Renamed', 2)]],
      [b, [event('Opened', 3)]],
      [a, [event('Closed', 4)]],
    ]);

    // Act
    const read = await collect(db.store.readAll({ fromPosition: firstPosition(recorded) }));

    // Assess
    expect(read).toEqual(recorded);
    const first = firstPosition(recorded);
    expect(read.map((e) => e.position)).toEqual([first, first + 1, first + 2, first + 3]);
  });

  it('starts at fromPosition and stops after maxCount', async () => {
    const recorded = await appendInTurn([[streamId(), [1, 2, 3, 4, 5].map((i) => event('E', i))]]);
    const { store: spied, queries, client } = spiedStore();

    const read = await collect(
      spied.readAll({ fromPosition: firstPosition(recorded) + 1, maxCount: 3 }),
    );

    expect(read).toEqual(recorded.slice(1, 4));
    // Without filters the Query asks for no more than maxCount.
    expect(queries.map((q) => [q.input.Limit, q.items])).toEqual([[3, 3]]);
    client.destroy();
  });

  it('filters by eventTypes and streamPrefix, and counts maxCount after filtering', async () => {
    const [cart, order] = [streamId('cart'), streamId('order')];
    const recorded = await appendInTurn([
      [cart, [event('ItemAdded', 1), event('ItemRemoved', 2)]],
      [order, [event('ItemAdded', 3)]],
      [cart, [event('ItemAdded', 4), event('CheckedOut', 5), event('ItemAdded', 6)]],
    ]);
    const from = firstPosition(recorded);
    const pick = (...indexes: number[]) => indexes.map((i) => recorded[i]);

    const byType = await collect(
      db.store.readAll({ fromPosition: from, eventTypes: ['ItemAdded'] }),
    );
    const byPrefix = await collect(db.store.readAll({ fromPosition: from, streamPrefix: cart }));
    const both = await collect(
      db.store.readAll({ fromPosition: from, eventTypes: ['ItemAdded'], streamPrefix: 'cart-' }),
    );
    const limited = await collect(
      db.store.readAll({
        fromPosition: from,
        eventTypes: ['ItemAdded', 'CheckedOut'],
        maxCount: 3,
      }),
    );

    expect(byType).toEqual(pick(0, 2, 3, 5));
    expect(byPrefix).toEqual(pick(0, 1, 3, 4, 5));
    expect(both).toEqual(pick(0, 3, 5));
    expect(limited).toEqual(pick(0, 2, 3));
  });

  it('crosses a position page boundary without losing or repeating a position', async () => {
    // Prepare: 11 appends of 98 are 1078 positions, so they span PAGE#0 and PAGE#1.
    const id = streamId('many');
    const batches: [string, NewEvent[]][] = Array.from({ length: 11 }, (_, b) => [
      id,
      Array.from({ length: 98 }, (_, i) => event('E', b * 98 + i)),
    ]);
    const recorded = await appendInTurn(batches);
    const from = firstPosition(recorded);
    const { store: spied, queries, client } = spiedStore();

    // Act
    const read = await collect(spied.readAll({ fromPosition: from }));

    // Assess
    expect(read).toEqual(recorded);
    expect(read.map((e) => e.position)).toEqual(Array.from({ length: 1078 }, (_, i) => from + i));
    const pages = queries.map(
      (q) => (q.input.ExpressionAttributeValues as { ':page': string })[':page'],
    );
    expect(new Set(pages)).toEqual(new Set(['PAGE#0', 'PAGE#1']));
    client.destroy();
  });

  it('ends at the last committed position with one Query and no waiting', async () => {
    const recorded = await appendInTurn([[streamId(), [event('E', 1), event('E', 2)]]]);
    const { store: spied, queries, client } = spiedStore();

    const started = Date.now();
    const read = await collect(spied.readAll({ fromPosition: firstPosition(recorded) }));

    expect(read).toEqual(recorded);
    expect(queries).toHaveLength(1);
    // No wait for the 5 s allStreamMaxWaitMs (the margin is for a loaded machine).
    expect(Date.now() - started).toBeLessThan(4000);
    client.destroy();
  });

  it('returns nothing from a position past the end', async () => {
    const read = await collect(db.store.readAll({ fromPosition: 1_000_000 }));

    expect(read).toEqual([]);
  });

  it.each([
    { options: { fromPosition: 0 }, field: 'options.fromPosition' },
    { options: { maxCount: -1 }, field: 'options.maxCount' },
    { options: { eventTypes: [''] }, field: 'options.eventTypes[0]' },
    { options: { eventTypes: [] }, field: 'options.eventTypes' },
    { options: { streamPrefix: 7 }, field: 'options.streamPrefix' },
  ])('throws ValidationError on $field at the call, before any read', ({ options, field }) => {
    const read = () => db.store.readAll(options as never);

    expect(read).toThrow(ValidationError);
    expect(read).toThrow(expect.objectContaining({ code: 'ValidationError', field }));
  });
});

describe('buildIndexQuery', () => {
  it('queries one index partition from the position, without a filter', () => {
    const input = buildIndexQuery('events', 'PAGE#2', 2001, 100);

    expect(input).toEqual({
      TableName: 'events',
      IndexName: 'byPosition',
      KeyConditionExpression: '#page = :page AND #position >= :position',
      ExpressionAttributeNames: { '#page': 'positionPage', '#position': 'position' },
      ExpressionAttributeValues: { ':page': 'PAGE#2', ':position': 2001 },
      ScanIndexForward: true,
      Limit: 100,
    });
  });
});

function spiedStore() {
  const client = testClient();
  const spied = new EventStore({ tableName: db.tables.eventsTable, client });
  return { store: spied, queries: recordQueries(client), client };
}
