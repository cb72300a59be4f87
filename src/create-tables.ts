import { setTimeout as sleep } from 'node:timers/promises';
import {
  type AttributeDefinition,
  CreateTableCommand,
  type CreateTableCommandInput,
  DescribeTableCommand,
  type DynamoDBClient,
  ResourceInUseException,
  UpdateTableCommand,
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

/**
 * Creates the table unless it exists, and waits until it is ACTIVE. An
 * existing table made by an older version gets the indexes it lacks (a local
 * data folder from before `byCategory`, say); DynamoDB fills them from the
 * items already there.
 */
export async function createTable(
  client: DynamoDBClient,
  schema: TableSchema,
  tableName: string,
): Promise<void> {
  let existed = false;
  try {
    await client.send(new CreateTableCommand(toCreateTableInput(schema, tableName)));
  } catch (error) {
    if (!(error instanceof ResourceInUseException)) throw error;
    existed = true;
  }
  await waitUntilTableExists({ client, maxWaitTime: 60, minDelay: 1 }, { TableName: tableName });
  if (existed) await addMissingIndexes(client, schema, tableName);
}

const INDEX_WAIT_MS = 120_000;

async function addMissingIndexes(
  client: DynamoDBClient,
  schema: TableSchema,
  tableName: string,
): Promise<void> {
  const described = await client.send(new DescribeTableCommand({ TableName: tableName }));
  const present = new Set(
    (described.Table?.GlobalSecondaryIndexes ?? []).map((index) => index.IndexName),
  );
  const wanted = toCreateTableInput(schema, tableName);
  for (const index of wanted.GlobalSecondaryIndexes ?? []) {
    if (present.has(index.IndexName)) continue;
    const keys = new Set(index.KeySchema?.map((key) => key.AttributeName));
    await client.send(
      new UpdateTableCommand({
        TableName: tableName,
        AttributeDefinitions: wanted.AttributeDefinitions?.filter((a) => keys.has(a.AttributeName)),
        GlobalSecondaryIndexUpdates: [{ Create: index }],
      }),
    );
    await waitUntilIndexActive(client, tableName, String(index.IndexName));
  }
}

/** DynamoDB creates one index at a time and backfills it before it is ACTIVE. */
async function waitUntilIndexActive(
  client: DynamoDBClient,
  tableName: string,
  indexName: string,
): Promise<void> {
  const giveUpAt = Date.now() + INDEX_WAIT_MS;
  for (;;) {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    const index = Table?.GlobalSecondaryIndexes?.find((i) => i.IndexName === indexName);
    if (index?.IndexStatus === 'ACTIVE') return;
    if (Date.now() > giveUpAt) {
      throw new Error(
        `Index ${indexName} of table ${tableName} is still ${index?.IndexStatus ?? 'missing'} after ${INDEX_WAIT_MS / 1000} s`,
      );
    }
    await sleep(500);
  }
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
