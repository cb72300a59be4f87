import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createTables, EventStore, loadAggregate, type RecordedEvent } from 'dynamo-event-store';
import { getDynamoDBEventStore } from 'dynamo-event-store/emmett';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { accountAggregate, accountStreamId } from '../src/bank-account.js';
import { handleAccountCommand } from '../src/commands.js';
import { events } from '../src/events.js';

// The domain's rules are tested on the in-memory store (bank-account.test.ts);
// this runs the Lambda's wiring on real tables: the package's EventStore with
// the app's events, on tables createTables made, in the suite's DynamoDB Local
// (vitest global setup).
const client = new DynamoDBClient({
  endpoint: inject('dynamodbEndpoint'),
  region: 'us-east-1',
  credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
});
const tableName = `bank-account-${randomUUID().slice(0, 8)}`;
const store = new EventStore({ tableName, client, events });
const eventStore = getDynamoDBEventStore(store);

beforeAll(() => createTables(client, { eventsTable: tableName }));
afterAll(() => client.destroy());

async function read(from: EventStore, streamId: string): Promise<RecordedEvent[]> {
  const all: RecordedEvent[] = [];
  for await (const event of from.readStream(streamId)) all.push(event);
  return all;
}

describe('the bank-account command handler on DynamoDB Local', () => {
  it('opens and deposits, and snapshots are read through the real tables', async () => {
    const id = randomUUID();
    await handleAccountCommand(eventStore, id, { type: 'OpenAccount', data: { owner: 'Ada' } });
    await handleAccountCommand(eventStore, id, {
      type: 'DepositMoney',
      data: { amount: 100, currency: 'EUR' },
    });
    await store.saveSnapshot({
      streamId: accountStreamId(id),
      version: 1,
      state: { status: 'open', owner: 'Ada', balance: 0 },
    });

    const loaded = await loadAggregate(store, accountAggregate, accountStreamId(id));
    expect(loaded).toEqual({
      state: { status: 'open', owner: 'Ada', balance: 100 },
      version: 2,
      eventsRead: 1,
      fromSnapshotVersion: 1,
    });
  });

  it('folds deposits written before MoneyDeposited named a currency, upcast to euros', async () => {
    // Prepare: an account written by the app before it had its events registry.
    const id = randomUUID();
    const streamId = accountStreamId(id);
    const before = new EventStore({ tableName, client });
    await before.appendToStream(streamId, [
      { type: 'AccountOpened', data: { owner: 'Old' } },
      { type: 'MoneyDeposited', data: { amount: 100 } },
    ]);

    // Act
    const withdrawn = await handleAccountCommand(eventStore, id, {
      type: 'WithdrawMoney',
      data: { amount: 30 },
    });
    await handleAccountCommand(eventStore, id, {
      type: 'DepositMoney',
      data: { amount: 5, currency: 'EUR' },
    });

    // Assess: the typed store reads the old deposit in the new shape; the item stays as written.
    expect(withdrawn.newState).toEqual({ status: 'open', owner: 'Old', balance: 70 });
    expect((await read(store, streamId)).map((e) => e.data)).toEqual([
      { owner: 'Old' },
      { amount: 100, currency: 'EUR' },
      { amount: 30 },
      { amount: 5, currency: 'EUR' },
    ]);
    expect((await read(before, streamId)).map((e) => e.data)).toEqual([
      { owner: 'Old' },
      { amount: 100 },
      { amount: 30 },
      { amount: 5, currency: 'EUR' },
    ]);
  });
});
