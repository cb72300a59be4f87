import { readFileSync } from 'node:fs';
import SwaggerParser from '@apidevtools/swagger-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiRoutes, openApiJson } from '../../lambdas/api/api-routes.js';
import { httpStatusByCode } from '../../lambdas/http-errors.js';
import { apiErrorCodes } from '../../src/api-contract/error-bodies.js';
import { type ApiRuntime, startApiRuntime } from '../support/api-runtime.js';
import { streamId } from '../support/dynamodb.js';
import { answerProblems, openApiDocument } from '../support/openapi.js';

describe('the OpenAPI document', () => {
  it('is committed as npm run openapi writes it (run it after changing a route or schema)', () => {
    // Act
    const committed = readFileSync(new URL('../../openapi.json', import.meta.url), 'utf8');

    // Assess
    expect(committed).toBe(openApiJson());
  });

  it('is a valid OpenAPI 3.1 document, every $ref resolving', async () => {
    // Act
    const validating = SwaggerParser.validate(structuredClone(openApiDocument) as never);

    // Assess
    await expect(validating).resolves.toMatchObject({ openapi: '3.1.0' });
  });

  it("describes every route of the handler's router, and nothing else", () => {
    // Prepare
    const routed = apiRoutes.map(
      (route) => `${route.method} ${route.path.replace(/\{(\w+)\+\}/g, '{$1}')}`,
    );

    // Act
    const documented = Object.entries(openApiDocument.paths).flatMap(([path, operations]) =>
      Object.keys(operations).map((method) => `${method.toUpperCase()} ${path}`),
    );

    // Assess
    expect(documented.sort()).toEqual(routed.sort());
  });

  it('names the body of every error code, and answers every status the API maps a code to', () => {
    // Prepare
    const statuses = new Set(
      Object.values(openApiDocument.paths).flatMap((operations) =>
        Object.values(operations).flatMap((op) => Object.keys(op.responses)),
      ),
    );

    // Assess
    for (const code of apiErrorCodes) {
      expect(openApiDocument.components.schemas).toHaveProperty(`${code}Body`);
    }
    // 404 RouteNotFound and 405 MethodNotAllowed belong to no route: the description names them.
    const perRoute = apiErrorCodes.filter((c) => c !== 'RouteNotFound' && c !== 'MethodNotAllowed');
    for (const code of perRoute) expect(statuses).toContain(String(httpStatusByCode[code]));
  });
});

describe('answers of the running local API', () => {
  let api: ApiRuntime;

  beforeAll(async () => {
    api = await startApiRuntime('openapi');
  });

  afterAll(async () => {
    await api.stop();
  });

  async function call(
    method: string,
    path: string,
    init: { body?: string; headers?: Record<string, string> } = {},
  ) {
    const url = `${api.runtime.url}${path}`;
    const response = await fetch(url, {
      method,
      ...(init.body !== undefined && { body: init.body }),
      headers: { 'content-type': 'application/json', ...init.headers },
    });
    const text = await response.text();
    return { method, url, status: response.status, body: text ? JSON.parse(text) : undefined };
  }

  it('match the schema the document gives for their route and status', async () => {
    // Prepare
    const id = streamId('order');
    const odd = `${streamId('odd')}/?#//..`;
    const appended = await api.store.appendToStream(id, [
      { type: 'Placed', data: { total: 1 }, metadata: { by: 'me' } },
      { type: 'Paid', data: { amount: 1 } },
    ]);
    await api.store.saveSnapshot({ streamId: id, version: 2, state: { paid: true } });
    await api.projections.putDocument(
      {
        projection: 'counters',
        key: id,
        state: { count: 2 },
        streams: { [id]: 2 },
        revision: 1,
        updatedAt: new Date().toISOString(),
      },
      undefined,
    );
    const append = (events: unknown, expectedVersion?: unknown) =>
      JSON.stringify({ events, ...(expectedVersion !== undefined && { expectedVersion }) });
    const enc = encodeURIComponent;

    // Act
    const answers = [
      await call('POST', `/streams/${enc(id)}/events`, {
        body: append([{ type: 'Shipped', data: {} }]),
      }),
      await call('POST', `/stream/events?streamId=${enc(odd)}`, {
        body: append([{ type: 'A', data: null }]),
      }),
      await call('POST', `/streams/${enc(id)}/events`, {
        body: append([{ type: 'X', data: 1 }], 0),
      }),
      await call('POST', `/streams/${enc(id)}/events`, { body: '{"events":' }),
      await call('POST', `/streams/${enc(id)}/events`, { body: append([{ type: '', data: 1 }]) }),
      await call('POST', `/streams/${enc(id)}/events`, {
        body: append(Array.from({ length: 99 }, () => ({ type: 'A', data: 1 }))),
      }),
      await call('POST', `/streams/${enc(id)}/events`, {
        body: append([{ type: 'A', data: 1 }]),
        headers: { origin: 'https://evil.example' },
      }),
      await call('GET', `/streams/${enc(id)}/events?limit=2`),
      await call('GET', `/streams/${enc(id)}/events?direction=backwards&limit=1`),
      await call('GET', `/stream/events?streamId=${enc(odd)}`),
      await call('GET', `/streams/${enc(id)}/events?limit=0`),
      await call('GET', `/streams/${enc(streamId('absent'))}/events`),
      await call('GET', `/streams/${enc(id)}`),
      await call('GET', `/stream?streamId=${enc(odd)}`),
      await call('GET', `/streams/${enc(streamId('absent'))}`),
      await call('GET', `/streams/${enc(id)}/snapshot`),
      await call('GET', `/stream/snapshot?streamId=${enc(odd)}`),
      await call('GET', `/streams/${enc(streamId('absent'))}/snapshot`),
      await call('GET', `/events?fromPosition=${appended.firstPosition}&limit=2`),
      await call('GET', `/events?eventType=Placed&eventType=Paid&streamPrefix=${enc(id)}`),
      await call('GET', '/events?fromPosition=0'),
      await call('GET', '/projections/counters'),
      await call('GET', `/projections/counters/${enc(id)}`),
      await call('GET', `/projection?name=counters&key=${enc(odd)}`),
      await call('GET', '/projections/nope'),
      await call('GET', '/health'),
      await call('GET', '/openapi.json'),
      await call('GET', '/nowhere'),
      await call('DELETE', '/health'),
    ];

    // Assess
    expect(answers.map((a) => a.status)).toEqual([
      201, 201, 409, 400, 400, 413, 403, 200, 200, 200, 400, 404, 200, 200, 404, 200, 404, 404, 200,
      200, 400, 200, 200, 404, 404, 200, 200, 404, 405,
    ]);
    const problems = answers.flatMap((a) => answerProblems(a.method, a.url, a.status, a.body));
    expect(problems).toEqual([]);
  });

  it('serves the document the repository holds', async () => {
    // Act
    const answer = await call('GET', '/openapi.json');

    // Assess
    expect(answer.body).toEqual(openApiDocument);
  });
});
