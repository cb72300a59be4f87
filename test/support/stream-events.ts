import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import type {
  DynamoDBRecord,
  DynamoDBStreamEvent,
  AttributeValue as LambdaAttributeValue,
} from 'aws-lambda';
import type { EventStore } from '../../src/event-store.js';
import { toEventItem } from '../../src/records.js';
import type { RecordedEvent } from '../../src/types.js';

let sequence = 0;

/** A unique, increasing sequence number, as a shard hands them out. */
export function nextSequenceNumber(): string {
  sequence += 1;
  return String(sequence).padStart(21, '0');
}

/** The INSERT record Lambda delivers for the event's item (NEW_IMAGE view). */
export function insertRecordOf(event: RecordedEvent): DynamoDBRecord {
  const image = marshall(toEventItem(event), { removeUndefinedValues: true });
  return recordOf('INSERT', image);
}

export function recordOf(
  eventName: 'INSERT' | 'MODIFY' | 'REMOVE',
  image: Record<string, AttributeValue>,
): DynamoDBRecord {
  const lambdaImage = image as Record<string, LambdaAttributeValue>;
  return {
    eventID: `event-${nextSequenceNumber()}`,
    eventName,
    eventVersion: '1.1',
    eventSource: 'aws:dynamodb',
    awsRegion: 'us-east-1',
    eventSourceARN:
      'arn:aws:dynamodb:us-east-1:000000000000:table/test/stream/2024-01-01T00:00:00.000',
    dynamodb: {
      ApproximateCreationDateTime: Math.floor(Date.now() / 1000),
      Keys: {
        PK: lambdaImage.PK as LambdaAttributeValue,
        SK: lambdaImage.SK as LambdaAttributeValue,
      },
      NewImage: lambdaImage,
      SequenceNumber: nextSequenceNumber(),
      SizeBytes: 100,
      StreamViewType: 'NEW_IMAGE',
    },
  };
}

export function streamEventOf(events: readonly RecordedEvent[]): DynamoDBStreamEvent {
  return { Records: events.map(insertRecordOf) };
}

export async function readWholeStream(
  store: EventStore,
  streamId: string,
): Promise<RecordedEvent[]> {
  const events: RecordedEvent[] = [];
  for await (const event of store.readStream(streamId)) events.push(event);
  return events;
}

export async function readEverything(store: EventStore): Promise<RecordedEvent[]> {
  const events: RecordedEvent[] = [];
  for await (const event of store.readAll()) events.push(event);
  return events;
}

/** Waits until `probe` returns a value, or fails after `timeoutMs`. */
export async function eventually<T>(
  probe: () => Promise<T | undefined>,
  timeoutMs = 10_000,
  intervalMs = 20,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
