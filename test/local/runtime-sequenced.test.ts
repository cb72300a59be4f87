import { randomUUID } from 'node:crypto';
import { DeleteTableCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aggregates } from '../../examples/bank-account/src/aggregates.js';
import { projections } from '../../examples/bank-account/src/projections.js';
import { type LocalRuntime, startLocalRuntime } from '../../local/runtime.js';
import { testClient, testEndpoint, uniqueName } from '../support/dynamodb.js';
import { eventually } from '../support/stream-events.js';

// `npm start` in sequenced mode (POSITION_MODE=sequenced): the poller runs the
// sequencer on the heads' stream records, as the CDK construct's Lambda does.
let runtime: LocalRuntime;
const client = testClient();

beforeAll(async () => {
  runtime = await startLocalRuntime({
    port: 0,
    endpoint: testEndpoint(),
    eventsTable: uniqueName('seq-events'),
    readModelTable: uniqueName('seq-readmodels'),
    logLevel: 'SILENT',
    positionMode: 'sequenced',
    projections,
    aggregates,
  });
});

afterAll(async () => {
  await runtime.stop();
  for (const table of [runtime.eventsTable, runtime.snapshotTable, runtime.readModelTable]) {
    await client.send(new DeleteTableCommand({ TableName: table }));
  }
  client.destroy();
});

describe('local runtime in sequenced mode', () => {
  it('answers an append without positions, then $all shows it placed, and the projection builds', async () => {
    // Prepare
    const id = randomUUID();

    // Act
    const response = await fetch(`${runtime.url}/streams/account-${id}/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        events: [
          { type: 'AccountOpened', data: { owner: 'Ada' } },
          { type: 'MoneyDeposited', data: { amount: 5 } },
        ],
      }),
    });
    const appended = await response.json();
    const placed = await eventually(async () => {
      const page = (await (await fetch(`${runtime.url}/events`)).json()) as {
        events: { streamId: string; position: number }[];
      };
      const mine = page.events.filter((e) => e.streamId === `account-${id}`);
      return mine.length === 2 ? mine : undefined;
    }, 20_000);
    const document = await eventually(async () => {
      const answer = await fetch(`${runtime.url}/projections/account-balances/${id}`);
      return answer.status === 200 ? answer.json() : undefined;
    }, 20_000);

    // Assess
    expect(response.status).toBe(201);
    expect(appended).toMatchObject({
      nextExpectedVersion: 2,
      firstPosition: null,
      lastPosition: null,
    });
    expect(placed.map((e) => e.position)).toEqual([
      placed[0]?.position,
      (placed[0]?.position ?? 0) + 1,
    ]);
    expect(document).toMatchObject({ state: { balance: 5 } });
  });

  it('refuses to start a store in another mode than the one it was made with', async () => {
    // Act
    const error = await startLocalRuntime({
      port: 0,
      endpoint: testEndpoint(),
      eventsTable: runtime.eventsTable,
      readModelTable: runtime.readModelTable,
      logLevel: 'SILENT',
      positionMode: 'strict',
      streamProcessing: false,
    }).catch((e: unknown) => e);

    // Assess
    expect((error as Error).message).toBe(
      "The store in this data folder uses position mode 'sequenced', not 'strict': start it with POSITION_MODE=sequenced (or none), or use another DATA_DIR for a new store",
    );
  });
});
