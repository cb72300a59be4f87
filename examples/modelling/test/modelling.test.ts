import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { createTables, EventStore, type RecordedEvent } from 'dynamo-event-store';
import { startLocalRuntime } from 'dynamo-event-store/local';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { events } from '../src/events.js';
import { payOrder } from '../src/orders.js';
import { shippingHandler } from '../src/shipping.js';

const endpoint = inject('dynamodbEndpoint');
const client = new DynamoDBClient({
  endpoint,
  region: 'us-east-1',
  credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
});
const tableName = `modelling-${randomUUID().slice(0, 8)}`;
const before = new EventStore({ tableName, client }); // the app before it had typed events
const store = new EventStore({ tableName, client, events: events });

beforeAll(() => createTables(client, { eventsTable: tableName }));
afterAll(() => client.destroy());

async function readAll(stream: AsyncIterable<RecordedEvent>): Promise<RecordedEvent[]> {
  const events: RecordedEvent[] = [];
  for await (const event of stream) events.push(event);
  return events;
}

/** The record Lambda delivers to a consumer for the event at `version` of `streamId`. */
async function insertRecord(streamId: string, version: number): Promise<DynamoDBRecord> {
  const { Item } = await DynamoDBDocumentClient.from(client).send(
    new GetCommand({
      TableName: tableName,
      Key: { PK: `STREAM#${streamId}`, SK: `VERSION#${String(version).padStart(12, '0')}` },
    }),
  );
  const image = marshall(Item ?? {}) as NonNullable<DynamoDBRecord['dynamodb']>['NewImage'];
  return {
    eventName: 'INSERT',
    dynamodb: {
      Keys: { SK: { S: `VERSION#${String(version).padStart(12, '0')}` } },
      NewImage: image,
      SequenceNumber: '1',
    },
  };
}

describe('modelling a domain with typed events', () => {
  it('reads an event stored before its upcaster existed in the latest shape', async () => {
    const orderId = randomUUID();
    await before.appendToStream(`order-${orderId}`, [{ type: 'OrderPlaced', data: { total: 42 } }]);

    const [placed] = await readAll(store.readStream(`order-${orderId}`));

    expect(placed?.data).toEqual({ total: { amount: 42, currency: 'EUR' } });
  });

  it('refuses an append whose data its schema refuses, naming the event and the field', async () => {
    await expect(
      store.appendToStream(`order-${randomUUID()}`, [
        { type: 'OrderPlaced', data: { total: { amount: 42, currency: 'euro' } } },
      ]),
    ).rejects.toThrow(
      "events[0].data.total.currency does not match event type 'OrderPlaced' (schema version 2): Too big: expected string to have exactly 3 characters",
    );
  });

  it('carries a command’s correlation to the events it causes, through a consumer', async () => {
    const orderId = randomUUID();
    const streamId = `order-${orderId}`;
    await before.appendToStream(streamId, [{ type: 'OrderPlaced', data: { total: 42 } }]);
    const command = { commandId: randomUUID(), correlationId: 'request-7', orderId, amount: 42 };

    const paid = await payOrder(store, command);
    await shippingHandler(store)({ Records: [await insertRecord(streamId, 2)] });
    const [, payment, shipment] = await readAll(store.readStream(streamId));

    expect(paid.nextExpectedVersion).toBe(2);
    expect(payment?.metadata).toEqual({
      correlationId: 'request-7',
      causationId: command.commandId,
    });
    expect(shipment).toMatchObject({
      type: 'OrderShipped',
      data: { carrier: 'post' },
      metadata: { correlationId: 'request-7', causationId: payment?.eventId },
    });
  });

  it('the local runtime given the registry validates HTTP appends and reads the latest shape', async () => {
    const runtime = await startLocalRuntime({
      endpoint,
      eventsTable: tableName,
      readModelTable: `${tableName}-read-models`,
      events: events,
      port: 0,
      streamProcessing: false,
    });
    try {
      const orderId = randomUUID();
      await before.appendToStream(`order-${orderId}`, [
        { type: 'OrderPlaced', data: { total: 7 } },
      ]);
      const url = `${runtime.url}/streams/order-${orderId}/events`;
      const post = (data: unknown) =>
        fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ events: [{ type: 'OrderPaid', data }] }),
        });

      const refused = await post({ amount: -7 });
      const accepted = await post({ amount: 7 });
      const read = (await (await fetch(url)).json()) as { events: RecordedEvent[] };

      expect(refused.status).toBe(400);
      expect(await refused.json()).toEqual({
        error: 'ValidationError',
        message:
          "events[0].data.amount does not match event type 'OrderPaid' (schema version 1): Too small: expected number to be >0",
      });
      expect(accepted.status).toBe(201);
      expect(read.events.map((e) => e.data)).toEqual([
        { total: { amount: 7, currency: 'EUR' } },
        { amount: 7 },
      ]);
    } finally {
      await runtime.stop();
    }
  });
});
