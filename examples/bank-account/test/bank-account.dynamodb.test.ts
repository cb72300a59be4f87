import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createTables, EventStore, loadAggregate } from 'dynamo-event-store';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { accountAggregate, accountStreamId } from '../src/bank-account.js';
import { handleAccountCommand } from '../src/commands.js';

// The domain's rules are tested on the in-memory store (bank-account.test.ts);
// this runs the Lambda's wiring once on real tables: the package's EventStore
// on tables createTables made, in the suite's DynamoDB Local (vitest global setup).
const client = new DynamoDBClient({
  endpoint: inject('dynamodbEndpoint'),
  region: 'us-east-1',
  credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
});
const tableName = `bank-account-${randomUUID().slice(0, 8)}`;
const store = new EventStore({ tableName, client });

beforeAll(() => createTables(client, { eventsTable: tableName }));
afterAll(() => client.destroy());

describe('the bank-account command handler on DynamoDB Local', () => {
  it('opens and deposits, and snapshots are read through the real tables', async () => {
    const id = randomUUID();
    await handleAccountCommand(store, id, { type: 'open', owner: 'Ada' });
    await handleAccountCommand(store, id, { type: 'deposit', amount: 100 });
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
});
