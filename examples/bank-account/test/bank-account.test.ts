import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  createTables,
  EventStore,
  loadAggregate,
  ValidationError,
  WrongExpectedVersionError,
} from 'dynamo-event-store';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  type AccountCommand,
  accountAggregate,
  accountStreamId,
  decideAccount,
} from '../src/bank-account.js';

// The suite's DynamoDB Local (vitest global setup); a copy of this example would point at its own.
const client = new DynamoDBClient({
  endpoint: inject('dynamodbEndpoint'),
  region: 'us-east-1',
  credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
});
const tableName = `bank-account-${randomUUID().slice(0, 8)}`;
const store = new EventStore({ tableName, client });

beforeAll(() => createTables(client, { eventsTable: tableName }));
afterAll(() => client.destroy());

/** What the example's command Lambda does: fold, decide, append at the folded version. */
async function handle(accountId: string, command: AccountCommand) {
  const streamId = accountStreamId(accountId);
  const { state, version } = await loadAggregate(store, accountAggregate, streamId);
  return store.appendToStream(streamId, decideAccount(state, command), {
    expectedVersion: version,
  });
}

describe('the bank-account example, through the package', () => {
  it('opens, deposits and withdraws, and folds the balance back', async () => {
    const id = randomUUID();
    await handle(id, { type: 'open', owner: 'Ada' });
    await handle(id, { type: 'deposit', amount: 100 });
    await handle(id, { type: 'withdraw', amount: 30 });

    const { state, version } = await loadAggregate(store, accountAggregate, accountStreamId(id));
    expect({ state, version }).toEqual({
      state: { status: 'open', owner: 'Ada', balance: 70 },
      version: 3,
    });
  });

  it('refuses to withdraw more than the balance with a ValidationError', async () => {
    const id = randomUUID();
    await handle(id, { type: 'open', owner: 'Bob' });

    await expect(handle(id, { type: 'withdraw', amount: 1 })).rejects.toThrow(ValidationError);
  });

  it('refuses a decision made on a version that moved on', async () => {
    const id = randomUUID();
    await handle(id, { type: 'open', owner: 'Cy' });
    const streamId = accountStreamId(id);
    const { state, version } = await loadAggregate(store, accountAggregate, streamId);
    await handle(id, { type: 'deposit', amount: 5 });

    await expect(
      store.appendToStream(streamId, decideAccount(state, { type: 'deposit', amount: 1 }), {
        expectedVersion: version,
      }),
    ).rejects.toThrow(WrongExpectedVersionError);
  });
});
