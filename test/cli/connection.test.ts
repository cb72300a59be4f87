import { describe, expect, it } from 'vitest';
import { type ConnectionSources, resolveConnection } from '../../cli/connection.js';
import { batchInfoOf } from '../../cli/dlq/sqs-queues.js';
import { configFromOutputs } from '../../cli/stack-outputs.js';

const runtime = {
  pid: 1,
  endpoint: 'http://127.0.0.1:4567',
  url: 'http://127.0.0.1:3000',
  eventsTable: 'event-store-events',
  readModelTable: 'event-store-read-models',
  snapshotTable: 'event-store-events-snapshots',
};
const none: ConnectionSources = { runtime: undefined, stack: undefined };

describe('resolveConnection', () => {
  it('uses the running local runtime by default, with its endpoint, tables and data folder', () => {
    expect(resolveConnection({}, {}, { runtime, stack: undefined })).toEqual({
      target: 'local',
      endpoint: runtime.endpoint,
      region: undefined,
      profile: undefined,
      eventsTable: 'event-store-events',
      readModelTable: 'event-store-read-models',
      snapshotTable: 'event-store-events-snapshots',
      dataDir: expect.stringMatching(/\/\.data$/),
      deadLetterQueues: {},
    });
  });

  it('lets flags beat the environment, which beats the runtime', () => {
    const connection = resolveConnection(
      { table: 'from-flag' },
      { EVENTS_TABLE_NAME: 'from-env', READ_MODEL_TABLE_NAME: 'models-from-env' },
      { runtime, stack: undefined },
    );

    expect(connection).toMatchObject({
      eventsTable: 'from-flag',
      readModelTable: 'models-from-env',
      snapshotTable: 'event-store-events-snapshots',
    });
  });

  it('goes to AWS with --region and needs the table named there', () => {
    expect(() =>
      resolveConnection({ region: 'eu-west-1' }, {}, { runtime, stack: undefined }),
    ).toThrow(
      '--table is needed against AWS: name the events table (or set EVENTS_TABLE_NAME, or pass --stack NAME)',
    );
    expect(resolveConnection({ profile: 'ops', table: 'prod-events' }, {}, none)).toMatchObject({
      target: 'aws',
      endpoint: undefined,
      profile: 'ops',
      eventsTable: 'prod-events',
      readModelTable: 'prod-events-read-models',
      snapshotTable: 'prod-events-snapshots',
      dataDir: undefined,
    });
  });

  it("takes a deployed stack's tables and dead-letter queues", () => {
    const stack = configFromOutputs('Shop', [
      { OutputKey: 'EventStoreEventsTableName1A2B', OutputValue: 'Shop-Events-X' },
      { OutputKey: 'EventStoreReadModelTableNameC3D4', OutputValue: 'Shop-Models-X' },
      { OutputKey: 'EventStoreSnapshotTableName5E6F', OutputValue: 'Shop-Snaps-X' },
      {
        OutputKey: 'EventStoreProjectorDeadLetterQueueUrl7A8B',
        OutputValue: 'https://sqs/projector',
      },
      { OutputKey: 'EventStoreApiUrl9C0D', OutputValue: 'https://api' },
    ]);

    expect(
      resolveConnection({ stack: 'Shop', region: 'eu-west-1' }, {}, { runtime, stack }),
    ).toEqual({
      target: 'aws',
      endpoint: undefined,
      region: 'eu-west-1',
      profile: undefined,
      eventsTable: 'Shop-Events-X',
      readModelTable: 'Shop-Models-X',
      snapshotTable: 'Shop-Snaps-X',
      dataDir: undefined,
      deadLetterQueues: { projector: 'https://sqs/projector' },
    });
  });

  it('refuses a stack without the construct, listing its outputs', () => {
    expect(() =>
      configFromOutputs('Other', [{ OutputKey: 'BucketName', OutputValue: 'b' }]),
    ).toThrow(
      '--stack Other has no EventsTableName output (outputs: BucketName): name a stack that holds the EventStore construct, or pass --table',
    );
  });
});

describe('batchInfoOf', () => {
  it('reads the coordinates of a Lambda on-failure record, and nothing from any other message', () => {
    const body = JSON.stringify({
      requestContext: { condition: 'RetryAttemptsExhausted', approximateInvokeCount: 3 },
      version: '1.0',
      DDBStreamBatchInfo: {
        shardId: 'shardId-00000001',
        startSequenceNumber: '100',
        endSequenceNumber: '200',
        approximateArrivalOfFirstRecord: '2026-11-30T10:00:00Z',
        approximateArrivalOfLastRecord: '2026-11-30T10:00:01Z',
        batchSize: 3,
        streamArn: 'arn:aws:dynamodb:eu-west-1:1:table/e/stream/2026',
      },
    });

    expect(batchInfoOf(body)).toMatchObject({
      shardId: 'shardId-00000001',
      startSequenceNumber: '100',
      endSequenceNumber: '200',
      streamArn: 'arn:aws:dynamodb:eu-west-1:1:table/e/stream/2026',
    });
    expect(batchInfoOf('{"hello":1}')).toBeUndefined();
    expect(batchInfoOf('not json')).toBeUndefined();
  });
});
