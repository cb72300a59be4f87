import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
} from '@aws-sdk/client-dynamodb-streams';
import { describe, expect, it } from 'vitest';
import { readBatch } from '../../cli/dlq/sqs-queues.js';
import { streamArnOf } from '../../local/streams/shard-reader.js';
import { testEndpoint, useTestStore } from '../support/dynamodb.js';

const fixture = useTestStore('cli-batch');

describe('readBatch (the AWS dead letters: coordinates -> events)', () => {
  it("reads the events between a batch's first and last sequence numbers again from the stream", async () => {
    await fixture.store.appendToStream('acct-1', [
      { type: 'A', data: {} },
      { type: 'B', data: {} },
    ]);
    await fixture.store.appendToStream('acct-2', [{ type: 'C', data: {} }]);
    await fixture.store.appendToStream('acct-3', [{ type: 'D', data: {} }]);
    const streamArn = await streamArnOf(fixture.client, fixture.tables.eventsTable);
    const streams = new DynamoDBStreamsClient({
      endpoint: testEndpoint(),
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    const { StreamDescription } = await streams.send(
      new DescribeStreamCommand({ StreamArn: streamArn }),
    );
    const shardId = StreamDescription?.Shards?.[0]?.ShardId as string;
    const { ShardIterator } = await streams.send(
      new GetShardIteratorCommand({
        StreamArn: streamArn,
        ShardId: shardId,
        ShardIteratorType: 'TRIM_HORIZON',
      }),
    );
    const { Records = [] } = await streams.send(new GetRecordsCommand({ ShardIterator }));
    streams.destroy();
    // A batch as Lambda would report it: from acct-1's second event through acct-2's event.
    const events = Records.filter((r) => r.dynamodb?.Keys?.SK?.S?.startsWith('VERSION#'));
    const start = events.find(
      (r) => r.dynamodb?.Keys?.PK?.S === 'STREAM#acct-1' && r.dynamodb.Keys.SK?.S?.endsWith('2'),
    );
    const end = events.find((r) => r.dynamodb?.Keys?.PK?.S === 'STREAM#acct-2');

    const keys = await readBatch(fixture.client, {
      shardId,
      streamArn,
      startSequenceNumber: start?.dynamodb?.SequenceNumber as string,
      endSequenceNumber: end?.dynamodb?.SequenceNumber as string,
    });

    expect(keys).toEqual([
      { streamId: 'acct-1', version: 2 },
      { streamId: 'acct-2', version: 1 },
    ]);
  });
});
