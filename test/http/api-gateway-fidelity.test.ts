import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accountBalances } from '../../examples/bank-account/src/bank-account.js';
import { type ApiHandler, apiHandlerWith } from '../../lambdas/api/create-api-handler.js';
import { createApiLogger, RecordedMetrics } from '../../lambdas/api/observability.js';
import { type RunningHttpServer, startHttpServer } from '../../local/http-server.js';
import { ProjectionStore } from '../../src/projections/projection-store.js';
import { Projector } from '../../src/projections/projector.js';
import { functionUrlEvent, httpApiEvent, type SentRequest } from '../support/api-gateway.js';
import { streamId, useTestStore } from '../support/dynamodb.js';

// Every route, three ways, one set of expectations: through the local HTTP
// server (fetch, as a client), and straight into the handler with the event
// an HTTP API builds (rawPath decoded) and the one a Function URL builds
// (rawPath encoded). A behaviour that passes here locally passes deployed.
const db = useTestStore('api-fidelity');
let handler: ApiHandler;
let server: RunningHttpServer;
let projector: Projector;

beforeAll(async () => {
  const projections = new ProjectionStore({
    tableName: db.tables.readModelTable,
    client: db.client,
  });
  handler = apiHandlerWith({
    store: db.store,
    projections,
    logger: createApiLogger({ logLevel: 'SILENT' }),
    metrics: new RecordedMetrics(),
  });
  server = await startHttpServer({ port: 0, handler: (event) => handler(event) });
  projector = new Projector({
    store: db.store,
    projectionStore: projections,
    projections: [accountBalances],
  });
});

afterAll(async () => {
  await server.stop();
});

interface Reply {
  status: number;
  body: unknown;
}

type Transport = (request: SentRequest) => Promise<Reply>;

const transports: [string, Transport][] = [
  [
    'the local server',
    async ({ method, target, body }) => {
      const response = await fetch(`${server.url}${target}`, {
        method,
        ...(body !== undefined && { body, headers: { 'content-type': 'application/json' } }),
      });
      return { status: response.status, body: await response.json() };
    },
  ],
  [
    'an HTTP API event (decoded rawPath)',
    async (request) => {
      const result = await handler(httpApiEvent(request));
      return { status: result.statusCode, body: JSON.parse(result.body ?? 'null') };
    },
  ],
  [
    'a Function URL event (encoded rawPath)',
    async (request) => {
      const result = await handler(functionUrlEvent(request));
      return { status: result.statusCode, body: JSON.parse(result.body ?? 'null') };
    },
  ],
];

const enc = encodeURIComponent;
const appendBody = (type: string) => JSON.stringify({ events: [{ type, data: { type } }] });

// Ids the path carries: everything between /streams/ and the route's last segment.
const pathIds = [
  ['a slash', 'order/2026/42'],
  ['a percent escape that must not be decoded twice', 'a%41'],
  ['a lone percent sign', '100%'],
  ['an encoded slash, literally', 'x%2Fy'],
  ['unicode and spaces', 'café 注文 😀'],
  ['sub-delimiters', "a+b;c=d:e@f!$&'()*,"],
  ['a tail that looks like a route', 'x/events'],
  ['another such tail', 'x/snapshot/events'],
];

// Ids only the query string carries (/stream…?streamId=).
const queryOnlyIds = [
  ['a question mark', 'a?b'],
  ['a hash', 'a#b'],
  ['a trailing slash', 'trail/'],
  ['a leading slash', '/lead'],
  ['an empty segment', 'a//b'],
  ['a dot segment', 'a/../b'],
  ['a single dot', '.'],
];

describe.each(transports)('through %s', (_name, send) => {
  it.each(pathIds)(
    'appends to and reads a stream whose id has %s, with the id in the path',
    async (_case, suffix) => {
      // Prepare
      const id = `${streamId()}-${suffix}`;

      // Act
      const appended = await send({
        method: 'POST',
        target: `/streams/${enc(id)}/events`,
        body: appendBody('A'),
      });
      const read = await send({ method: 'GET', target: `/streams/${enc(id)}/events?limit=5` });
      const byQuery = await send({ method: 'GET', target: `/stream?streamId=${enc(id)}` });

      // Assess
      expect(appended).toMatchObject({ status: 201, body: { streamId: id } });
      expect(read).toMatchObject({
        status: 200,
        body: { events: [{ streamId: id, version: 1, type: 'A' }], nextVersion: null },
      });
      expect(byQuery).toMatchObject({ status: 200, body: { streamId: id, version: 1 } });
    },
  );

  it('reads the head in the path for an id without a route-like tail', async () => {
    // Prepare
    const id = `${streamId()}/a%41 b`;
    await db.store.appendToStream(id, [{ type: 'A', data: {} }]);

    // Act
    const head = await send({ method: 'GET', target: `/streams/${enc(id)}` });

    // Assess
    expect(head).toMatchObject({ status: 200, body: { streamId: id, version: 1 } });
  });

  it('reads a path ending in /events as the events of the shorter id, never the head of the longer', async () => {
    // Prepare
    const id = streamId();
    await db.store.appendToStream(id, [{ type: 'Short', data: {} }]);
    await db.store.appendToStream(`${id}/events`, [{ type: 'Long', data: {} }]);

    // Act
    const read = await send({ method: 'GET', target: `/streams/${enc(id)}/events` });
    const longHead = await send({
      method: 'GET',
      target: `/stream?streamId=${enc(`${id}/events`)}`,
    });

    // Assess
    expect(read).toMatchObject({
      status: 200,
      body: { events: [{ streamId: id, type: 'Short' }] },
    });
    expect(longHead).toMatchObject({ status: 200, body: { streamId: `${id}/events` } });
  });

  it.each(queryOnlyIds)(
    'appends to and reads a stream whose id has %s, with the id in the query',
    async (_case, suffix) => {
      // Prepare
      const id =
        suffix.startsWith('/') || suffix === '.'
          ? `${suffix}${streamId()}`
          : `${streamId()}-${suffix}`;
      const q = `streamId=${enc(id)}`;

      // Act
      const appended = await send({
        method: 'POST',
        target: `/stream/events?${q}`,
        body: appendBody('Q'),
      });
      const read = await send({ method: 'GET', target: `/stream/events?${q}&limit=1` });
      const head = await send({ method: 'GET', target: `/stream?${q}` });
      const snapshot = await send({ method: 'GET', target: `/stream/snapshot?${q}` });

      // Assess
      expect(appended).toMatchObject({ status: 201, body: { streamId: id } });
      expect(read).toMatchObject({ status: 200, body: { events: [{ streamId: id, type: 'Q' }] } });
      expect(head).toMatchObject({ status: 200, body: { streamId: id, version: 1 } });
      expect(snapshot).toMatchObject({ status: 404, body: { error: 'SnapshotNotFound' } });
    },
  );

  it.each([
    ['a trailing slash', 'trail/', '/stream/events?streamId=<id>'],
    ['a leading slash', '/lead', '/stream/events?streamId=<id>'],
    ['an empty segment', 'a//b', '/stream/events?streamId=<id>'],
  ])('refuses an id with %s in the path, naming the query form', async (_case, id, form) => {
    // Act
    const reply = await send({
      method: 'POST',
      target: `/streams/${enc(id)}/events`,
      body: appendBody('A'),
    });

    // Assess
    expect(reply).toEqual({
      status: 400,
      body: { error: 'ValidationError', message: expect.stringContaining(form) },
    });
  });

  it('answers the snapshot route, the $all route and health', async () => {
    // Prepare
    const id = `${streamId()}/with slash`;
    const appended = await db.store.appendToStream(id, [
      { type: 'Keep', data: {} },
      { type: 'Skip', data: {} },
      { type: 'Keep', data: {} },
    ]);
    await db.store.saveSnapshot({ streamId: id, version: 2, state: { n: 2 } });
    const from = appended.firstPosition;

    // Act
    const snapshot = await send({ method: 'GET', target: `/streams/${enc(id)}/snapshot` });
    const all = await send({
      method: 'GET',
      target: `/events?fromPosition=${from}&eventType=Keep&streamPrefix=${enc(id)}`,
    });
    const health = await send({ method: 'GET', target: '/health' });

    // Assess
    expect(snapshot).toMatchObject({
      status: 200,
      body: { streamId: id, version: 2, state: { n: 2 } },
    });
    expect(all).toEqual({
      status: 200,
      body: { events: [appended.events[0], appended.events[2]], nextPosition: null },
    });
    expect(health).toEqual({ status: 200, body: { ok: true } });
  });

  it('reads a projection document whose key has a slash and a percent, in the path and in the query', async () => {
    // Prepare
    const key = `${streamId()}/a%41`;
    const { events } = await db.store.appendToStream(`account-${key}`, [
      { type: 'AccountOpened', data: { owner: 'Ada' } },
    ]);
    await projector.apply(events);

    // Act
    const inPath = await send({
      method: 'GET',
      target: `/projections/account-balances/${enc(key)}`,
    });
    const inQuery = await send({
      method: 'GET',
      target: `/projection?name=account-balances&key=${enc(key)}`,
    });
    const list = await send({ method: 'GET', target: '/projections/account-balances?limit=1' });

    // Assess
    expect(inPath).toMatchObject({ status: 200, body: { key, state: { owner: 'Ada' } } });
    expect(inQuery).toEqual(inPath);
    expect(list).toMatchObject({ status: 200, body: { documents: [expect.anything()] } });
  });

  it.each([
    ['GET', '/nothing-here', 404, 'RouteNotFound'],
    ['DELETE', '/streams/a/b/events', 405, 'MethodNotAllowed'],
    ['GET', '/stream/events', 400, 'ValidationError'],
  ])('answers %s %s with %i %s', async (method, target, status, error) => {
    expect(await send({ method, target })).toMatchObject({ status, body: { error } });
  });
});
