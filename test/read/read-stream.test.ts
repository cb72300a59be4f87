import { describe, expect, it } from 'vitest';
import { StreamNotFoundError, ValidationError } from '../../src/errors.js';
import { EventStore } from '../../src/event-store.js';
import { buildReadStreamQuery } from '../../src/read/read-stream.js';
import type { NewEvent, RecordedEvent } from '../../src/types.js';
import { streamId, testClient, useTestStore } from '../support/dynamodb.js';
import { recordQueries } from '../support/sdk-spy.js';

const db = useTestStore('read-stream');

const collect = async (events: AsyncIterable<RecordedEvent>): Promise<RecordedEvent[]> => {
  const out: RecordedEvent[] = [];
  for await (const event of events) out.push(event);
  return out;
};

const numbered = (count: number, data: (i: number) => unknown = (i) => ({ i })): NewEvent[] =>
  Array.from({ length: count }, (_, i) => ({ type: 'Numbered', data: data(i + 1) }));

/** Appends in batches of at most 98 (one transaction each) and returns what was recorded. */
async function appendMany(id: string, events: NewEvent[]): Promise<RecordedEvent[]> {
  const recorded: RecordedEvent[] = [];
  for (let i = 0; i < events.length; i += 98) {
    const result = await db.store.appendToStream(id, events.slice(i, i + 98));
    recorded.push(...result.events);
  }
  return recorded;
}

/**
 * Streams that tests only read are appended once and shared: appends are the
 * slow part of these tests.
 */
const shared = new Map<number, Promise<{ id: string; recorded: RecordedEvent[] }>>();
function sharedStream(length: number): Promise<{ id: string; recorded: RecordedEvent[] }> {
  let stream = shared.get(length);
  if (!stream) {
    const id = streamId('shared');
    stream = appendMany(id, numbered(length)).then((recorded) => ({ id, recorded }));
    shared.set(length, stream);
  }
  return stream;
}

/** A store on its own client, so the middleware a test adds stays in that test. */
function spiedStore(readPageSize?: number) {
  const client = testClient();
  const spied = new EventStore({ tableName: db.tables.eventsTable, client, readPageSize });
  return { store: spied, queries: recordQueries(client), client };
}

describe('readStream', () => {
  it('reads every event forwards in version order, exactly as recorded', async () => {
    // Prepare
    const { id, recorded } = await sharedStream(6);

    // Act
    const read = await collect(db.store.readStream(id));

    // Assess
    expect(read).toEqual(recorded);
    expect(read.map((e) => e.version)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('reads backwards from the last version by default', async () => {
    const { id, recorded } = await sharedStream(6);

    const read = await collect(db.store.readStream(id, { direction: 'backwards' }));

    expect(read).toEqual([...recorded].reverse());
  });

  it.each([
    { options: { fromVersion: 3 }, versions: [3, 4, 5, 6] },
    { options: { fromVersion: 3, maxCount: 2 }, versions: [3, 4] },
    { options: { maxCount: 2 }, versions: [1, 2] },
    { options: { direction: 'backwards', fromVersion: 3 }, versions: [3, 2, 1] },
    { options: { direction: 'backwards', maxCount: 2 }, versions: [6, 5] },
    { options: { direction: 'backwards', fromVersion: 4, maxCount: 3 }, versions: [4, 3, 2] },
    { options: { direction: 'backwards', fromVersion: 100 }, versions: [6, 5, 4, 3, 2, 1] },
    { options: { fromVersion: 7 }, versions: [] },
  ] as const)('reads versions $versions with $options', async ({ options, versions }) => {
    const { id, recorded } = await sharedStream(6);

    const read = await collect(db.store.readStream(id, options));

    expect(read).toEqual(versions.map((v) => recorded[v - 1]));
  });

  it('rejects with StreamNotFoundError when the stream does not exist', async () => {
    const id = streamId();

    const reading = collect(db.store.readStream(id));

    await expect(reading).rejects.toThrow(StreamNotFoundError);
    await expect(reading).rejects.toMatchObject({ code: 'StreamNotFound', streamId: id });
  });

  it('pages across DynamoDB 1 MB query pages', async () => {
    // Prepare: 60 events of ~30 KB are ~1.8 MB, more than one page can carry.
    const id = streamId();
    const recorded = await appendMany(
      id,
      numbered(60, (i) => ({ i, blob: String(i % 10).repeat(30_000) })),
    );
    const { store: spied, queries, client } = spiedStore();

    // Act
    const forwards = await collect(spied.readStream(id));
    const forwardQueries = queries.length;
    const backwards = await collect(spied.readStream(id, { direction: 'backwards' }));

    // Assess
    expect(forwards).toEqual(recorded);
    expect(backwards).toEqual([...recorded].reverse());
    expect(forwardQueries).toBeGreaterThan(1);
    expect(queries.length - forwardQueries).toBeGreaterThan(1);
    expect(queries.reduce((sum, q) => sum + q.items, 0)).toBe(120);
    client.destroy();
  });

  it('pages by readPageSize, one Query per page', async () => {
    const { id, recorded } = await sharedStream(10);
    const { store: spied, queries, client } = spiedStore(3);

    const read = await collect(spied.readStream(id));

    expect(read).toEqual(recorded);
    expect(queries.map((q) => [q.input.Limit, q.items])).toEqual([
      [3, 3],
      [3, 3],
      [3, 3],
      [3, 1],
    ]);
    client.destroy();
  });

  it('sends nothing before the first next() and one small Query for the first 5 events', async () => {
    const { id, recorded } = await sharedStream(196);
    const { store: spied, queries, client } = spiedStore();

    const events = spied.readStream(id, { maxCount: 5 });
    const sentBeforeIteration = queries.length;
    const read = await collect(events);

    expect(sentBeforeIteration).toBe(0);
    expect(read).toEqual(recorded.slice(0, 5));
    expect(queries.map((q) => [q.input.Limit, q.items])).toEqual([[5, 5]]);
    client.destroy();
  });

  it('stops querying when the consumer stops reading', async () => {
    const { id, recorded } = await sharedStream(196);
    const { store: spied, queries, client } = spiedStore(50);

    const read: RecordedEvent[] = [];
    for await (const event of spied.readStream(id)) {
      read.push(event);
      if (read.length === 5) break;
    }

    expect(read).toEqual(recorded.slice(0, 5));
    expect(queries.map((q) => [q.input.Limit, q.items])).toEqual([[50, 50]]);
    client.destroy();
  });

  it.each([
    { id: '', options: {}, field: 'streamId' },
    { id: 'a\u0000b', options: {}, field: 'streamId' },
    { id: 'ok', options: { fromVersion: 0 }, field: 'options.fromVersion' },
    { id: 'ok', options: { maxCount: 1.5 }, field: 'options.maxCount' },
    { id: 'ok', options: { direction: 'sideways' }, field: 'options.direction' },
  ])('throws ValidationError on $field at the call, before any read', ({ id, options, field }) => {
    const read = () => db.store.readStream(id, options as never);

    expect(read).toThrow(ValidationError);
    expect(read).toThrow(expect.objectContaining({ code: 'ValidationError', field }));
  });
});

describe('buildReadStreamQuery', () => {
  it('builds a consistent, descending Query bounded to the version keys', () => {
    const plan = {
      streamId: 's-1',
      direction: 'backwards',
      fromVersion: 7,
      maxCount: undefined,
    } as const;

    const input = buildReadStreamQuery('events', plan, 25);

    expect(input).toEqual({
      TableName: 'events',
      KeyConditionExpression: '#pk = :pk AND #sk BETWEEN :low AND :high',
      ExpressionAttributeNames: { '#pk': 'PK', '#sk': 'SK' },
      ExpressionAttributeValues: {
        ':pk': 'STREAM#s-1',
        ':low': 'VERSION#000000000001',
        ':high': 'VERSION#000000000007',
      },
      ScanIndexForward: false,
      ConsistentRead: true,
      Limit: 25,
    });
  });
});
