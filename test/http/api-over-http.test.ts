import { DeleteTableCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiHandlerWith } from '../../lambdas/api/create-api-handler.js';
import { createApiLogger, RecordedMetrics } from '../../lambdas/api/observability.js';
import { startHttpServer } from '../../local/http-server.js';
import { type LocalRuntime, startLocalRuntime } from '../../local/runtime.js';
import { EventStore } from '../../src/event-store.js';
import type { RecordedEvent } from '../../src/types.js';
import { placed, streamId, testClient, testEndpoint, uniqueName } from '../support/dynamodb.js';
import { storeFailingWith } from '../support/failing-store.js';

// The local runtime on the run's DynamoDB Local, driven with fetch like any client.
let runtime: LocalRuntime;
let store: EventStore;
const client = testClient();

beforeAll(async () => {
  runtime = await startLocalRuntime({
    port: 0,
    endpoint: testEndpoint(),
    eventsTable: uniqueName('http-events'),
    readModelTable: uniqueName('http-readmodels'),
    logLevel: 'SILENT',
  });
  store = new EventStore({ tableName: runtime.eventsTable, client });
});

afterAll(async () => {
  await runtime.stop();
  await client.send(new DeleteTableCommand({ TableName: runtime.eventsTable }));
  await client.send(new DeleteTableCommand({ TableName: runtime.snapshotTable }));
  await client.send(new DeleteTableCommand({ TableName: runtime.readModelTable }));
  client.destroy();
});

async function call(method: string, path: string, body?: unknown) {
  // fetch labels a string body text/plain, which the local server refuses as a web page's write.
  const response = await fetch(`${runtime.url}${path}`, {
    method,
    ...(body !== undefined && {
      body: typeof body === 'string' ? body : JSON.stringify(body),
      headers: { 'content-type': 'application/json' },
    }),
  });
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    body: text ? JSON.parse(text) : null,
  };
}

const events = (...types: string[]) => types.map((type, i) => ({ type, data: { i } }));
const path = (id: string, rest = '') => `/streams/${encodeURIComponent(id)}${rest}`;

describe('routes', () => {
  it('appends, then reads the stream in pages forwards and backwards', async () => {
    // Prepare
    const id = streamId('order');

    // Act
    const appended = await call('POST', path(id, '/events'), { events: events('A', 'B', 'C') });
    const first = await call('GET', path(id, '/events?limit=2'));
    const rest = await call(
      'GET',
      path(id, `/events?limit=2&fromVersion=${first.body.nextVersion}`),
    );
    const backwards = await call('GET', path(id, '/events?direction=backwards&limit=2'));

    // Assess
    const { firstPosition } = appended.body;
    expect(appended).toMatchObject({
      status: 201,
      body: {
        streamId: id,
        nextExpectedVersion: 3,
        firstPosition,
        lastPosition: firstPosition + 2,
      },
    });
    const recorded = await collect(store.readStream(id));
    expect(first.body).toEqual({ events: recorded.slice(0, 2), nextVersion: 3 });
    expect(rest.body).toEqual({ events: recorded.slice(2), nextVersion: null });
    expect(backwards.body).toEqual({ events: [recorded[2], recorded[1]], nextVersion: 1 });
  });

  it('reads the stream head, the snapshot and $all in pages', async () => {
    // Prepare
    const id = streamId('cart');
    const appended = placed(await store.appendToStream(id, events('Added', 'Removed', 'Added')));
    await store.saveSnapshot({ streamId: id, version: 2, state: { items: 0 } });
    const from = appended.firstPosition;

    // Act
    const head = await call('GET', path(id));
    const snapshot = await call('GET', path(id, '/snapshot'));
    const page = await call('GET', `/events?fromPosition=${from}&limit=1&eventType=Added`);
    const next = await call(
      'GET',
      `/events?fromPosition=${page.body.nextPosition}&limit=1&eventType=Added&streamPrefix=${id}`,
    );
    const health = await call('GET', '/health');

    // Assess
    const { createdAt } = appended.events[2] as RecordedEvent;
    expect(head).toMatchObject({
      status: 200,
      body: { streamId: id, version: 3, updatedAt: createdAt },
    });
    expect(snapshot).toEqual(expect.objectContaining({ status: 200 }));
    expect(snapshot.body).toEqual({
      streamId: id,
      version: 2,
      state: { items: 0 },
      createdAt: expect.any(String),
    });
    expect(page.body).toEqual({ events: [appended.events[0]], nextPosition: from + 2 });
    expect(next.body).toEqual({ events: [appended.events[2]], nextPosition: null });
    expect(health).toMatchObject({ status: 200, body: { ok: true } });
  });

  it.each([
    ['a slash', 'order/2026/42'],
    ['unicode', 'café-注文-😀'],
    ['spaces and a percent sign', 'a b%c'],
  ])('keeps a stream id with %s intact through the URL', async (_case, suffix) => {
    // Prepare
    const id = `${streamId()}-${suffix}`;

    // Act
    const appended = await call('POST', path(id, '/events'), { events: events('A') });
    const head = await call('GET', path(id));

    // Assess
    expect(appended.body.streamId).toBe(id);
    expect(head).toMatchObject({ status: 200, body: { streamId: id, version: 1 } });
  });
});

describe('error statuses', () => {
  it.each([
    ['GET', '/streams/{new}/events', 404, 'StreamNotFound'],
    ['GET', '/streams/{new}', 404, 'StreamNotFound'],
    ['GET', '/streams/{new}/snapshot', 404, 'StreamNotFound'],
    ['GET', '/streams/{existing}/snapshot', 404, 'SnapshotNotFound'],
    ['GET', '/no/such/route', 404, 'RouteNotFound'],
    ['DELETE', '/streams/{existing}', 405, 'MethodNotAllowed'],
    ['GET', '/events?limit=5000', 400, 'ValidationError'],
  ])('answers %s %s with %i %s', async (method, template, status, error) => {
    // Prepare
    const existing = streamId();
    placed(await store.appendToStream(existing, events('A')));
    const url = template
      .replace('{new}', encodeURIComponent(streamId()))
      .replace('{existing}', encodeURIComponent(existing));

    // Act
    const response = await call(method, url);

    // Assess
    expect(response).toMatchObject({ status, body: { error, message: expect.any(String) } });
  });

  it('answers 409 with expectedVersion and actualVersion when the stream moved on', async () => {
    // Prepare
    const id = streamId();
    await call('POST', path(id, '/events'), { events: events('A', 'B') });

    // Act
    const response = await call('POST', path(id, '/events'), {
      events: events('C'),
      expectedVersion: 'no_stream',
    });

    // Assess
    expect(response).toEqual({
      status: 409,
      headers: expect.anything(),
      body: {
        error: 'WrongExpectedVersion',
        message: `Stream '${id}' is at version 2, but the append expected no stream (version 0)`,
        expectedVersion: 'no_stream',
        actualVersion: 2,
      },
    });
  });

  it('answers 500 with the request id and nothing of the failure when the store breaks', async () => {
    // Prepare
    const failing = await startHttpServer({
      port: 0,
      handler: apiHandlerWith({
        store: storeFailingWith(store, new Error('socket hang up at 10.1.2.3 (prod-events)')),
        logger: createApiLogger({ logLevel: 'SILENT' }),
        metrics: new RecordedMetrics(),
      }),
    });
    try {
      // Act
      const response = await fetch(`${failing.url}${path(streamId())}`);
      const body = await response.json();

      // Assess
      const requestId = response.headers.get('apigw-requestid');
      expect(response.status).toBe(500);
      expect(body).toEqual({
        error: 'InternalError',
        message: `The request failed on our side; nothing about it is shown here. Quote request id ${requestId} when reporting it`,
        requestId,
      });
    } finally {
      await failing.stop();
    }
  });

  it('answers 400 MalformedJson to a body that is not JSON', async () => {
    // Act
    const response = await call('POST', path(streamId(), '/events'), '{"events": [{"type": "A"');

    // Assess
    expect(response.status).toBe(400);
    expect(response.body.error).toBe('MalformedJson');
  });

  it('answers 413 PayloadTooLarge to a body over 4 MiB, before reading it', async () => {
    // Prepare
    const huge = JSON.stringify({ events: [{ type: 'A', data: 'x'.repeat(4 * 1024 * 1024) }] });

    // Act
    const response = await call('POST', path(streamId(), '/events'), huge);

    // Assess
    expect(response.body).toEqual({
      error: 'PayloadTooLarge',
      message: `body is ${huge.length} bytes; the limit is 4194304 bytes (one append is one DynamoDB transaction of at most 4 MB)`,
    });
    expect(response.status).toBe(413);
  });

  it('answers 413 AppendTooLarge to more events than one transaction can hold', async () => {
    // Act
    const response = await call('POST', path(streamId(), '/events'), {
      events: events(...Array.from({ length: 99 }, () => 'A')),
    });

    // Assess
    expect(response).toMatchObject({
      status: 413,
      body: { error: 'AppendTooLarge', message: 'The append is 99 events; the limit is 98 events' },
    });
  });
});

describe('concurrency', () => {
  it('commits 50 appends in flight at once, each at its own gap-free position', async () => {
    // Prepare
    const ids = Array.from({ length: 50 }, () => streamId('concurrent'));

    // Act
    const responses = await Promise.all(
      ids.map((id) => call('POST', path(id, '/events'), { events: events('Placed') })),
    );

    // Assess
    expect(responses.map((r) => r.status)).toEqual(ids.map(() => 201));
    const positions = responses.map((r) => r.body.firstPosition as number).sort((a, b) => a - b);
    const lowest = positions[0] as number;
    expect(positions).toEqual(ids.map((_, i) => lowest + i));
  });
});

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}
