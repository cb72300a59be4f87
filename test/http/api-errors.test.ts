import { describe, expect, it } from 'vitest';
import { apiHandlerWith } from '../../lambdas/api/create-api-handler.js';
import type { ApiLogger } from '../../lambdas/api/observability.js';
import { createApiLogger, RecordedMetrics } from '../../lambdas/api/observability.js';
import { httpStatusByCode } from '../../lambdas/http-errors.js';
import {
  AllStreamLaggingError,
  ContentionRetriesExhaustedError,
  DynamoDBFailureError,
  ErrorCode,
} from '../../src/errors.js';
import { apiEvent, bodyOf } from '../support/api-gateway.js';
import { streamId, useTestStore } from '../support/dynamodb.js';
import { storeFailingWith } from '../support/failing-store.js';

const db = useTestStore('api-errors');

/** Records what the handler logs, to check what an operator would see. */
function recordingLogger(): ApiLogger & { errors: unknown[][] } {
  const errors: unknown[][] = [];
  return {
    errors,
    info: () => {},
    warn: () => {},
    error: (...args: unknown[]) => void errors.push(args),
  } as ApiLogger & { errors: unknown[][] };
}

describe('the error table', () => {
  it.each([
    [ErrorCode.ValidationError, 400],
    [ErrorCode.StreamNotFound, 404],
    [ErrorCode.SnapshotNotFound, 404],
    [ErrorCode.DocumentNotFound, 404],
    [ErrorCode.WrongExpectedVersion, 409],
    [ErrorCode.AppendTooLarge, 413],
    [ErrorCode.AllStreamLagging, 503],
    [ErrorCode.ContentionRetriesExhausted, 503],
    [ErrorCode.DynamoDBFailure, 500],
  ])('maps %s to %i', (code, status) => {
    expect(httpStatusByCode[code]).toBe(status);
  });
});

describe('errors the store throws', () => {
  it('answers 409 with the expected and the actual version when the stream moved on', async () => {
    // Prepare
    const metrics = new RecordedMetrics();
    const handler = apiHandlerWith({
      store: db.store,
      logger: createApiLogger({ logLevel: 'SILENT' }),
      metrics,
    });
    const id = streamId('order');
    await db.store.appendToStream(id, [
      { type: 'A', data: 1 },
      { type: 'B', data: 2 },
    ]);
    const body = JSON.stringify({ events: [{ type: 'C', data: 3 }], expectedVersion: 1 });

    // Act
    const result = await handler(
      apiEvent({ method: 'POST', rawPath: `/streams/${id}/events`, body }),
    );

    // Assess
    expect({ status: result.statusCode, body: bodyOf(result) }).toEqual({
      status: 409,
      body: {
        error: 'WrongExpectedVersion',
        message: `Stream '${id}' is at version 2, but the append expected version 1`,
        expectedVersion: 1,
        actualVersion: 2,
      },
    });
    expect(Object.fromEntries(metrics.totals)).toEqual({ AppendConflicts: 1 });
  });

  it('answers 500 with the request id, shows nothing of an unexpected error, and logs it whole', async () => {
    // Prepare
    const logger = recordingLogger();
    const failure = new Error('connect ECONNREFUSED 10.1.2.3:443 (table prod-secret-events)');
    const handler = apiHandlerWith({
      store: storeFailingWith(db.store, failure),
      logger,
      metrics: new RecordedMetrics(),
    });

    // Act
    const result = await handler(apiEvent({ rawPath: '/streams/a', requestId: 'req-123' }));

    // Assess
    expect({ status: result.statusCode, body: bodyOf(result) }).toEqual({
      status: 500,
      body: {
        error: 'InternalError',
        message:
          'The request failed on our side; nothing about it is shown here. Quote request id req-123 when reporting it',
        requestId: 'req-123',
      },
    });
    expect(result.headers?.['x-request-id']).toBe('req-123');
    expect(logger.errors).toEqual([
      ['Request failed unexpectedly', { requestId: 'req-123', error: failure }],
    ]);
  });

  it('answers 500 without the AWS error that a DynamoDBFailure carries', async () => {
    // Prepare
    const aws = Object.assign(new Error('Requested resource not found: prod-secret-events'), {
      name: 'ResourceNotFoundException',
    });
    const handler = apiHandlerWith({
      store: storeFailingWith(db.store, new DynamoDBFailureError('GetItem', { cause: aws })),
      logger: recordingLogger(),
      metrics: new RecordedMetrics(),
    });

    // Act
    const result = await handler(apiEvent({ rawPath: '/streams/a', requestId: 'req-9' }));

    // Assess
    expect(result.statusCode).toBe(500);
    expect(result.body).not.toContain('prod-secret-events');
    expect(bodyOf(result)).toMatchObject({ error: 'DynamoDBFailure', requestId: 'req-9' });
  });

  it.each([
    ['ContentionRetriesExhausted', new ContentionRetriesExhaustedError('a', 12)],
    ['AllStreamLagging', new AllStreamLaggingError(7, 5000)],
  ])('answers 503 with Retry-After to %s, whose message is safe to show', async (code, error) => {
    // Prepare
    const metrics = new RecordedMetrics();
    const handler = apiHandlerWith({
      store: storeFailingWith(db.store, error),
      logger: recordingLogger(),
      metrics,
    });

    // Act
    const result = await handler(apiEvent({ rawPath: '/streams/a' }));

    // Assess
    expect(result.statusCode).toBe(503);
    expect(result.headers?.['retry-after']).toBe('1');
    expect(bodyOf(result)).toEqual({ error: code, message: error.message });
    expect(Object.fromEntries(metrics.totals)).toEqual({ ServerErrors: 1 });
  });
});

describe('metrics', () => {
  it('counts the events each append committed', async () => {
    // Prepare
    const metrics = new RecordedMetrics();
    const handler = apiHandlerWith({
      store: db.store,
      logger: createApiLogger({ logLevel: 'SILENT' }),
      metrics,
    });
    const body = JSON.stringify({
      events: [
        { type: 'A', data: 1 },
        { type: 'B', data: 2 },
      ],
    });

    // Act
    await handler(apiEvent({ method: 'POST', rawPath: `/streams/${streamId()}/events`, body }));
    await handler(apiEvent({ method: 'POST', rawPath: `/streams/${streamId()}/events`, body }));

    // Assess
    expect(Object.fromEntries(metrics.totals)).toEqual({ EventsAppended: 4 });
    expect(metrics.hasStoredMetrics()).toBe(false);
  });
});
