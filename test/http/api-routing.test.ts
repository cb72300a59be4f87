import { beforeAll, describe, expect, it } from 'vitest';
import { type ApiHandler, apiHandlerWith } from '../../lambdas/api/create-api-handler.js';
import { createApiLogger, RecordedMetrics } from '../../lambdas/api/observability.js';
import { apiEvent, bodyOf, FUNCTION_URL_DOMAIN } from '../support/api-gateway.js';
import { streamId, useTestStore } from '../support/dynamodb.js';

// The handler called directly with API Gateway v2 events, no HTTP in between:
// how it routes and reads paths, query strings and bodies.
const db = useTestStore('api-routing');
let handler: ApiHandler;

beforeAll(() => {
  handler = apiHandlerWith({
    store: db.store,
    logger: createApiLogger({ logLevel: 'SILENT' }),
    metrics: new RecordedMetrics(),
  });
});

const appendBody = (...types: string[]) =>
  JSON.stringify({ events: types.map((type) => ({ type, data: { type } })) });

describe('routing on the decoded path', () => {
  it('reads a slash inside a stream id alike from an HTTP API (decoded) and a Function URL (%2F)', async () => {
    // Prepare
    const id = `${streamId('order')}/line-1`;

    // Act
    const appended = await handler(
      apiEvent({ method: 'POST', rawPath: `/streams/${id}/events`, body: appendBody('A') }),
    );
    const read = await handler(
      apiEvent({
        rawPath: `/streams/${encodeURIComponent(id)}/events`,
        domainName: FUNCTION_URL_DOMAIN,
      }),
    );

    // Assess
    expect(appended.statusCode).toBe(201);
    expect(bodyOf(appended)).toMatchObject({ streamId: id, nextExpectedVersion: 1 });
    expect(bodyOf(read)).toMatchObject({ events: [{ streamId: id, version: 1, type: 'A' }] });
  });

  it('never decodes an HTTP API path a second time: %41 stays %41', async () => {
    // Prepare
    const id = `${streamId()}-a%41`;

    // Act
    const appended = await handler(
      apiEvent({ method: 'POST', rawPath: `/streams/${id}/events`, body: appendBody('A') }),
    );

    // Assess
    expect(bodyOf(appended)).toMatchObject({ streamId: id });
  });

  it('strips a named stage that API Gateway puts in front of rawPath', async () => {
    // Act
    const result = await handler(apiEvent({ rawPath: '/prod/health', stage: 'prod' }));

    // Assess
    expect({ status: result.statusCode, body: bodyOf(result) }).toEqual({
      status: 200,
      body: { ok: true },
    });
  });

  it.each([
    ['an unknown path', 'GET', '/nothing-here'],
    ['a trailing slash', 'GET', '/health/'],
    ['a path below a route', 'GET', '/health/1'],
  ])('answers 404 RouteNotFound for %s', async (_case, method, rawPath) => {
    // Act
    const result = await handler(apiEvent({ method, rawPath }));

    // Assess
    expect(result.statusCode).toBe(404);
    expect(bodyOf(result)).toEqual({
      error: 'RouteNotFound',
      message: expect.stringContaining(`No route for ${method} ${rawPath}`),
    });
  });

  it.each([
    ['DELETE', '/streams/a/events', 'POST, GET'],
    ['PUT', '/health', 'GET'],
    ['HEAD', '/events', 'GET'],
  ])('answers 405 to %s %s with the Allow header listing %s', async (method, rawPath, allow) => {
    // Act
    const result = await handler(apiEvent({ method, rawPath }));

    // Assess
    expect(result.statusCode).toBe(405);
    expect(result.headers?.allow).toBe(allow);
    expect(bodyOf(result)).toEqual({
      error: 'MethodNotAllowed',
      message: `${method} is not allowed on ${rawPath}; allowed: ${allow}`,
    });
  });

  it.each([
    ['an empty segment', '/streams//events', 'streamId must be 1..512 UTF-8 bytes (got 0)'],
    ['a control character', '/streams/a\u0000b', 'streamId must not contain control characters'],
    [
      'an id over 512 bytes',
      `/streams/${'é'.repeat(257)}`,
      'streamId must be 1..512 UTF-8 bytes (got 514)',
    ],
  ])("answers 400 for a stream id with %s, in the SDK's words", async (_case, rawPath, message) => {
    // Act
    const result = await handler(apiEvent({ rawPath }));

    // Assess
    expect({ status: result.statusCode, body: bodyOf(result) }).toEqual({
      status: 400,
      body: { error: 'ValidationError', message },
    });
  });

  it('answers 400 to a Function URL path with a malformed percent escape', async () => {
    // Act
    const result = await handler(
      apiEvent({ rawPath: '/streams/%E0%A4%A/events', domainName: FUNCTION_URL_DOMAIN }),
    );

    // Assess
    expect({ status: result.statusCode, body: bodyOf(result) }).toEqual({
      status: 400,
      body: {
        error: 'ValidationError',
        message: 'path must be percent-encoded UTF-8 (got "/streams/%E0%A4%A/events")',
      },
    });
  });
});

describe('query strings', () => {
  it('reads a repeated eventType from rawQueryString, where API Gateway would have joined it with commas', async () => {
    // Prepare
    const id = streamId('order');
    const appended = await db.store.appendToStream(id, [
      { type: 'Placed', data: {} },
      { type: 'Paid,Partly', data: {} },
      { type: 'Shipped', data: {} },
    ]);
    const query = `fromPosition=${appended.firstPosition}&streamPrefix=${id}`;

    // Act
    const result = await handler(
      apiEvent({
        rawPath: '/events',
        rawQueryString: `${query}&eventType=Placed&eventType=Paid%2CPartly`,
      }),
    );

    // Assess
    expect(bodyOf(result)).toEqual({
      events: appended.events.slice(0, 2),
      nextPosition: null,
    });
  });

  it.each([
    ['limit=5000', 'limit must be an integer 1..1000 (got 5000)'],
    ['limit=0', 'limit must be an integer 1..1000 (got 0)'],
    ['limit=ten', 'limit must be an integer 1..1000 (got "ten")'],
    ['limit=1.5', 'limit must be an integer 1..1000 (got 1.5)'],
    ['limit=', 'limit must be an integer 1..1000 (got "")'],
    ['fromVersion=-1', 'fromVersion must be an integer >= 1 (got -1)'],
    ['direction=up', "direction must be 'forwards' or 'backwards' (got \"up\")"],
    ['limit=1&limit=2', 'limit must be given once (got 2 values)'],
    ['limt=5', 'query has unknown parameter "limt"; allowed: fromVersion, limit, direction'],
  ])('answers 400 to ?%s on a stream read', async (rawQueryString, message) => {
    // Act
    const result = await handler(apiEvent({ rawPath: '/streams/any/events', rawQueryString }));

    // Assess
    expect({ status: result.statusCode, body: bodyOf(result) }).toEqual({
      status: 400,
      body: { error: 'ValidationError', message },
    });
  });

  it.each([
    ['fromPosition=0', 'fromPosition must be an integer >= 1 (got 0)'],
    ['eventType=', 'eventType[0] must be 1..256 characters (got 0)'],
    ['streamPrefix=', 'streamPrefix must be 1..512 UTF-8 bytes (got 0)'],
    [
      'eventTypes=A',
      'query has unknown parameter "eventTypes"; allowed: fromPosition, limit, streamPrefix, eventType',
    ],
  ])('answers 400 to ?%s on a $all read', async (rawQueryString, message) => {
    // Act
    const result = await handler(apiEvent({ rawPath: '/events', rawQueryString }));

    // Assess
    expect({ status: result.statusCode, body: bodyOf(result) }).toEqual({
      status: 400,
      body: { error: 'ValidationError', message },
    });
  });
});

describe('request bodies', () => {
  it('accepts a base64-encoded body, as API Gateway sends binary content types', async () => {
    // Prepare
    const body = Buffer.from(appendBody('Ünïcode')).toString('base64');
    const rawPath = `/streams/${streamId()}/events`;

    // Act
    const result = await handler(
      apiEvent({ method: 'POST', rawPath, body, isBase64Encoded: true }),
    );

    // Assess
    expect(result.statusCode).toBe(201);
  });

  it.each([
    [
      'no body',
      undefined,
      'MalformedJson',
      'body is empty; send a JSON object like {"events":[{"type":"...","data":{}}]}',
    ],
    [
      'broken JSON',
      '{"events": [',
      'MalformedJson',
      expect.stringMatching(/^body is not valid JSON: /),
    ],
    [
      'a JSON array',
      '[]',
      'ValidationError',
      expect.stringMatching(/^body must be a JSON object like .* \(got an array\)$/),
    ],
    [
      'an unknown key',
      '{"events":[],"expectedVersoin":1}',
      'ValidationError',
      'body has unknown keys: expectedVersoin; allowed: events, expectedVersion',
    ],
    ['no events', '{"events":[]}', 'ValidationError', 'events must contain 1..98 events (got 0)'],
    [
      'events not an array',
      '{"events":{}}',
      'ValidationError',
      'events must be an array of 1..98 events (got an object)',
    ],
    [
      'an event without a type',
      '{"events":[{"data":1}]}',
      'ValidationError',
      'events[0].type must be a string (got undefined)',
    ],
    [
      'a misspelt event key',
      '{"events":[{"type":"A","data":1,"metaData":{}}]}',
      'ValidationError',
      'events[0] has unknown keys: metaData',
    ],
    [
      'a bad expectedVersion',
      '{"events":[{"type":"A","data":1}],"expectedVersion":"latest"}',
      'ValidationError',
      "expectedVersion must be a non-negative integer, 'any', 'no_stream' or 'stream_exists' (got \"latest\")",
    ],
  ])('answers 400 to an append with %s', async (_case, body, error, message) => {
    // Act
    const result = await handler(
      apiEvent({ method: 'POST', rawPath: `/streams/${streamId()}/events`, body }),
    );

    // Assess
    expect({ status: result.statusCode, body: bodyOf(result) }).toEqual({
      status: 400,
      body: { error, message },
    });
  });

  it('answers 400 MalformedJson to a body that is not UTF-8', async () => {
    // Prepare
    const body = Buffer.from([0x7b, 0xff, 0xfe, 0x7d]).toString('base64');

    // Act
    const result = await handler(
      apiEvent({ method: 'POST', rawPath: '/streams/a/events', body, isBase64Encoded: true }),
    );

    // Assess
    expect(bodyOf(result)).toEqual({ error: 'MalformedJson', message: 'body is not valid UTF-8' });
  });
});
