import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiHandler, apiHandlerWith } from '../../lambdas/api/create-api-handler.js';
import { createApiLogger, RecordedMetrics } from '../../lambdas/api/observability.js';
import { type RunningHttpServer, startHttpServer } from '../../local/http-server.js';
import { ProjectionStore } from '../../src/projections/projection-store.js';
import { apiEvent, FUNCTION_URL_DOMAIN, HTTP_API_DOMAIN } from '../support/api-gateway.js';
import { useTestStore } from '../support/dynamodb.js';

// Property: whatever the path, query, headers and body, the API answers below
// 500 with a JSON error that shows nothing of its insides, and keeps serving.
// Bounded in time: a few seconds in `npm test`.
const db = useTestStore('api-fuzz');
let handler: ApiHandler;
let server: RunningHttpServer;

beforeAll(async () => {
  handler = apiHandlerWith({
    store: db.store,
    projections: new ProjectionStore({ tableName: db.tables.readModelTable, client: db.client }),
    logger: createApiLogger({ logLevel: 'SILENT' }),
    metrics: new RecordedMetrics(),
  });
  server = await startHttpServer({ port: 0, handler: (event) => handler(event) });
});

afterAll(async () => {
  await server.stop();
});

const noLoneSurrogates = (s: string) => s.replace(/[\ud800-\udfff]/g, '\ufffd');
const enc = (s: string) => encodeURIComponent(noLoneSurrogates(s));

const templates = [
  '/streams/{}/events',
  '/streams/{}',
  '/streams/{}/snapshot',
  '/stream/events',
  '/stream',
  '/events',
  '/projections/{}',
  '/projections/account-balances/{}',
  '/projection',
  '/{}',
  '/health',
];

const text = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom(
    'a/b',
    '%',
    '%41',
    '%FF',
    '?',
    '#',
    '/',
    '..',
    '\u0000',
    '__proto__',
    'x'.repeat(2048),
  ),
);

const nested = (depth: number) => `${'['.repeat(depth)}1${']'.repeat(depth)}`;
const newEvent = fc.record(
  {
    type: fc.oneof(fc.string({ maxLength: 300 }), fc.integer(), fc.constant(null)),
    data: fc.jsonValue({ maxDepth: 4 }),
    metadata: fc.jsonValue({ maxDepth: 2 }),
    eventId: fc.oneof(fc.string({ maxLength: 200 }), fc.integer()),
    __proto__: fc.jsonValue({ maxDepth: 1 }),
  },
  { requiredKeys: [] },
);
const body = fc.oneof(
  fc
    .record(
      {
        events: fc.oneof(fc.array(newEvent, { maxLength: 3 }), fc.jsonValue({ maxDepth: 1 })),
        expectedVersion: fc.oneof(fc.integer(), fc.double(), fc.string(), fc.constant('no_stream')),
        __proto__: fc.jsonValue({ maxDepth: 1 }),
      },
      { requiredKeys: [] },
    )
    .map((value) => JSON.stringify(value)),
  fc.json({ maxDepth: 3 }),
  fc.string({ unit: 'binary', maxLength: 100 }),
  fc
    .oneof(fc.integer({ min: 1, max: 200 }), fc.integer({ min: 5_000, max: 50_000 }))
    .map((d) => `{"events":[{"type":"A","data":${nested(d)}}]}`),
);

const anyRequest = fc.record({
  transport: fc.constantFrom('http-api', 'function-url', 'local-server'),
  method: fc.constantFrom('GET', 'POST', 'PUT', 'DELETE'),
  template: fc.constantFrom(...templates),
  id: text,
  query: fc.array(
    fc.tuple(
      fc.constantFrom(
        'streamId',
        'limit',
        'fromVersion',
        'fromPosition',
        'direction',
        'eventType',
        'streamPrefix',
        'cursor',
        'name',
        'key',
        '__proto__',
      ),
      text,
    ),
    { maxLength: 4 },
  ),
  rawQuerySuffix: fc.constantFrom('', '&%', '&%FF', '&a=%E0%A4%A', '&&==', '&limit=1e3'),
  contentType: fc.constantFrom('application/json', 'application/octet-stream', 'text/plain', ''),
  body: fc.option(body),
});

type Request = typeof anyRequest extends fc.Arbitrary<infer T> ? T : never;

// Half the runs aim at the append route with a body that reaches validation:
// random methods and paths alone rarely get that far.
const request = fc.oneof(
  anyRequest,
  fc.record({
    transport: fc.constantFrom('http-api', 'function-url', 'local-server'),
    method: fc.constant('POST'),
    template: fc.constant('/streams/{}/events'),
    id: fc.stringMatching(/^[a-z0-9-]{1,20}$/),
    query: fc.constant<Request['query']>([]),
    rawQuerySuffix: fc.constant(''),
    contentType: fc.constant('application/json'),
    body: body,
  }),
);

async function send(r: Request): Promise<{ status: number; text: string }> {
  const query = r.query.map(([k, v]) => `${k}=${enc(v)}`).join('&') + r.rawQuerySuffix;
  const binary = r.contentType === 'application/octet-stream';
  const headers = { 'content-type': r.contentType, host: 'example' };
  if (r.transport === 'local-server') {
    const response = await fetch(`${server.url}${r.template.replace('{}', enc(r.id))}?${query}`, {
      method: r.method,
      headers: { 'content-type': r.contentType || 'application/json' },
      ...(r.body !== null && r.method !== 'GET' && { body: r.body }),
    });
    return { status: response.status, text: await response.text() };
  }
  const rawPath =
    r.transport === 'http-api'
      ? (r.template.replace('{}', r.id).split(/[?#]/)[0] as string)
      : r.template.replace('{}', enc(r.id));
  const result = await handler(
    apiEvent({
      method: r.method,
      rawPath,
      rawQueryString: query,
      headers,
      domainName: r.transport === 'http-api' ? HTTP_API_DOMAIN : FUNCTION_URL_DOMAIN,
      ...(r.body !== null && {
        body: binary ? Buffer.from(r.body).toString('base64') : r.body,
        isBase64Encoded: binary,
      }),
    }),
  );
  return { status: result.statusCode, text: result.body ?? '' };
}

describe('any request', () => {
  it('is answered below 500 with a JSON error that leaks nothing, and the next one is served', async () => {
    const secrets = [
      db.tables.eventsTable,
      db.tables.readModelTable,
      'arn:aws',
      '$metadata',
      'RequestId',
    ];
    await fc.assert(
      fc.asyncProperty(request, async (r) => {
        const reply = await send(r);
        expect(reply.status, reply.text).toBeLessThan(500);
        const parsed = JSON.parse(reply.text) as Record<string, unknown>;
        if (reply.status >= 400) {
          expect(parsed).toMatchObject({ error: expect.any(String), message: expect.any(String) });
        }
        expect(reply.text).not.toMatch(/\n\s+at |\bat .*\.ts:\d+/);
        for (const secret of secrets) expect(reply.text).not.toContain(secret);
        const health = await send({
          ...r,
          method: 'GET',
          template: '/health',
          query: [],
          rawQuerySuffix: '',
          body: null,
        });
        expect(health.status).toBe(200);
      }),
      { numRuns: 300, interruptAfterTimeLimit: 8_000, markInterruptAsFailure: false },
    );
  });
});
