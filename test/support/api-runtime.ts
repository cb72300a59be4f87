import { DeleteTableCommand } from '@aws-sdk/client-dynamodb';
import { type LocalRuntime, startLocalRuntime } from '../../local/runtime.js';
import { EventStore } from '../../src/event-store.js';
import { defineProjection } from '../../src/projections/define.js';
import { ProjectionStore } from '../../src/projections/projection-store.js';
import { testClient, testEndpoint, uniqueName } from './dynamodb.js';

/** A projection the API knows by name; tests write its documents directly. */
export const counters = defineProjection({
  name: 'counters',
  eventTypes: ['Counted'],
  key: (event) => event.streamId,
  initialState: () => ({ count: 0 }),
  evolve: (state: { count: number }) => ({ count: state.count + 1 }),
});

export interface ApiRuntime {
  runtime: LocalRuntime;
  store: EventStore;
  projections: ProjectionStore;
  stop(): Promise<void>;
}

/** The local runtime on the run's DynamoDB Local, its tables of its own, without stream processing. */
export async function startApiRuntime(prefix: string): Promise<ApiRuntime> {
  const client = testClient();
  const runtime = await startLocalRuntime({
    port: 0,
    endpoint: testEndpoint(),
    eventsTable: uniqueName(`${prefix}-events`),
    readModelTable: uniqueName(`${prefix}-readmodels`),
    projections: [counters],
    streamProcessing: false,
    logLevel: 'SILENT',
  });
  return {
    runtime,
    store: new EventStore({ tableName: runtime.eventsTable, client }),
    projections: new ProjectionStore({ tableName: runtime.readModelTable, client }),
    stop: async () => {
      await runtime.stop();
      for (const table of [runtime.eventsTable, runtime.snapshotTable, runtime.readModelTable]) {
        await client.send(new DeleteTableCommand({ TableName: table }));
      }
      client.destroy();
    },
  };
}
