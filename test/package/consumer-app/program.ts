import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  createTables,
  EventStore,
  isEventStoreError,
  type RecordedEvent,
  WrongExpectedVersionError,
} from 'dynamo-event-store';

/** Appends and reads through the installed SDK against DynamoDB Local; prints what it saw. */
const endpoint = process.env.DYNAMODB_ENDPOINT;
const tableName = process.env.EVENTS_TABLE_NAME ?? 'orders-events';
const client = new DynamoDBClient({
  endpoint,
  region: 'us-east-1',
  credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
});
await createTables(client, { eventsTable: tableName, readModelTable: `${tableName}-read-models` });
const store = new EventStore({ tableName, client });

const appended = await store.appendToStream(
  'order-1',
  [{ type: 'OrderPlaced', data: { total: 42 } }],
  { expectedVersion: 'no_stream' },
);
let conflict: string | undefined;
try {
  await store.appendToStream('order-1', [{ type: 'OrderPaid', data: {} }], { expectedVersion: 0 });
} catch (error) {
  if (isEventStoreError(error) && error instanceof WrongExpectedVersionError) conflict = error.code;
  else throw error;
}
const read: RecordedEvent[] = [];
for await (const event of store.readStream('order-1')) read.push(event);
console.log(
  JSON.stringify({
    nextExpectedVersion: appended.nextExpectedVersion,
    conflict,
    read: read.map((e) => ({ version: e.version, type: e.type, data: e.data })),
  }),
);
client.destroy();
