import { describe, expect, it } from 'vitest';
import {
  fromApiGatewayResult,
  type IncomingRequest,
  toApiGatewayEvent,
} from '../../local/api-gateway-event.js';

const request = (overrides: Partial<IncomingRequest>): IncomingRequest => ({
  method: 'GET',
  url: '/',
  headers: { host: 'localhost:3000' },
  body: Buffer.alloc(0),
  sourceIp: '127.0.0.1',
  requestId: 'req-1',
  timeEpoch: Date.UTC(2026, 2, 12, 19, 3, 58),
  ...overrides,
});

describe('toApiGatewayEvent', () => {
  it('builds the payload 2.0 event API Gateway gives a $default route', () => {
    // Act
    const event = toApiGatewayEvent(
      request({
        method: 'POST',
        url: '/streams/order%2F1/events?eventType=A&eventType=B%2CC&limit=5',
        headers: {
          host: 'localhost:3000',
          'content-type': 'application/json',
          'x-many': ['one', 'two'],
          cookie: 'a=1; b=2',
          'user-agent': 'curl/8',
        },
        body: Buffer.from('{"events":[]}'),
      }),
    );

    // Assess
    expect(event).toEqual({
      version: '2.0',
      routeKey: '$default',
      rawPath: '/streams/order/1/events',
      rawQueryString: 'eventType=A&eventType=B%2CC&limit=5',
      cookies: ['a=1', 'b=2'],
      headers: {
        host: 'localhost:3000',
        'content-type': 'application/json',
        'x-many': 'one,two',
        'user-agent': 'curl/8',
      },
      queryStringParameters: { eventType: 'A,B,C', limit: '5' },
      requestContext: {
        accountId: 'local',
        apiId: 'local',
        domainName: 'localhost',
        domainPrefix: 'localhost',
        http: {
          method: 'POST',
          path: '/streams/order/1/events',
          protocol: 'HTTP/1.1',
          sourceIp: '127.0.0.1',
          userAgent: 'curl/8',
        },
        requestId: 'req-1',
        routeKey: '$default',
        stage: '$default',
        time: '12/Mar/2026:19:03:58 +0000',
        timeEpoch: Date.UTC(2026, 2, 12, 19, 3, 58),
      },
      isBase64Encoded: false,
      body: '{"events":[]}',
    });
  });

  it.each([
    ['an encoded slash', '/streams/order%2F1/events', '/streams/order/1/events'],
    ['an encoded percent sign, decoded once only', '/streams/a%2541', '/streams/a%41'],
    ['unicode', '/streams/caf%C3%A9', '/streams/café'],
    [
      'an encoded question mark, which ends the path',
      '/streams/a%3Fb/events?limit=1',
      '/streams/a',
    ],
    ['an encoded hash, which ends the path', '/streams/a%23b/events', '/streams/a'],
    ['an escape that is not UTF-8, left as sent', '/streams/a%FF', '/streams/a%FF'],
  ])('hands over rawPath decoded, as HTTP API does, for %s', (_case, url, rawPath) => {
    // Act
    const event = toApiGatewayEvent(request({ url }));

    // Assess
    expect({ rawPath: event.rawPath, path: event.requestContext.http.path }).toEqual({
      rawPath,
      path: rawPath,
    });
  });

  it.each([
    ['application/json', false],
    ['application/json; charset=utf-8', false],
    ['text/plain', false],
    ['application/x-www-form-urlencoded', false],
    ['application/octet-stream', true],
    ['image/png', true],
  ])('sends a %s body base64-encoded: %s', (contentType, base64) => {
    // Prepare
    const body = Buffer.from('{"events":[]}');

    // Act
    const event = toApiGatewayEvent(
      request({ method: 'POST', headers: { 'content-type': contentType }, body }),
    );

    // Assess
    expect(event.isBase64Encoded).toBe(base64);
    expect(Buffer.from(event.body ?? '', base64 ? 'base64' : 'utf8')).toEqual(body);
  });

  it('leaves out the body and the query parameters when there are none', () => {
    // Act
    const event = toApiGatewayEvent(request({ url: '/health' }));

    // Assess
    expect('body' in event || 'queryStringParameters' in event || 'cookies' in event).toBe(false);
    expect(event.rawQueryString).toBe('');
  });
});

describe('fromApiGatewayResult', () => {
  it('turns a structured result into status, headers, cookies and body', () => {
    // Act
    const response = fromApiGatewayResult({
      statusCode: 201,
      headers: { 'Content-Type': 'application/json', 'X-Count': 2 },
      cookies: ['a=1', 'b=2'],
      body: '{"ok":true}',
    });

    // Assess
    expect(response).toEqual({
      statusCode: 201,
      headers: { 'content-type': 'application/json', 'x-count': '2', 'set-cookie': ['a=1', 'b=2'] },
      body: Buffer.from('{"ok":true}'),
    });
  });

  it('decodes a base64 result body', () => {
    expect(
      fromApiGatewayResult({ statusCode: 200, body: 'AAEC', isBase64Encoded: true }).body,
    ).toEqual(Buffer.from([0, 1, 2]));
  });

  it('infers 200 JSON for a result that is not { statusCode }, as API Gateway does', () => {
    expect(fromApiGatewayResult({ ok: true } as never)).toEqual({
      statusCode: 200,
      headers: { 'content-type': 'application/json' },
      body: Buffer.from('{"ok":true}'),
    });
  });
});
