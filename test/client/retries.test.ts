import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventStoreClient, WrongExpectedVersionError } from '../../client/index.js';
import { apiHandlerWith } from '../../lambdas/api/create-api-handler.js';
import type { ApiStore } from '../../lambdas/api/deps.js';
import { createApiLogger, RecordedMetrics } from '../../lambdas/api/observability.js';
import { startHttpServer } from '../../local/http-server.js';
import { ContentionRetriesExhaustedError } from '../../src/errors.js';
import type { ExpectedVersion, RecordedEvent } from '../../src/types.js';
import { type ApiRuntime, startApiRuntime } from '../support/api-runtime.js';
import { streamId } from '../support/dynamodb.js';

let api: ApiRuntime;

beforeAll(async () => {
  api = await startApiRuntime('client-retries');
});

afterAll(async () => {
  await api.stop();
});

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

const quickRetries = { maxAttempts: 4, baseDelayMs: 1, maxDelayMs: 5 };

/** A fetch that lets the first POST reach the server and be processed, then loses its answer. */
function losingFirstAnswer() {
  const bodies: string[] = [];
  let lost = false;
  const lossy: typeof fetch = async (input, init) => {
    if (init?.method === 'POST') bodies.push(String(init.body));
    const response = await fetch(input, init);
    if (init?.method === 'POST' && !lost) {
      lost = true;
      await response.arrayBuffer();
      throw new TypeError('fetch failed: the connection was reset');
    }
    return response;
  };
  return { lossy, bodies };
}

describe('retries', () => {
  it.each<[string, ExpectedVersion | undefined]>([
    ['an exact version', 0],
    ["'no_stream'", 'no_stream'],
    ["'any'", undefined],
  ])(
    'repeats an append whose answer was lost with the same event ids, and it commits once (expected %s)',
    async (_case, expectedVersion) => {
      // Prepare
      const id = streamId('order');
      const { lossy, bodies } = losingFirstAnswer();
      const client = new EventStoreClient({
        url: api.runtime.url,
        fetch: lossy,
        retry: quickRetries,
      });

      // Act
      const result = await client.appendToStream(
        id,
        [
          { type: 'Placed', data: { total: 42 } },
          { type: 'Paid', data: { amount: 42 } },
        ],
        expectedVersion === undefined ? {} : { expectedVersion },
      );

      // Assess
      const stored: RecordedEvent[] = await collect(api.store.readStream(id));
      expect(bodies).toHaveLength(2);
      expect(bodies[1]).toBe(bodies[0]);
      expect(stored.map((e) => e.type)).toEqual(['Placed', 'Paid']);
      expect(result).toEqual({
        streamId: id,
        nextExpectedVersion: 2,
        firstPosition: stored[0]?.position,
        lastPosition: stored[1]?.position,
        eventIds: stored.map((e) => e.eventId),
      });
    },
  );

  it('repeats an append answered 503 with the same body until it commits', async () => {
    // Prepare
    let failuresLeft = 2;
    const store: ApiStore = {
      ...bound(api),
      appendToStream: async (...args) => {
        if (failuresLeft-- > 0) throw new ContentionRetriesExhaustedError(args[0], 5);
        return api.store.appendToStream(...args);
      },
    };
    const server = await startHttpServer({
      port: 0,
      handler: apiHandlerWith({
        store,
        logger: createApiLogger({ logLevel: 'SILENT' }),
        metrics: new RecordedMetrics(),
      }),
    });
    const statuses: number[] = [];
    const bodies: string[] = [];
    const client = new EventStoreClient({
      url: server.url,
      retry: quickRetries,
      fetch: async (input, init) => {
        bodies.push(String(init?.body));
        const response = await fetch(input, init);
        statuses.push(response.status);
        return response;
      },
    });
    const id = streamId('busy');

    // Act
    const result = await client.appendToStream(id, [{ type: 'A', data: 1 }], {
      expectedVersion: 'no_stream',
    });
    await server.stop();

    // Assess
    expect(statuses).toEqual([503, 503, 201]);
    expect(new Set(bodies).size).toBe(1);
    expect(result.nextExpectedVersion).toBe(1);
    expect((await collect(api.store.readStream(id))).map((e) => e.eventId)).toEqual(
      result.eventIds,
    );
  });

  it('does not repeat an append the store refused', async () => {
    // Prepare
    const id = streamId('taken');
    await api.store.appendToStream(id, [{ type: 'A', data: 1 }]);
    let attempts = 0;
    const client = new EventStoreClient({
      url: api.runtime.url,
      retry: quickRetries,
      fetch: (input, init) => {
        attempts++;
        return fetch(input, init);
      },
    });

    // Act
    const appending = client.appendToStream(id, [{ type: 'B', data: 1 }], {
      expectedVersion: 'no_stream',
    });

    // Assess
    await expect(appending).rejects.toThrow(WrongExpectedVersionError);
    expect(attempts).toBe(1);
  });

  it('gives up on a server that does not answer after its attempts, with the network error', async () => {
    // Prepare
    let attempts = 0;
    const client = new EventStoreClient({
      url: 'http://127.0.0.1:9/',
      retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 5 },
      fetch: (input, init) => {
        attempts++;
        return fetch(input, init);
      },
    });

    // Act
    const reading = client.getStreamHead('a');

    // Assess
    await expect(reading).rejects.toThrow(TypeError);
    expect(attempts).toBe(3);
  });
});

function bound({ store }: ApiRuntime): ApiStore {
  return {
    appendToStream: store.appendToStream.bind(store),
    readStream: store.readStream.bind(store),
    readAll: store.readAll.bind(store),
    readAllPage: store.readAllPage.bind(store),
    getStreamHead: store.getStreamHead.bind(store),
    streamExists: store.streamExists.bind(store),
    getSnapshot: store.getSnapshot.bind(store),
  };
}
