import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorFromAnswer } from '../../client/errors.js';
import {
  AllStreamLaggingError,
  AppendTooLargeError,
  ContentionRetriesExhaustedError,
  DocumentNotFoundError,
  EventStoreApiError,
  EventStoreClient,
  ProjectionNotFoundError,
  SnapshotNotFoundError,
  StreamNotFoundError,
  ValidationError,
  WrongExpectedVersionError,
} from '../../client/index.js';
import { apiHandlerWith } from '../../lambdas/api/create-api-handler.js';
import { createApiLogger, RecordedMetrics } from '../../lambdas/api/observability.js';
import { type RunningHttpServer, startHttpServer } from '../../local/http-server.js';
import { DynamoDBFailureError, isEventStoreError } from '../../src/errors.js';
import { type ApiRuntime, startApiRuntime } from '../support/api-runtime.js';
import { streamId } from '../support/dynamodb.js';
import { storeFailingWith } from '../support/failing-store.js';

let api: ApiRuntime;
let client: EventStoreClient;

beforeAll(async () => {
  api = await startApiRuntime('client-errors');
  client = new EventStoreClient({ url: api.runtime.url });
});

afterAll(async () => {
  await api.stop();
});

/** The API's handler on the runtime's tables, except that reading a stream head fails with `error`. */
async function serverFailingWith(error: Error): Promise<RunningHttpServer> {
  return startHttpServer({
    port: 0,
    handler: apiHandlerWith({
      store: storeFailingWith(api.store, error),
      logger: createApiLogger({ logLevel: 'SILENT' }),
      metrics: new RecordedMetrics(),
    }),
  });
}

/** What a caller can tell about an error: its class, and every field it carries. */
const seen = (error: unknown) => ({
  class: (error as Error).constructor.name,
  family: isEventStoreError(error),
  ...(error as object),
  message: (error as Error).message,
});

async function thrown(work: () => Promise<unknown>): Promise<unknown> {
  try {
    await work();
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to fail');
}

describe("the SDK's error classes, rebuilt from the API's answers", () => {
  it('throws WrongExpectedVersionError with both versions', async () => {
    // Prepare
    const id = streamId('order');
    await client.appendToStream(id, [{ type: 'A', data: 1 }]);

    // Act
    const error = await thrown(() =>
      client.appendToStream(id, [{ type: 'B', data: 2 }], { expectedVersion: 0 }),
    );

    // Assess
    expect(seen(error)).toEqual(seen(new WrongExpectedVersionError(id, 0, 1)));
    expect(error).toBeInstanceOf(WrongExpectedVersionError);
  });

  it('throws StreamNotFoundError for the events of an absent stream', async () => {
    // Prepare
    const id = streamId('absent');

    // Act
    const error = await thrown(() => client.readStreamPage(id));

    // Assess
    expect(seen(error)).toEqual(seen(new StreamNotFoundError(id)));
  });

  it('throws ProjectionNotFoundError naming the known projections, DocumentNotFoundError only for the raw answer', async () => {
    // Act
    const error = await thrown(() => client.projections.get('nope', 'k'));
    const document = await fetch(`${api.runtime.url}/projections/counters/k-absent`);
    const rebuilt = errorFromAnswer(404, await document.json(), undefined, {
      projection: 'counters',
      key: 'k-absent',
    });

    // Assess
    expect(seen(error)).toEqual(seen(new ProjectionNotFoundError('nope', ['counters'])));
    expect(seen(rebuilt)).toEqual(seen(new DocumentNotFoundError('counters', 'k-absent')));
  });

  it('throws SnapshotNotFoundError, rebuilt from the raw answer (getSnapshot itself answers undefined)', async () => {
    // Prepare
    const id = streamId('nosnap');
    await client.appendToStream(id, [{ type: 'A', data: 1 }]);

    // Act
    const answer = await fetch(`${api.runtime.url}/streams/${id}/snapshot`);
    const rebuilt = errorFromAnswer(answer.status, await answer.json(), undefined, {
      streamId: id,
    });

    // Assess
    expect(seen(rebuilt)).toEqual(seen(new SnapshotNotFoundError(id)));
    expect(await client.getSnapshot(id)).toBeUndefined();
  });

  it("throws the server's ValidationError with its field and reason", async () => {
    // Act
    const error = await thrown(() => client.readStreamPage(streamId(), { limit: 5000 }));

    // Assess
    expect(seen(error)).toEqual(
      seen(new ValidationError('limit', 'must be an integer 1..1000 (got 5000)')),
    );
  });

  it('refuses a base URL it cannot call, saying what it takes', () => {
    // Act
    const error = (() => {
      try {
        return new EventStoreClient({ url: 'localhost:3000' });
      } catch (thrown) {
        return thrown;
      }
    })();

    // Assess
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as Error).message).toMatch(/^url must be the API's absolute http\(s\) base URL/);
  });

  it("refuses an invalid append before sending it, in the server's words", async () => {
    // Act
    const badType = await thrown(() => client.appendToStream('a', [{ type: '', data: 1 }]));
    const tooMany = await thrown(() =>
      client.appendToStream(
        'a',
        Array.from({ length: 99 }, () => ({ type: 'A', data: 1 })),
      ),
    );

    // Assess
    expect(seen(badType)).toEqual(
      seen(new ValidationError('events[0].type', 'must be 1..256 characters (got 0)')),
    );
    expect(seen(tooMany)).toEqual(seen(new AppendTooLargeError('The append', 98, 99, 'events')));
  });

  it('throws AppendTooLargeError for an event larger than a DynamoDB item', async () => {
    // Prepare
    const id = streamId('big');

    // Act
    const error = await thrown(() =>
      client.appendToStream(id, [{ type: 'Big', data: 'x'.repeat(450_000) }]),
    );

    // Assess
    expect(error).toBeInstanceOf(AppendTooLargeError);
    const { what, limit, size, unit } = error as AppendTooLargeError;
    expect(seen(error)).toEqual(seen(new AppendTooLargeError(what, limit, size, unit)));
    expect({ what, limit, unit }).toEqual({
      what: 'events[0] as a DynamoDB item',
      limit: 409_600,
      unit: 'bytes',
    });
  });

  it.each([
    [
      'ContentionRetriesExhaustedError',
      new ContentionRetriesExhaustedError('s-1', 12, { elapsedMs: 9000 }),
    ],
    ['AllStreamLaggingError', new AllStreamLaggingError(7, 5000)],
  ])('throws %s after retrying the 503 answers', async (_name, failure) => {
    // Prepare
    const server = await serverFailingWith(failure);
    let attempts = 0;
    const counting = new EventStoreClient({
      url: server.url,
      retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 5 },
      fetch: (input, init) => {
        attempts++;
        return fetch(input, init);
      },
    });

    // Act
    const error = await thrown(() => counting.getStreamHead('s-1'));
    await server.stop();

    // Assess
    expect(seen(error)).toEqual(seen(failure));
    expect(attempts).toBe(3);
  });

  it('throws EventStoreApiError with the request id for a failure the API keeps to itself, without retrying', async () => {
    // Prepare
    const server = await serverFailingWith(
      new DynamoDBFailureError('GetItem', { cause: new Error('secret') }),
    );
    let attempts = 0;
    const counting = new EventStoreClient({
      url: server.url,
      fetch: (input, init) => {
        attempts++;
        return fetch(input, init);
      },
    });

    // Act
    const error = await thrown(() => counting.getStreamHead('s-1'));
    await server.stop();

    // Assess
    expect(error).toBeInstanceOf(EventStoreApiError);
    expect(error).toMatchObject({
      status: 500,
      code: 'DynamoDBFailure',
      requestId: expect.any(String),
    });
    expect((error as Error).message).not.toContain('secret');
    expect(attempts).toBe(1);
  });

  it("throws EventStoreApiError for the HTTP edge's own codes", async () => {
    // Prepare
    const wrongBase = new EventStoreClient({ url: `${api.runtime.url}/not-the-api/` });

    // Act
    const tooLarge = await thrown(() =>
      client.appendToStream(streamId(), [{ type: 'Huge', data: 'x'.repeat(4_300_000) }]),
    );
    const noRoute = await thrown(() => wrongBase.health());

    // Assess
    expect(tooLarge).toMatchObject({ status: 413, code: 'PayloadTooLarge' });
    expect(noRoute).toMatchObject({ status: 404, code: 'RouteNotFound' });
    expect(tooLarge).toBeInstanceOf(EventStoreApiError);
  });
});
