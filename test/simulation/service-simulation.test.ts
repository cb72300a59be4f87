import { setTimeout as sleep } from 'node:timers/promises';
import {
  ConditionalCheckFailedException,
  CreateTableCommand,
  DeleteTableCommand,
  DynamoDBClient,
  GetItemCommand,
  ProvisionedThroughputExceededException,
  PutItemCommand,
  ThrottlingException,
  TransactGetItemsCommand,
  TransactionCanceledException,
  TransactionConflictException,
  TransactWriteItemsCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  type RunningSimulation,
  type ServiceSimulationOptions,
  startServiceSimulation,
} from '../../local/simulation/service-simulation.js';
import { testClient, testEndpoint, uniqueName } from '../support/dynamodb.js';

const direct = testClient();
const table = uniqueName('sim');
let sim: RunningSimulation | undefined;
let client: DynamoDBClient | undefined;

beforeAll(async () => {
  await direct.send(
    new CreateTableCommand({
      TableName: table,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [
        { AttributeName: 'PK', AttributeType: 'S' },
        { AttributeName: 'SK', AttributeType: 'S' },
      ],
      KeySchema: [
        { AttributeName: 'PK', KeyType: 'HASH' },
        { AttributeName: 'SK', KeyType: 'RANGE' },
      ],
    }),
  );
});

afterEach(async () => {
  client?.destroy();
  await sim?.stop();
  client = undefined;
  sim = undefined;
});

afterAll(async () => {
  await direct.send(new DeleteTableCommand({ TableName: table }));
  direct.destroy();
});

/** A simulation in front of the run's DynamoDB Local and a client on it that does not retry, so each fault reaches the test. */
async function simulate(
  settings: Omit<ServiceSimulationOptions, 'target'> = {},
): Promise<{ sim: RunningSimulation; client: DynamoDBClient }> {
  sim = await startServiceSimulation({ target: testEndpoint(), seed: 1, ...settings });
  client = new DynamoDBClient({
    endpoint: sim.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
  });
  return { sim, client };
}

let n = 0;
const key = (name: string) => ({ PK: { S: `${name}-${++n}` }, SK: { S: 'A' } });
const put = (item: Record<string, { S: string }>, extra: Record<string, { S: string }> = {}) => ({
  Put: { TableName: table, Item: { ...item, ...extra } },
});
const read = async (k: Record<string, { S: string }>) =>
  (await direct.send(new GetItemCommand({ TableName: table, Key: k, ConsistentRead: true }))).Item;

/** Resolves once the simulation holds items (the first transaction is in flight). */
async function untilHeld(running: RunningSimulation): Promise<void> {
  while (running.stats().itemsHeld === 0) await new Promise((r) => setTimeout(r, 2));
}

describe('transaction conflicts', () => {
  it('cancels a TransactWriteItems touching an item held by an in-flight one, with TransactionConflict at that action', async () => {
    const { sim, client } = await simulate({ latencyMs: 1000 });
    const x = key('x');
    const y = key('y');
    const z = key('z');
    const first = client.send(
      new TransactWriteItemsCommand({ TransactItems: [put(x, { by: { S: 'first' } }), put(y)] }),
    );
    await untilHeld(sim);
    const second = client.send(
      new TransactWriteItemsCommand({
        TransactItems: [
          put(z),
          {
            Update: {
              TableName: table,
              Key: x,
              UpdateExpression: 'SET #by = :by',
              ExpressionAttributeNames: { '#by': 'by' },
              ExpressionAttributeValues: { ':by': { S: 'second' } },
            },
          },
        ],
      }),
    );
    const [a, b] = await Promise.allSettled([first, second]);

    expect(a.status).toBe('fulfilled');
    const error = b.status === 'rejected' ? b.reason : undefined;
    expect(error).toBeInstanceOf(TransactionCanceledException);
    expect((error as TransactionCanceledException).CancellationReasons).toEqual([
      { Code: 'None' },
      { Code: 'TransactionConflict', Message: 'Transaction is ongoing for the item' },
    ]);
    expect((error as Error).message).toBe(
      'Transaction cancelled, please refer cancellation reasons for specific reasons [None, TransactionConflict]',
    );
    expect(await read(x)).toEqual({ ...x, by: { S: 'first' } });
    expect(await read(z)).toBeUndefined();
    expect(sim.stats()).toMatchObject({ transactionsCancelledByConflict: 1, itemsHeld: 0 });
  });

  it('refuses a plain UpdateItem (TransactionConflictException) and a TransactGetItems on an item held by a transaction, not a GetItem', async () => {
    const { sim, client } = await simulate({ latencyMs: 1000 });
    const x = key('x');
    const transaction = client.send(new TransactWriteItemsCommand({ TransactItems: [put(x)] }));
    await untilHeld(sim);
    const update = client.send(
      new UpdateItemCommand({
        TableName: table,
        Key: x,
        UpdateExpression: 'SET n = :n',
        ExpressionAttributeValues: { ':n': { S: '1' } },
      }),
    );

    const transactGet = client.send(
      new TransactGetItemsCommand({ TransactItems: [{ Get: { TableName: table, Key: x } }] }),
    );
    const get = client.send(new GetItemCommand({ TableName: table, Key: x }));

    await expect(update).rejects.toBeInstanceOf(TransactionConflictException);
    await expect(transactGet).rejects.toBeInstanceOf(TransactionCanceledException);
    await expect(get).resolves.toMatchObject({ $metadata: { httpStatusCode: 200 } });
    await transaction;
    expect(await read(x)).toEqual(x);
    expect(sim.stats()).toMatchObject({
      transactionConflictExceptions: 1,
      transactGetsCancelledByConflict: 1,
    });
  });

  it('commits overlapping transactions on different items, and queues plain writes to one item', async () => {
    const { sim, client } = await simulate({ latencyMs: 50 });
    const [x, y, z] = [key('x'), key('y'), key('z')];
    const counter = key('counter');
    await client.send(
      new PutItemCommand({ TableName: table, Item: { ...counter, n: { N: '0' } } }),
    );
    const increment = () =>
      client.send(
        new UpdateItemCommand({
          TableName: table,
          Key: counter,
          UpdateExpression: 'ADD n :one',
          ExpressionAttributeValues: { ':one': { N: '1' } },
        }),
      );

    await Promise.all([
      client.send(new TransactWriteItemsCommand({ TransactItems: [put(x), put(y)] })),
      client.send(new TransactWriteItemsCommand({ TransactItems: [put(z)] })),
      ...Array.from({ length: 10 }, increment),
    ]);

    expect([await read(x), await read(y), await read(z)]).toEqual([x, y, z]);
    expect((await read(counter))?.n).toEqual({ N: '10' });
    expect(sim.stats()).toMatchObject({
      transactionsCancelledByConflict: 0,
      transactionConflictExceptions: 0,
    });
  });
  it("admits plain writes to one item one per perItemWriteMs, while another item's write goes on at once", async () => {
    // Prepare: no latency, so the spacing is the item's alone.
    const { client } = await simulate({ latencyMs: 0, perItemWriteMs: 80 });
    const counter = key('paced');
    const other = key('other');
    await client.send(
      new PutItemCommand({ TableName: table, Item: { ...counter, n: { N: '0' } } }),
    );
    const increment = (item: typeof counter) => () =>
      client
        .send(
          new UpdateItemCommand({
            TableName: table,
            Key: item,
            UpdateExpression: 'ADD n :one',
            ExpressionAttributeValues: { ':one': { N: '1' } },
          }),
        )
        .then(() => performance.now());
    await sleep(100); // the seeding write's turn passes

    // Act
    const started = performance.now();
    const answered = await Promise.all([
      ...Array.from({ length: 5 }, increment(counter)),
      increment(other)(),
    ]);

    // Assess: the fifth write of the item had its turn 4 x 80 ms after the first; the other item
    // waited for none of them. Timers may fire up to a millisecond early.
    const paced = answered.slice(0, 5).map((t) => t - started);
    expect(Math.max(...paced)).toBeGreaterThanOrEqual(4 * 80 - 2);
    expect(answered[5] as number).toBeLessThan(Math.max(...paced) + started);
    expect((await read(counter))?.n).toEqual({ N: '5' });
  });
});

describe('the rest of the service', () => {
  it('takes at least the configured latency per call', async () => {
    const { client } = await simulate({ latencyMs: 60 });
    await client.send(new GetItemCommand({ TableName: table, Key: key('warm') }));

    const started = performance.now();
    await client.send(new GetItemCommand({ TableName: table, Key: key('x') }));
    // Timers may fire up to a millisecond early; the upper bound is not checked (busy machines).
    expect(performance.now() - started).toBeGreaterThanOrEqual(58);
  });

  it('loses a reply after the write ran: the caller sees a reset, the item is stored', async () => {
    const { sim, client } = await simulate({ lostReplyCount: 1, lostReplyOperations: ['PutItem'] });
    const x = key('x');

    await expect(client.send(new PutItemCommand({ TableName: table, Item: x }))).rejects.toThrow();
    expect(await read(x)).toEqual(x);
    expect(sim.stats()).toMatchObject({ lostReplies: 1, requests: { PutItem: 1 } });
  });

  it.each([
    ['ThrottlingException', ThrottlingException],
    ['ProvisionedThroughputExceededException', ProvisionedThroughputExceededException],
  ] as const)('throttles with %s: nothing is written', async (name, type) => {
    const { sim, client } = await simulate({ throttleCount: 1, throttleError: name });
    const x = key('x');

    await expect(
      client.send(new PutItemCommand({ TableName: table, Item: x })),
    ).rejects.toBeInstanceOf(type);
    await client.send(new GetItemCommand({ TableName: table, Key: x }));
    expect(await read(x)).toBeUndefined();
    expect(sim.stats().throttles).toBe(1);
  });

  it('rolls the same fault dice for the same seed', async () => {
    const outcomes = async () => {
      const { client } = await simulate({ throttleRate: 0.5, seed: 7 });
      const results: boolean[] = [];
      for (let i = 0; i < 12; i++) {
        results.push(
          await client.send(new GetItemCommand({ TableName: table, Key: key('x') })).then(
            () => true,
            () => false,
          ),
        );
      }
      client.destroy();
      await sim?.stop();
      return results;
    };
    const first = await outcomes();
    expect(first).toContain(true);
    expect(first).toContain(false);
    expect(await outcomes()).toEqual(first);
  });

  it("passes DynamoDB Local's replies through unchanged: ALL_OLD items of failed conditions", async () => {
    const { client } = await simulate();
    const x = key('x');
    await client.send(new PutItemCommand({ TableName: table, Item: { ...x, v: { S: '1' } } }));
    const conditional = {
      TableName: table,
      Item: { ...x, v: { S: '2' } },
      ConditionExpression: 'attribute_not_exists(PK)',
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const,
    };

    const plain = await client.send(new PutItemCommand(conditional)).catch((e: unknown) => e);
    const transaction = await client
      .send(new TransactWriteItemsCommand({ TransactItems: [{ Put: conditional }] }))
      .catch((e: unknown) => e);
    const replaced = await client.send(
      new PutItemCommand({
        TableName: table,
        Item: { ...x, v: { S: '3' } },
        ReturnValues: 'ALL_OLD',
      }),
    );

    expect(plain).toBeInstanceOf(ConditionalCheckFailedException);
    expect((plain as ConditionalCheckFailedException).Item).toEqual({ ...x, v: { S: '1' } });
    expect(transaction).toBeInstanceOf(TransactionCanceledException);
    expect((transaction as TransactionCanceledException).CancellationReasons).toEqual([
      {
        Code: 'ConditionalCheckFailed',
        Message: 'The conditional request failed',
        Item: { ...x, v: { S: '1' } },
      },
    ]);
    expect(replaced.Attributes).toEqual({ ...x, v: { S: '1' } });
  });
});
