import {
  type AttributeDefinition,
  CreateTableCommand,
  type CreateTableCommandInput,
  type DynamoDBClient,
  ResourceInUseException,
  waitUntilTableExists,
} from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { loadLayout } from './position/counter.js';
import {
  defaultSnapshotTableName,
  eventsTableSchema,
  type KeySchema,
  readModelTableSchema,
  snapshotTableSchema,
  type TableSchema,
} from './table.js';
import type { PositionMode } from './types.js';

/** The CreateTable input for a schema; on-demand billing, as the CDK construct deploys it. */
export function toCreateTableInput(
  schema: TableSchema,
  tableName: string,
): CreateTableCommandInput {
  const keys: KeySchema[] = [schema.partitionKey, schema.sortKey];
  for (const gsi of schema.globalSecondaryIndexes) keys.push(gsi.partitionKey, gsi.sortKey);
  const attributeDefinitions = new Map<string, AttributeDefinition>();
  for (const key of keys) {
    attributeDefinitions.set(key.name, { AttributeName: key.name, AttributeType: key.type });
  }
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [...attributeDefinitions.values()],
    KeySchema: [
      { AttributeName: schema.partitionKey.name, KeyType: 'HASH' },
      { AttributeName: schema.sortKey.name, KeyType: 'RANGE' },
    ],
    ...(schema.globalSecondaryIndexes.length > 0 && {
      GlobalSecondaryIndexes: schema.globalSecondaryIndexes.map((gsi) => ({
        IndexName: gsi.indexName,
        KeySchema: [
          { AttributeName: gsi.partitionKey.name, KeyType: 'HASH' },
          { AttributeName: gsi.sortKey.name, KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: gsi.projection },
      })),
    }),
    ...(schema.stream && {
      StreamSpecification: { StreamEnabled: true, StreamViewType: schema.stream },
    }),
  };
}

/** Creates the table unless it exists, and waits until it is ACTIVE. */
export async function createTable(
  client: DynamoDBClient,
  schema: TableSchema,
  tableName: string,
): Promise<void> {
  try {
    await client.send(new CreateTableCommand(toCreateTableInput(schema, tableName)));
  } catch (error) {
    if (!(error instanceof ResourceInUseException)) throw error;
  }
  await waitUntilTableExists({ client, maxWaitTime: 60, minDelay: 1 }, { TableName: tableName });
}

export interface TableNames {
  eventsTable: string;
  /** Default `${eventsTable}-snapshots`, where an EventStore without `snapshotTableName` looks. */
  snapshotTable?: string;
  readModelTable?: string;
  /**
   * The position mode a new events table is set up with (default `'reserved'`);
   * it is recorded in the table's counter item, and every client follows it.
   */
  positionMode?: PositionMode;
}

/**
 * Creates the events table with its position counter, its snapshot table and,
 * when named, the read-model table. Safe to call again; an existing store keeps
 * its mode (naming another one fails with PositionModeMismatchError).
 */
export async function createTables(client: DynamoDBClient, names: TableNames): Promise<void> {
  await createTable(client, eventsTableSchema, names.eventsTable);
  const doc = DynamoDBDocumentClient.from(client);
  await loadLayout(doc, names.eventsTable, names.positionMode);
  await createTable(
    client,
    snapshotTableSchema,
    names.snapshotTable ?? defaultSnapshotTableName(names.eventsTable),
  );
  if (names.readModelTable) await createTable(client, readModelTableSchema, names.readModelTable);
}
