import { beforeAll, describe, expect, it } from 'vitest';
import { backoffDelay } from '../../src/backoff.js';
import { ContentionRetriesExhaustedError, DynamoDBFailureError } from '../../src/errors.js';
import { EventStore } from '../../src/event-store.js';
import { toRecordedEvent } from '../../src/records.js';
import { streamId, testClient, useTestStore } from '../support/dynamodb.js';
import { type Fault, injectFaults } from '../support/fault-injection.js';
import { type TableProbe, tableProbe } from './helpers.js';

// Strict mode: these tests pin its promises (contiguous positions, an untouched counter on failure).
const db = useTestStore('append-retry', { positionMode: 'strict' });
let probe: TableProbe;

beforeAll(() => {
  probe = tableProbe(db.client, db.tables.eventsTable);
});

const retry = { maxAttempts: 4, baseDelayMs: 1, maxDelayMs: 5 };
const events = [
  { type: 'A', data: 1, eventId: 'a' },
  { type: 'B', data: 2, eventId: 'b' },
];

/** A store on its own client, so injected faults stay in this test. */
async function withFaultyStore<T>(
  fn: (store: EventStore, client: ReturnType<typeof testClient>) => Promise<T>,
): Promise<T> {
  const client = testClient();
  try {
    return await fn(new EventStore({ tableName: db.tables.eventsTable, client, retry }), client);
  } finally {
    client.destroy();
  }
}

describe('backoffDelay (full jitter)', () => {
  it.each([
    [1, 0.999, 0],
    [2, 0.999, 1],
    [3, 0.999, 3],
    [4, 0.5, 2],
    [10, 0.999, 4],
  ])('retry %i with random %f waits %i ms (base 1, max 5)', (n, random, expected) => {
    expect(backoffDelay(n, retry, () => random)).toBe(expected);
  });
});

describe('appendToStream retries contention and throttling', () => {
  it.each<[string, Fault]>([
    ['a TransactionConflict on the counter', { kind: 'transaction-conflict', at: 0 }],
    ['a TransactionConflict on the stream head', { kind: 'transaction-conflict', at: 1 }],
    ['a TransactionConflict on an event item', { kind: 'transaction-conflict', at: 3 }],
    ['ThrottlingException', { kind: 'throttling', name: 'ThrottlingException' }],
    [
      'ProvisionedThroughputExceededException',
      { kind: 'throttling', name: 'ProvisionedThroughputExceededException' },
    ],
    ['RequestLimitExceeded', { kind: 'throttling', name: 'RequestLimitExceeded' }],
  ])('succeeds after %s (twice), with a fresh token per attempt', async (_f, fault) => {
    await withFaultyStore(async (store, client) => {
      // Prepare
      const id = streamId('retry');
      const injection = injectFaults(client, fault, { times: 2 });

      // Act
      const result = await store.appendToStream(id, events, { expectedVersion: 'no_stream' });

      // Assess
      expect(injection.injected).toBe(2);
      const tokens = injection.inputs.map((input) => input.ClientRequestToken);
      expect(new Set(tokens).size).toBe(3);
      const stored = (await probe.eventItems(id)).map(toRecordedEvent);
      expect(result).toEqual({
        streamId: id,
        nextExpectedVersion: 2,
        firstPosition: stored[0]?.position,
        lastPosition: stored[1]?.position,
        events: stored,
      });
    });
  });

  it.each<[string, Fault, string]>([
    ['conflicts', { kind: 'transaction-conflict' }, 'TransactionCanceledException'],
    ['throttling', { kind: 'throttling' }, 'ThrottlingException'],
  ])(
    'rejects with ContentionRetriesExhaustedError when %s outlast the budget, writing nothing',
    async (_f, fault, causeName) => {
      await withFaultyStore(async (store, client) => {
        // Prepare
        const id = streamId('exhausted');
        injectFaults(client, fault, { times: retry.maxAttempts });
        const counter = await probe.counter();

        // Act
        const error = await store.appendToStream(id, events).catch((e) => e);

        // Assess
        expect(error).toBeInstanceOf(ContentionRetriesExhaustedError);
        const { code, attempts, message, cause } = error as ContentionRetriesExhaustedError;
        expect({
          code,
          streamId: error.streamId,
          attempts,
          message,
          cause: (cause as Error).name,
        }).toEqual({
          code: 'ContentionRetriesExhausted',
          streamId: id,
          attempts: 4,
          message: expect.stringMatching(
            new RegExp(
              `^Append to '${id}' gave up after 4 attempts in \\d+ ms under contention or throttling; nothing was written, retry later with the same event ids$`,
            ),
          ),
          cause: causeName,
        });
        expect(await probe.streamItems(id)).toEqual([]);
        expect(await probe.counter()).toBe(counter);
      });
    },
  );
});

describe("an 'any' append's head read under throttling", () => {
  it('is retried within the budget, then the append commits', async () => {
    await withFaultyStore(async (store, client) => {
      // Prepare
      const id = streamId('head-throttled');
      const injection = injectFaults(
        client,
        { kind: 'throttling' },
        { times: 2, command: 'BatchGetItemCommand' },
      );

      // Act
      const result = await store.appendToStream(id, events, { expectedVersion: 'any' });

      // Assess
      expect(injection.injected).toBe(2);
      expect(injection.inputs).toHaveLength(3);
      expect(result.nextExpectedVersion).toBe(2);
      expect((await probe.eventItems(id)).map((e) => e.eventId)).toEqual(['a', 'b']);
    });
  });

  it('gives up with ContentionRetriesExhaustedError when throttling outlasts the tries, writing nothing', async () => {
    await withFaultyStore(async (store, client) => {
      // Prepare
      const id = streamId('head-exhausted');
      injectFaults(
        client,
        { kind: 'throttling' },
        { times: retry.maxAttempts, command: 'BatchGetItemCommand' },
      );

      // Act
      const error = await store
        .appendToStream(id, events, { expectedVersion: 'any' })
        .catch((e) => e);

      // Assess
      expect(error).toBeInstanceOf(ContentionRetriesExhaustedError);
      expect(error).toMatchObject({
        code: 'ContentionRetriesExhausted',
        streamId: id,
        attempts: 4,
      });
      expect((error as Error).cause).toMatchObject({ name: 'ThrottlingException' });
      expect(await probe.streamItems(id)).toEqual([]);
    });
  });
});

describe('appendToStream and the global counter', () => {
  it('retries with the value a counter conflict returns, without reading the counter again', async () => {
    await withFaultyStore(async (store, client) => {
      // Prepare: warm this store's cache, then move the counter from another store.
      await store.appendToStream(streamId('warm'), events);
      const other = new EventStore({ tableName: db.tables.eventsTable, client: db.client });
      await other.appendToStream(streamId('other'), events);
      const counter = await probe.counter();
      const reads = injectFaults(
        client,
        { kind: 'lost-reply' },
        { command: 'GetItemCommand', times: 0 },
      );
      const writes = injectFaults(client, { kind: 'lost-reply' }, { times: 0 });

      // Act
      const result = await store.appendToStream(streamId('after'), events, { expectedVersion: 0 });

      // Assess
      expect({ first: result.firstPosition, last: result.lastPosition }).toEqual({
        first: counter + 1,
        last: counter + 2,
      });
      expect({ counterReads: reads.inputs.length, transactions: writes.inputs.length }).toEqual({
        counterReads: 0,
        transactions: 2,
      });
    });
  });

  it('passes other DynamoDB failures on as DynamoDBFailureError, saying what it was doing', async () => {
    // Prepare
    const store = new EventStore({ tableName: 'no-such-table', client: db.client });

    // Act
    const error = await store.appendToStream('s-1', events, { expectedVersion: 0 }).catch((e) => e);

    // Assess
    expect(error).toBeInstanceOf(DynamoDBFailureError);
    const { code, operation, cause } = error as DynamoDBFailureError;
    expect({ code, operation, cause: (cause as Error).name }).toEqual({
      code: 'DynamoDBFailure',
      operation: 'GetItem of the global position counter',
      cause: 'ResourceNotFoundException',
    });
  });
});
