import {
  CreateTableCommand,
  DeleteTableCommand,
  DescribeTableCommand,
} from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, expect, it } from 'vitest';
import { createTables, toCreateTableInput } from '../src/create-tables.js';
import { EventStore } from '../src/event-store.js';
import { loadLayout } from '../src/position/counter.js';
import { eventsTableSchema, Index } from '../src/table.js';
import { testClient, uniqueName } from './support/dynamodb.js';

const client = testClient();
const made: string[] = [];

afterAll(async () => {
  for (const name of made) {
    for (const table of [name, `${name}-snapshots`]) {
      await client.send(new DeleteTableCommand({ TableName: table })).catch(() => {});
    }
  }
  client.destroy();
});

it('gives an events table made before the byCategory index that index, filled from the heads already there', async () => {
  // Prepare: the table as an older version made it, with a stream in it.
  const eventsTable = uniqueName('older-events');
  made.push(eventsTable);
  const input = toCreateTableInput(eventsTableSchema, eventsTable);
  const indexes = input.GlobalSecondaryIndexes?.filter((i) => i.IndexName !== Index.byCategory);
  const keyNames = new Set(
    [...(input.KeySchema ?? []), ...(indexes ?? []).flatMap((i) => i.KeySchema ?? [])].map(
      (key) => key.AttributeName,
    ),
  );
  await client.send(
    new CreateTableCommand({
      ...input,
      AttributeDefinitions: input.AttributeDefinitions?.filter((a) =>
        keyNames.has(a.AttributeName),
      ),
      GlobalSecondaryIndexes: indexes,
    }),
  );
  // Its counter, as createTables writes it (createTables itself would add the index).
  await loadLayout(DynamoDBDocumentClient.from(client), eventsTable, 'reserved');
  const store = new EventStore({ tableName: eventsTable, client });
  await store.appendToStream('cart-1', [{ type: 'Opened', data: {} }]);
  const before = await store.listStreams({ category: 'cart' }).catch((error: Error) => error);

  // Act
  await createTables(client, { eventsTable });

  // Assess
  expect(before).toBeInstanceOf(Error);
  const { Table } = await client.send(new DescribeTableCommand({ TableName: eventsTable }));
  expect(Table?.GlobalSecondaryIndexes?.map((i) => [i.IndexName, i.IndexStatus])).toEqual(
    expect.arrayContaining([[Index.byCategory, 'ACTIVE']]),
  );
  const listed = await store.listStreams({ category: 'cart' });
  expect(listed.streams.map((s) => s.streamId)).toEqual(['cart-1']);
});
