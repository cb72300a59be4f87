import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiHandlerWith } from '../../lambdas/api/create-api-handler.js';
import { createApiLogger, RecordedMetrics } from '../../lambdas/api/observability.js';
import { type RunningHttpServer, startHttpServer } from '../../local/http-server.js';
import { streamId, useTestStore } from '../support/dynamodb.js';

const db = useTestStore('http-server');
let server: RunningHttpServer;

beforeAll(async () => {
  const handler = apiHandlerWith({
    store: db.store,
    logger: createApiLogger({ logLevel: 'SILENT' }),
    metrics: new RecordedMetrics(),
  });
  server = await startHttpServer({ port: 0, handler: (event) => handler(event) });
});

afterAll(async () => {
  await server.stop();
});

const appendBody = JSON.stringify({ events: [{ type: 'A', data: {} }] });

async function post(id: string, headers: Record<string, string>, body = appendBody) {
  const response = await fetch(`${server.url}/streams/${id}/events`, {
    method: 'POST',
    headers,
    body,
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe("Lambda's 6 MB, as API Gateway enforces it", () => {
  it('answers 413 to a body under 4 MiB whose escaping in the event passes 6 MB', async () => {
    // Act: 3.5 MB of quotes become 7 MB once escaped into the event's body string
    const reply = await post(
      streamId(),
      { 'content-type': 'application/json' },
      '"'.repeat(3_500_000),
    );

    // Assess
    expect(reply).toEqual({ status: 413, body: { message: 'Request Entity Too Large' } });
  });

  it("answers the gateway's 500 to a result over 6 MB", async () => {
    // Prepare
    const big = await startHttpServer({
      port: 0,
      handler: async () => ({ statusCode: 200, body: 'x'.repeat(6 * 1024 * 1024) }),
    });
    try {
      // Act
      const response = await fetch(`${big.url}/health`);

      // Assess
      expect({ status: response.status, body: await response.json() }).toEqual({
        status: 500,
        body: { message: 'Internal Server Error' },
      });
    } finally {
      await big.stop();
    }
  });
});

describe('cross-site writes', () => {
  it.each([
    ['another Origin', { 'content-type': 'application/json', origin: 'https://evil.example' }],
    ['Origin null', { 'content-type': 'application/json', origin: 'null' }],
    [
      'a DNS-rebound Origin',
      { 'content-type': 'application/json', origin: 'http://rebind.example:3000' },
    ],
    [
      'Sec-Fetch-Site cross-site',
      { 'content-type': 'application/json', 'sec-fetch-site': 'cross-site' },
    ],
    ['a text/plain body', { 'content-type': 'text/plain' }],
    ['a multipart/form-data body', { 'content-type': 'multipart/form-data; boundary=x' }],
  ])('refuses a write with %s, and writes nothing', async (_case, headers) => {
    // Prepare
    const id = streamId();

    // Act
    const reply = await post(id, headers);

    // Assess
    expect(reply).toEqual({
      status: 403,
      body: {
        error: 'CrossSiteRequest',
        message: expect.stringContaining('takes no writes from web pages'),
      },
    });
    expect(await db.store.streamExists(id)).toBe(false);
  });

  it.each([
    [
      'curl -d (form content type, no Origin)',
      { 'content-type': 'application/x-www-form-urlencoded' },
    ],
    ['JSON, no Origin', { 'content-type': 'application/json' }],
    ['JSON with a charset', { 'content-type': 'application/json; charset=utf-8' }],
    ['its own origin', { 'content-type': 'application/json', origin: 'http://localhost:{port}' }],
  ])('takes a write from %s', async (_case, headers) => {
    // Prepare
    const own = Object.fromEntries(
      Object.entries(headers).map(([k, v]) => [k, v.replace('{port}', String(server.port))]),
    );

    // Act
    const reply = await post(streamId(), own);

    // Assess
    expect(reply.status).toBe(201);
  });

  it('still answers reads from another origin', async () => {
    // Act
    const response = await fetch(`${server.url}/health`, {
      headers: { origin: 'https://evil.example' },
    });

    // Assess
    expect(response.status).toBe(200);
  });
});
