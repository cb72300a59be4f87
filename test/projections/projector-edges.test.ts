import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { describe, expect, it } from 'vitest';
import { EventStore } from '../../src/event-store.js';
import { defineProjection } from '../../src/projections/define.js';
import {
  buildDocumentPut,
  streamVersions,
  toProjectionDocument,
} from '../../src/projections/documents.js';
import { ProjectionStore } from '../../src/projections/projection-store.js';
import { Projector } from '../../src/projections/projector.js';
import { Limits } from '../../src/table.js';
import type { RecordedEvent } from '../../src/types.js';
import { streamId, testClient, useTestStore } from '../support/dynamodb.js';
import { projectorOn } from '../support/projections.js';
import { recordQueries } from '../support/sdk-spy.js';

const db = useTestStore('projector-edges');

let runs = 0;
/** A fresh projection name per test keeps their documents apart. */
function countingProjection(key: (event: RecordedEvent) => string | undefined) {
  runs += 1;
  return defineProjection<{ count: number; seen: number[] }>({
    name: `counting-${runs}`,
    eventTypes: ['Counted'],
    key,
    initialState: () => ({ count: 0, seen: [] }),
    evolve: (state, event) => ({ count: state.count + 1, seen: [...state.seen, event.version] }),
  });
}

async function appendCounted(id: string, n: number): Promise<RecordedEvent[]> {
  const all: RecordedEvent[] = [];
  for (let from = 0; from < n; from += 98) {
    const batch = Array.from({ length: Math.min(98, n - from) }, () => ({
      type: 'Counted',
      data: {},
    }));
    all.push(...(await db.store.appendToStream(id, batch)).events);
  }
  return all;
}

describe('Projector.apply with keys no document can have', () => {
  it.each([
    ['empty', ''],
    ['over the 1024-byte sort key limit', 'k'.repeat(Limits.sortKeyBytes + 1)],
    ['of 1025 bytes in 2-byte characters', 'é'.repeat(513)],
    ['a number', 42],
    ['null', null],
  ])(
    'skips and reports an event whose key is %s, and applies the rest of the batch',
    async (_, bad) => {
      // Prepare
      const id = streamId('keys');
      const [first, second] = await appendCounted(id, 2);
      const projection = countingProjection((event) =>
        event.version === 1 ? (bad as string) : 'good',
      );
      const { projector, documents } = projectorOn(db, [projection]);

      // Act
      const result = await projector.apply([first!, second!]);

      // Assess
      expect(result.failures).toEqual([]);
      expect(result).toEqual({
        eventsApplied: 1,
        documentsWritten: 1,
        failures: [],
        skipped: [
          { index: 0, event: first, projection: projection.name, reason: expect.any(String) },
        ],
      });
      expect((await documents.get(projection.name, 'good'))?.state).toEqual({
        count: 1,
        seen: [2],
      });
    },
  );

  it('takes a key of exactly 1024 bytes', async () => {
    const id = streamId('keys');
    const [event] = await appendCounted(id, 1);
    const key = 'é'.repeat(512);
    const projection = countingProjection(() => key);
    const { projector, documents } = projectorOn(db, [projection]);

    const result = await projector.apply([event!]);

    expect(result.skipped).toEqual([]);
    expect((await documents.get(projection.name, key))?.state).toEqual({ count: 1, seen: [1] });
  });
});

describe('Projector.apply on streams named like Object.prototype members', () => {
  it.each(['__proto__', 'constructor', 'toString', 'hasOwnProperty'])(
    "records stream '%s' in the version map, so a duplicate is not applied again",
    async (name) => {
      // Prepare: a fresh table per name would be slow; the stream is fresh per projection instead
      const projection = countingProjection(() => 'only');
      const { projector, documents } = projectorOn(db, [projection]);
      const existing = await db.store.getStreamVersion(name);
      const [event] = await appendCounted(name, 1);

      // Act
      await projector.apply([event!]);
      const again = await projector.apply([event!]);

      // Assess
      const document = await documents.get<{ count: number }>(projection.name, 'only');
      expect(again.failures).toEqual([]);
      expect(document?.state.count).toBe(existing + 1);
      expect(Object.entries(document?.streams ?? {})).toEqual([[name, existing + 1]]);
      expect(again).toEqual({ eventsApplied: 0, documentsWritten: 0, failures: [], skipped: [] });
    },
  );

  it('keeps a __proto__ entry through the stored item and the SDK marshalling', () => {
    const streams = streamVersions();
    const proto = '__proto__'; // a stream id; on this map an own entry, not the prototype setter
    streams[proto] = 7;
    streams.a = 1;
    const put = buildDocumentPut(
      'table',
      { projection: 'p', key: 'k', state: {}, streams, revision: 1, updatedAt: 'now' },
      undefined,
      'etag',
    );

    const item = unmarshall(marshall(put.Item as Record<string, unknown>));
    const back = toProjectionDocument('p', item).streams;

    expect(Object.getPrototypeOf(back)).toBeNull();
    expect(Object.entries(back)).toEqual([
      ['__proto__', 7],
      ['a', 1],
    ]);
  });

  it('reads the version map of a document stored before it became JSON text', () => {
    const item = { SK: 'k', state: '{}', streams: { 'a-1': 3 }, revision: 2, updatedAt: 'then' };

    expect(Object.entries(toProjectionDocument('p', item).streams)).toEqual([['a-1', 3]]);
  });
});

describe('Projector.apply filling a long gap', () => {
  it('folds the gap while it reads it, a page at a time', async () => {
    // Prepare: a store reading pages of 10 on a client of its own, whose Queries are counted
    const id = streamId('gap');
    const events = await appendCounted(id, 50);
    const client = testClient();
    const queries = recordQueries(client);
    const store = new EventStore({ tableName: db.tables.eventsTable, client, readPageSize: 10 });
    const projection = countingProjection(() => 'gap');
    let queriesAtFirstFold: number | undefined;
    const watched = {
      ...projection,
      evolve: (state: { count: number; seen: number[] }, event: RecordedEvent) => {
        queriesAtFirstFold ??= queries.length;
        return projection.evolve(state, event);
      },
    };
    const projector = new Projector({
      store,
      projectionStore: new ProjectionStore({ tableName: db.tables.readModelTable, client }),
      projections: [watched],
    });

    // Act: only the last event arrives; versions 1..49 are a gap
    const result = await projector.apply([events.at(-1)!]);
    client.destroy();

    // Assess: the first event was folded after one page was read, not after all five
    expect(queriesAtFirstFold).toBe(1);
    expect(queries.length).toBe(5);
    expect(result).toEqual({ eventsApplied: 50, documentsWritten: 1, failures: [], skipped: [] });
  });

  it('writes its progress every gapSaveEvery events, so a fill cut short resumes where it was', async () => {
    // Prepare: the first reading of the gap dies after version 7 (a timeout, a throttled read);
    // progress is saved every 3 events
    const id = streamId('gap');
    const events = await appendCounted(id, 10);
    const projection = countingProjection(() => 'resume');
    const store = new EventStore({ tableName: db.tables.eventsTable, client: db.client });
    const read = store.readStream.bind(store);
    let cutShort = true;
    store.readStream = (stream, options) => ({
      async *[Symbol.asyncIterator]() {
        for await (const event of read(stream, options)) {
          if (cutShort && event.version === 8) {
            cutShort = false;
            throw new Error('read timed out');
          }
          yield event;
        }
      },
    });
    const documents = new ProjectionStore({
      tableName: db.tables.readModelTable,
      client: db.client,
    });
    const projector = new Projector({
      store,
      projectionStore: documents,
      projections: [projection],
      gapSaveEvery: 3,
    });
    const last = events.at(-1)!;

    // Act
    const first = await projector.apply([last]);
    const afterFailure = await documents.get<{ count: number; seen: number[] }>(
      projection.name,
      'resume',
    );
    const retried = await projector.apply([last]);

    // Assess
    expect(first.failures.map((f) => String(f.error))).toEqual(['Error: read timed out']);
    expect(afterFailure?.state.seen).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(afterFailure?.streams).toEqual({ [id]: 7 });
    expect(first.documentsWritten).toBe(3);
    expect((await documents.get(projection.name, 'resume'))?.state).toEqual({
      count: 10,
      seen: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
    });
    expect(retried).toEqual({ eventsApplied: 3, documentsWritten: 1, failures: [], skipped: [] });
  });
});
