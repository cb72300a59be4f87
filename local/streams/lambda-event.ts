import type { _Record, AttributeValue } from '@aws-sdk/client-dynamodb-streams';
import type {
  DynamoDBRecord,
  DynamoDBStreamEvent,
  AttributeValue as LambdaAttributeValue,
} from 'aws-lambda';

/**
 * A GetRecords record in the shape Lambda delivers: Lambda adds
 * `eventSourceARN` (DynamoDB Local leaves it out), gives the creation time in
 * epoch seconds and binary values as base64 text.
 */
export function toLambdaRecord(record: _Record, streamArn: string): DynamoDBRecord {
  const stream = record.dynamodb ?? {};
  const image = (values: Record<string, AttributeValue> | undefined) =>
    values && Object.fromEntries(Object.entries(values).map(([k, v]) => [k, toLambdaValue(v)]));
  const dynamodb: NonNullable<DynamoDBRecord['dynamodb']> = {};
  if (stream.ApproximateCreationDateTime) {
    dynamodb.ApproximateCreationDateTime = Math.floor(
      stream.ApproximateCreationDateTime.getTime() / 1000,
    );
  }
  if (stream.Keys) dynamodb.Keys = image(stream.Keys);
  if (stream.NewImage) dynamodb.NewImage = image(stream.NewImage);
  if (stream.OldImage) dynamodb.OldImage = image(stream.OldImage);
  if (stream.SequenceNumber) dynamodb.SequenceNumber = stream.SequenceNumber;
  if (stream.SizeBytes !== undefined) dynamodb.SizeBytes = stream.SizeBytes;
  if (stream.StreamViewType) dynamodb.StreamViewType = stream.StreamViewType;
  return {
    eventID: record.eventID,
    eventName: record.eventName as DynamoDBRecord['eventName'],
    eventVersion: record.eventVersion ?? '1.1',
    eventSource: record.eventSource ?? 'aws:dynamodb',
    awsRegion: record.awsRegion ?? 'us-east-1',
    dynamodb,
    eventSourceARN: streamArn,
  };
}

export function toStreamEvent(records: DynamoDBRecord[]): DynamoDBStreamEvent {
  return { Records: records };
}

function toLambdaValue(value: AttributeValue): LambdaAttributeValue {
  if (value.M) {
    return {
      M: Object.fromEntries(Object.entries(value.M).map(([k, v]) => [k, toLambdaValue(v)])),
    };
  }
  if (value.L) return { L: value.L.map(toLambdaValue) };
  if (value.B) return { B: Buffer.from(value.B).toString('base64') };
  if (value.BS) return { BS: value.BS.map((b) => Buffer.from(b).toString('base64')) };
  return value as LambdaAttributeValue;
}
