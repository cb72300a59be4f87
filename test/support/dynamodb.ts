import { randomUUID } from 'node:crypto';
import { DeleteTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { inject } from 'vitest';
import { localClient } from '../../local/dynamodb-local.js';
import { createTables } from '../../src/create-tables.js';

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
  readModelTable: string;
  drop(): Promise<void>;
}

/** Each spec file creates its own tables (in beforeAll) and drops them (in afterAll). */
export async function createTestTables(prefix: string, client = testClient()): Promise<TestTables> {
  const eventsTable = uniqueName(`${prefix}-events`);
  const readModelTable = uniqueName(`${prefix}-readmodels`);
  await createTables(client, { eventsTable, readModelTable });
  return {
    client,
    eventsTable,
    readModelTable,
    drop: async () => {
      await client.send(new DeleteTableCommand({ TableName: eventsTable }));
      await client.send(new DeleteTableCommand({ TableName: readModelTable }));
    },
  };
}
