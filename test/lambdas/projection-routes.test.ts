import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { beforeAll, describe, expect, it } from 'vitest';
import { accountBalances } from '../../examples/bank-account/src/bank-account.js';
import { requestPath } from '../../lambdas/api/paths.js';
import { projectionRoutes } from '../../lambdas/api/projection-routes.js';
import { parseQueryString } from '../../lambdas/api/request.js';
import { matchRoute } from '../../lambdas/api/router.js';
import { createApiHandler } from '../../lambdas/handlers.js';
import { toErrorReply } from '../../lambdas/http-errors.js';
import { ProjectionStore } from '../../src/projections/projection-store.js';
import { Projector } from '../../src/projections/projector.js';
import { useTestStore } from '../support/dynamodb.js';

const db = useTestStore('projection-routes');
let projections: ProjectionStore;

beforeAll(async () => {
  projections = new ProjectionStore({ tableName: db.tables.readModelTable, client: db.client });
  const projector = new Projector({
    store: db.store,
    projectionStore: projections,
    projections: [accountBalances],
  });
  for (const id of ['a/1', 'b']) {
    const { events } = await db.store.appendToStream(`account-${id}`, [
      { type: 'AccountOpened', data: { owner: id } },
      { type: 'MoneyDeposited', data: { amount: 12 } },
    ]);
    await projector.apply(events);
  }
});

/**
 * Runs a GET through the route table and the one error mapping, as the API
 * handler does, with the path percent-encoded as a Function URL delivers it.
 */
async function get(rawPath: string, rawQueryString = '') {
  const event = {
    rawPath,
    rawQueryString,
    requestContext: { domainName: 'abc.lambda-url.us-east-1.on.aws' },
  } as APIGatewayProxyEventV2;
  try {
    const { route, params } = matchRoute(projectionRoutes, 'GET', requestPath(event));
    const query = parseQueryString(rawQueryString);
    const result = await route.handle({ event, params, query }, { projections });
    return { status: result.statusCode, body: JSON.parse(String(result.body)) };
  } catch (error) {
    const reply = toErrorReply(error, 'test');
    return { status: reply.status, body: reply.body };
  }
}

describe('projection routes', () => {
  it('GET /projections/{name}/{key} returns the document, with a %2F key decoded', async () => {
    expect(await get('/projections/account-balances/a%2F1')).toEqual({
      status: 200,
      body: {
        projection: 'account-balances',
        key: 'a/1',
        state: { status: 'open', owner: 'a/1', balance: 12, lastVersion: 2 },
        streams: { 'account-a/1': 2 },
        revision: 1,
        updatedAt: expect.any(String),
      },
    });
  });

  it('answers 404 DocumentNotFound for an absent document', async () => {
    expect(await get('/projections/account-balances/zzz')).toEqual({
      status: 404,
      body: {
        error: 'DocumentNotFound',
        message: "Projection 'account-balances' has no document with key 'zzz'",
      },
    });
  });

  it('answers 400 for a projection name that cannot exist', async () => {
    expect((await get('/projections/%E0%A4%A/k')).status).toBe(400);
  });

  it('GET /projections/{name} pages through the documents', async () => {
    const first = await get('/projections/account-balances', 'limit=1');
    const second = await get(
      '/projections/account-balances',
      `limit=1&cursor=${first.body.nextCursor}`,
    );

    expect([first.body.documents[0].key, second.body.documents[0].key]).toEqual(['a/1', 'b']);
    expect(second.body.nextCursor).toBeNull();
    expect(await get('/projections/account-balances', 'limit=0')).toMatchObject({ status: 400 });
  });
});

describe('GET /projections/{name} through createApiHandler (dynamo-event-store/lambda)', () => {
  const handlerFor = () =>
    createApiHandler({
      projections: [accountBalances],
      client: db.client,
      env: {
        EVENTS_TABLE_NAME: db.tables.eventsTable,
        READ_MODEL_TABLE_NAME: db.tables.readModelTable,
      },
    });
  const request = (rawPath: string) =>
    ({ rawPath, rawQueryString: '', requestContext: {} }) as APIGatewayProxyEventV2;

  it.each(['/projections/account-balance', '/projections/account-balance/b'])(
    'answers %s, a name the app does not define, with 404 naming the known projections',
    async (path) => {
      const result = await handlerFor()(request(path));

      expect({ status: result.statusCode, body: JSON.parse(String(result.body)) }).toEqual({
        status: 404,
        body: {
          error: 'ProjectionNotFound',
          message: "There is no projection 'account-balance' (known: account-balances)",
          knownProjections: ['account-balances'],
        },
      });
    },
  );

  it('lists the documents of a projection the app defines', async () => {
    const result = await handlerFor()(request('/projections/account-balances'));

    expect(result.statusCode).toBe(200);
    expect(JSON.parse(String(result.body)).documents.map((d: { key: string }) => d.key)).toEqual([
      'a/1',
      'b',
    ]);
  });
});
