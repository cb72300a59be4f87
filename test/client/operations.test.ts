import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventStoreClient, StreamNotFoundError } from '../../client/index.js';
import type { RecordedEvent } from '../../src/types.js';
import { type ApiRuntime, startApiRuntime } from '../support/api-runtime.js';
import { streamId } from '../support/dynamodb.js';
import { answerProblems } from '../support/openapi.js';

// The client against the local runtime; every answer it gets is also checked against the OpenAPI document.
let api: ApiRuntime;
let client: EventStoreClient;
const sent: { method: string; url: string }[] = [];
const problems: string[] = [];

const checkedFetch: typeof fetch = async (input, init) => {
  const url = String(input);
  const method = init?.method ?? 'GET';
  sent.push({ method, url });
  const response = await fetch(input, init);
  const text = await response.clone().text();
  problems.push(
    ...answerProblems(method, url, response.status, text ? JSON.parse(text) : undefined),
  );
  return response;
};

beforeAll(async () => {
  api = await startApiRuntime('client-ops');
  client = new EventStoreClient({ url: api.runtime.url, fetch: checkedFetch });
});

afterAll(async () => {
  await api.stop();
  expect(problems).toEqual([]);
});

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

const events = (...types: string[]) => types.map((type, i) => ({ type, data: { i } }));

describe('streams', () => {
  it('appends, then reads the stream forwards and backwards a page at a time', async () => {
    // Prepare
    const id = streamId('order');

    // Act
    const appended = await client.appendToStream(id, events('A', 'B', 'C', 'D', 'E'), {
      expectedVersion: 'no_stream',
    });
    const forwards = await collect(client.readStream(id, { pageSize: 2 }));
    const backwards = await collect(client.readStream(id, { direction: 'backwards', pageSize: 2 }));
    const some = await collect(client.readStream(id, { fromVersion: 2, maxCount: 3, pageSize: 2 }));
    const page = await client.readStreamPage(id, { limit: 2 });

    // Assess
    const stored = await collect(api.store.readStream(id));
    expect(appended).toEqual({
      streamId: id,
      nextExpectedVersion: 5,
      firstPosition: stored[0]?.position,
      lastPosition: stored[4]?.position,
      eventIds: stored.map((e) => e.eventId),
    });
    expect(forwards).toEqual(stored);
    expect(backwards).toEqual([...stored].reverse());
    expect(some).toEqual(stored.slice(1, 4));
    expect(page).toEqual({ events: stored.slice(0, 2), nextVersion: 3 });
  });

  it("reads the head, version, existence and snapshot, and an absent stream's as absent", async () => {
    // Prepare
    const id = streamId('cart');
    const absent = streamId('absent');
    await client.appendToStream(id, events('Added', 'Added'));
    await api.store.saveSnapshot({ streamId: id, version: 2, state: { items: 2 } });

    // Act
    const found = {
      head: await client.getStreamHead(id),
      version: await client.getStreamVersion(id),
      exists: await client.streamExists(id),
      snapshot: await client.getSnapshot(id),
    };
    const missing = {
      head: await client.getStreamHead(absent),
      version: await client.getStreamVersion(absent),
      exists: await client.streamExists(absent),
      snapshot: await client.getSnapshot(absent),
    };

    // Assess
    expect(found).toEqual({
      head: await api.store.getStreamHead(id),
      version: 2,
      exists: true,
      snapshot: { streamId: id, version: 2, state: { items: 2 }, createdAt: expect.any(String) },
    });
    expect(missing).toEqual({
      head: undefined,
      version: 0,
      exists: false,
      snapshot: undefined,
    });
    // As with the SDK, reading the events of an absent stream is an error.
    await expect(collect(client.readStream(absent))).rejects.toThrow(StreamNotFoundError);
  });

  it.each([
    ['slashes', 'order/2026/42', 'path'],
    ['a percent escape', 'a%41b', 'path'],
    ['spaces and non-ASCII', 'café 注文', 'path'],
    ["a '?'", 'a?b', 'query'],
    ["a '#'", 'a#b', 'query'],
    ['a leading slash', '/lead', 'query'],
    ['a trailing slash', 'trail/', 'query'],
    ['a double slash', 'a//b', 'query'],
    ["a '.' segment", 'a/./b', 'query'],
    ["a '..' segment", 'a/../b', 'query'],
    ["a name ending in '/events'", 'x/events', 'path'],
    ["a name ending in '/snapshot'", 'x/snapshot', 'path'],
  ])(
    'reaches a stream id with %s, choosing the path or the query by itself',
    async (_case, name, appendForm) => {
      // Prepare
      const id = name.startsWith('/') ? `${name}-${streamId('odd')}` : `${streamId('odd')}-${name}`;
      sent.length = 0;

      // Act
      await client.appendToStream(id, events('A', 'B'));
      const read = await collect(client.readStream(id));
      const head = await client.getStreamHead(id);
      await api.store.saveSnapshot({ streamId: id, version: 1, state: 1 });
      const snapshot = await client.getSnapshot(id);

      // Assess
      expect(read).toEqual(await collect(api.store.readStream(id)));
      expect(head?.version).toBe(2);
      expect(snapshot).toMatchObject({ streamId: id, version: 1, state: 1 });
      const appendUrl = new URL(sent[0]?.url ?? '');
      expect(appendUrl.pathname.startsWith('/stream/') ? 'query' : 'path').toBe(appendForm);
      // The head of an id ending in a route's own suffix takes the query form.
      const headUrl = new URL(sent[2]?.url ?? '');
      expect(headUrl.pathname === '/stream').toBe(
        appendForm === 'query' || /\/(events|snapshot)$/.test(id),
      );
    },
  );
});

describe('$all', () => {
  it('reads $all a page at a time, filtered by type and stream prefix', async () => {
    // Prepare
    const prefix = streamId('all');
    const first = await client.appendToStream(`${prefix}-1`, events('In', 'Out', 'In'));
    await client.appendToStream(`${prefix}-2`, events('In', 'Out'));
    await client.appendToStream(streamId('elsewhere'), events('In'));

    // Act
    const filtered = await collect(
      client.readAll({
        fromPosition: first.firstPosition ?? 1,
        eventTypes: ['In'],
        streamPrefix: prefix,
        pageSize: 1,
      }),
    );
    const all = await collect(
      client.readAll({ fromPosition: first.firstPosition ?? 1, streamPrefix: prefix }),
    );
    const page = await client.readAllPage({
      fromPosition: first.firstPosition ?? 1,
      limit: 2,
      streamPrefix: prefix,
    });

    // Assess
    const stored: RecordedEvent[] = await collect(
      api.store.readAll({ fromPosition: first.firstPosition ?? 1, streamPrefix: prefix }),
    );
    expect(all).toEqual(stored);
    expect(filtered).toEqual(stored.filter((e) => e.type === 'In'));
    expect(page).toEqual({ events: stored.slice(0, 2), nextPosition: stored[2]?.position });
  });
});

describe('projections and aggregates', () => {
  it('gets and lists read-model documents, with any key', async () => {
    // Prepare
    const base = streamId('doc');
    const keys = [`${base}-a`, `${base}-b/?x`, `${base}-c`];
    for (const [i, key] of keys.entries()) {
      await api.projections.putDocument(
        {
          projection: 'counters',
          key,
          state: { count: i },
          streams: { [key]: i },
          revision: 1,
          updatedAt: new Date().toISOString(),
        },
        undefined,
      );
    }

    // Act
    const got = await Promise.all(keys.map((key) => client.projections.get('counters', key)));
    const absent = await client.projections.get('counters', `${base}-none`);
    const pages = [];
    let cursor: string | undefined;
    do {
      const page = await client.projections.list('counters', {
        limit: 2,
        ...(cursor && { cursor }),
      });
      pages.push(...page.documents);
      cursor = page.cursor;
    } while (cursor);

    // Assess
    const stored = await Promise.all(keys.map((key) => api.projections.get('counters', key)));
    expect(got).toEqual(stored);
    expect(absent).toBeUndefined();
    expect(pages.filter((d) => d.key.startsWith(base))).toEqual(stored);
  });

  it('folds a stream into a state, up to a version when asked', async () => {
    // Prepare
    const id = streamId('account');
    await client.appendToStream(id, [
      { type: 'Deposited', data: { amount: 5 } },
      { type: 'Deposited', data: { amount: 7 } },
      { type: 'Withdrawn', data: { amount: 2 } },
    ]);
    const evolve = (balance: number, event: RecordedEvent) =>
      balance + (event.data as { amount: number }).amount * (event.type === 'Withdrawn' ? -1 : 1);

    // Act
    const whole = await client.aggregateStream(id, { initialState: () => 0, evolve });
    const upTo2 = await client.aggregateStream(id, { initialState: () => 0, evolve, toVersion: 2 });

    // Assess
    expect(whole).toEqual({ state: 10, version: 3, eventsRead: 3, fromSnapshotVersion: undefined });
    expect(upTo2).toEqual({ state: 12, version: 2, eventsRead: 2, fromSnapshotVersion: undefined });
  });
});
