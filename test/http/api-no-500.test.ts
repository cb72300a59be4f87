import { beforeAll, describe, expect, it } from 'vitest';
import { type ApiHandler, apiHandlerWith } from '../../lambdas/api/create-api-handler.js';
import { createApiLogger, RecordedMetrics } from '../../lambdas/api/observability.js';
import { apiEvent, bodyOf, FUNCTION_URL_DOMAIN } from '../support/api-gateway.js';
import { streamId, useTestStore } from '../support/dynamodb.js';

// No input may earn a 500: each of these is the client's mistake and gets a
// 4xx with the documented { error, message } body.
const db = useTestStore('api-no-500');
let handler: ApiHandler;

beforeAll(() => {
  handler = apiHandlerWith({
    store: db.store,
    logger: createApiLogger({ logLevel: 'SILENT' }),
    metrics: new RecordedMetrics(),
  });
});

const nested = (depth: number, leaf: string) => `${'['.repeat(depth)}${leaf}${']'.repeat(depth)}`;
const event = (data: string) => `{"events":[{"type":"A","data":${data}}]}`;

describe('inputs that must never be a 500', () => {
  it.each([
    ['data 5,000 arrays deep', event(nested(5000, '1')), 400],
    ['data 100,000 arrays deep', event(nested(100_000, '1')), 400],
    [
      'metadata 5,000 objects deep',
      `{"events":[{"type":"A","data":1,"metadata":${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}}]}`,
      400,
    ],
    ['a huge array', event(`[${'0,'.repeat(1_500_000)}0]`), 413],
    ['a __proto__ key in data', event('{"__proto__":{"polluted":true}}'), 201],
    [
      'a __proto__ key in the body',
      '{"__proto__":{"events":[]},"events":[{"type":"A","data":1}]}',
      400,
    ],
    [
      'a __proto__ key in an event',
      '{"events":[{"__proto__":{"type":"A"},"type":"A","data":1}]}',
      400,
    ],
    ['a number as the type', '{"events":[{"type":5,"data":1}]}', 400],
    ['a number as the event id', '{"events":[{"type":"A","data":1,"eventId":5}]}', 400],
    [
      'a string as expectedVersion',
      '{"events":[{"type":"A","data":1}],"expectedVersion":"5"}',
      400,
    ],
    ['a float expectedVersion', '{"events":[{"type":"A","data":1}],"expectedVersion":1e300}', 400],
    ['events as null', '{"events":null}', 400],
  ])('answers an append with %s with a 4xx', async (_case, body, status) => {
    // Act
    const result = await handler(
      apiEvent({ method: 'POST', rawPath: `/streams/${streamId()}/events`, body }),
    );

    // Assess
    expect({
      status: result.statusCode,
      error: typeof (bodyOf(result) as { error?: unknown }).error,
    }).toEqual({
      status,
      error: status === 201 ? 'undefined' : 'string',
    });
  });

  it.each([
    ['a NUL in the id', { rawPath: '/streams/a\u0000b/events' }],
    ['a 2 KB id in the path', { rawPath: `/streams/${'x'.repeat(2048)}/events` }],
    [
      'a 2 KB id in the query',
      { rawPath: '/stream/events', rawQueryString: `streamId=${'x'.repeat(2048)}` },
    ],
    ['a NUL in the query', { rawPath: '/stream', rawQueryString: 'streamId=a%00b' }],
    ['invalid UTF-8 in the query', { rawPath: '/stream', rawQueryString: 'streamId=%FF' }],
    [
      'invalid UTF-8 in a Function URL path',
      { rawPath: '/streams/%FF', domainName: FUNCTION_URL_DOMAIN },
    ],
    ['a lone surrogate in the id', { rawPath: '/streams/a\ud800b' }],
    [
      'a 2 KB stream prefix',
      { rawPath: '/events', rawQueryString: `streamPrefix=${'x'.repeat(2048)}` },
    ],
    [
      'a huge fromPosition',
      { rawPath: '/events', rawQueryString: `fromPosition=${'9'.repeat(400)}` },
    ],
    ['a 2 KB projection key', { rawPath: `/projections/p/${'k'.repeat(2048)}` }],
  ])('answers a read with %s with a 4xx', async (_case, input) => {
    // Act
    const result = await handler(apiEvent(input));

    // Assess
    expect(result.statusCode).toBeGreaterThanOrEqual(400);
    expect(result.statusCode).toBeLessThan(500);
    expect(bodyOf(result)).toEqual({ error: expect.any(String), message: expect.any(String) });
  });
});
