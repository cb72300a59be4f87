import { randomUUID } from 'node:crypto';
import { DeleteTableCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aggregates } from '../../examples/bank-account/src/aggregates.js';
import { projections } from '../../examples/bank-account/src/projections.js';
import { type LocalRuntime, startLocalRuntime } from '../../local/runtime.js';
import { testClient, testEndpoint, uniqueName } from '../support/dynamodb.js';
import { eventually } from '../support/stream-events.js';

// The whole local system: HTTP append -> DynamoDB Local stream -> poller ->
// projector handler -> read-model table -> GET /projections.
let runtime: LocalRuntime;
const client = testClient();

beforeAll(async () => {
  runtime = await startLocalRuntime({
    port: 0,
    endpoint: testEndpoint(),
    eventsTable: uniqueName('e2e-events'),
    readModelTable: uniqueName('e2e-readmodels'),
    logLevel: 'SILENT',
    projections,
    aggregates,
  });
});

afterAll(async () => {
  await runtime.stop();
  await client.send(new DeleteTableCommand({ TableName: runtime.eventsTable }));
  await client.send(new DeleteTableCommand({ TableName: runtime.snapshotTable }));
  await client.send(new DeleteTableCommand({ TableName: runtime.readModelTable }));
  client.destroy();
});

describe('local runtime with stream processing', () => {
  it('serves the account-balances document built from events appended over HTTP', async () => {
    // Prepare
    const id = randomUUID();
    const url = `${runtime.url}/projections/account-balances/${id}`;
    expect((await fetch(url)).status).toBe(404);

    // Act
    const appended = await fetch(`${runtime.url}/streams/account-${id}/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        expectedVersion: 'no_stream',
        events: [
          { type: 'AccountOpened', data: { owner: 'Ada' } },
          { type: 'MoneyDeposited', data: { amount: 100 } },
          { type: 'MoneyWithdrawn', data: { amount: 30 } },
        ],
      }),
    });
    const document = await eventually(async () => {
      const response = await fetch(url);
      if (response.status !== 200) return undefined;
      const body = (await response.json()) as { state: { lastVersion: number } };
      return body.state.lastVersion === 3 ? body : undefined;
    }, 20_000);

    // Assess
    expect(appended.status).toBe(201);
    expect(document).toMatchObject({
      projection: 'account-balances',
      key: id,
      state: { owner: 'Ada', balance: 70, status: 'open', lastVersion: 3 },
      streams: { [`account-${id}`]: 3 },
    });
  });
});
