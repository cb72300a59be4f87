import { randomUUID } from 'node:crypto';
import { DeleteTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, inject } from 'vitest';
import { localClient } from '../../local/dynamodb-local.js';
import { createTables } from '../../src/create-tables.js';
import { EventStore } from '../../src/event-store.js';
import { defaultSnapshotTableName } from '../../src/table.js';
import type {
  AppendResult,
  EventStoreOptions,
  PositionedEvent,
  PositionMode,
} from '../../src/types.js';

export function testEndpoint(): string {
  return inject('dynamodbEndpoint');
}

/** A client for the run's DynamoDB Local. */
export function testClient(): DynamoDBClient {
  return localClient(testEndpoint());
}

export function uniqueName(prefix: string): string {
  return `${prefix}-${randomUUID().slice(0, 8)}`;
}

/** Fresh stream ids per test keep tests independent inside one table. */
export function streamId(category = 'test'): string {
  return `${category}-${randomUUID()}`;
}

export interface TestTables {
  client: DynamoDBClient;
  eventsTable: string;
  /** The default one for `eventsTable`, so an EventStore given only `eventsTable` uses it. */
  snapshotTable: string;
  readModelTable: string;
  drop(): Promise<void>;
}

/** Each spec file creates its own tables (in beforeAll) and drops them (in afterAll). */
export async function createTestTables(
  prefix: string,
  client = testClient(),
  positionMode?: PositionMode,
): Promise<TestTables> {
  const eventsTable = uniqueName(`${prefix}-events`);
  const readModelTable = uniqueName(`${prefix}-readmodels`);
  const snapshotTable = defaultSnapshotTableName(eventsTable);
  await createTables(client, {
    eventsTable,
    readModelTable,
    ...(positionMode && { positionMode }),
  });
  return {
    client,
    eventsTable,
    snapshotTable,
    readModelTable,
    drop: async () => {
      await client.send(new DeleteTableCommand({ TableName: eventsTable }));
      await client.send(new DeleteTableCommand({ TableName: snapshotTable }));
      await client.send(new DeleteTableCommand({ TableName: readModelTable }));
    },
  };
}

export interface TestStore {
  readonly tables: TestTables;
  readonly store: EventStore;
  /** The client of `tables` and `store`. */
  readonly client: DynamoDBClient;
}

/**
 * A store on the fixture's table with a client of its own, so the middleware a
 * test adds to it (faults, spies, delays) stays out of the shared store.
 * The test destroys `client`.
 */
export function ownStore(
  db: TestStore,
  options: Omit<EventStoreOptions, 'tableName' | 'client'> = {},
): { client: DynamoDBClient; store: EventStore } {
  const client = testClient();
  const store = new EventStore({ ...options, tableName: db.tables.eventsTable, client });
  return { client, store };
}

/**
 * The fixture most spec files share (`options.positionMode` also sets up the table in that mode): fresh tables and an EventStore on them for
 * the file, dropped and the client destroyed when it ends. Call it at the top of
 * the file, before the file's own hooks: vitest runs afterAll hooks in reverse,
 * so those see the tables created and finish (stop pollers...) before the drop.
 * The tables only exist once beforeAll has run, hence getters, read in hooks and tests.
 */
export function useTestStore(
  prefix: string,
  options: Omit<EventStoreOptions, 'tableName' | 'client'> = {},
): TestStore {
  let fixture: { tables: TestTables; store: EventStore } | undefined;
  beforeAll(async () => {
    const tables = await createTestTables(prefix, testClient(), options.positionMode);
    const store = new EventStore({
      ...options,
      tableName: tables.eventsTable,
      client: tables.client,
    });
    fixture = { tables, store };
  });
  afterAll(async () => {
    try {
      await fixture?.tables.drop();
    } finally {
      fixture?.tables.client.destroy();
    }
  });
  const ready = () => {
    if (!fixture) throw new Error(`useTestStore('${prefix}'): read before its beforeAll ran`);
    return fixture;
  };
  return {
    get tables() {
      return ready().tables;
    },
    get store() {
      return ready().store;
    },
    get client() {
      return ready().tables.client;
    },
  };
}

/** An append's result in a mode that places events at once (reserved, strict): positions are numbers. */
export function placed<R extends AppendResult>(
  result: R,
): R & { firstPosition: number; lastPosition: number; events: PositionedEvent[] } {
  if (result.firstPosition === null || result.lastPosition === null) {
    throw new Error(`expected positions in the append's result (got ${JSON.stringify(result)})`);
  }
  return result as R & { firstPosition: number; lastPosition: number; events: PositionedEvent[] };
}
