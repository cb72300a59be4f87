import { EventBus } from 'aws-cdk-lib/aws-events';
import { beforeAll, describe, expect, it } from 'vitest';
import { defaultFanOutSource, type EventBusFanOut } from '../../infra/event-bus-fan-out.js';
import { defaultEventSource } from '../../infra/stream-processors.js';
import { streamEventFilter } from '../../src/stream-filters.js';
import {
  actionsByResource,
  consumerFilter,
  logicalId,
  type Statement,
  type Synthesized,
  synthesize,
} from './synth.js';

type Resource = { Properties: Record<string, unknown> };

describe('EventStoreConstruct.addEventBusFanOut', () => {
  let synth: Synthesized;
  let fanOut: EventBusFanOut;
  let bus: EventBus;
  let pipe: Record<string, unknown>;

  beforeAll(() => {
    let added: EventBusFanOut | undefined;
    synth = synthesize({
      extend: (stack, eventStore) => {
        bus = new EventBus(stack, 'Bus');
        added = eventStore.addEventBusFanOut('ToBus', { eventBus: bus, ...consumerFilter });
      },
    });
    if (!added) throw new Error('no fan-out');
    fanOut = added;
    pipe = (synth.template.toJSON().Resources[logicalId(fanOut.pipe)] as Resource).Properties;
  });

  it('pipes the events stream to the bus with streamEventFilter’s pattern, the event type as detail-type', () => {
    expect(pipe).toMatchObject({
      Source: { 'Fn::GetAtt': [logicalId(synth.eventStore.eventsTable), 'StreamArn'] },
      Target: { 'Fn::GetAtt': [logicalId(bus), 'Arn'] },
      SourceParameters: {
        FilterCriteria: {
          Filters: [{ Pattern: JSON.stringify(streamEventFilter(consumerFilter)) }],
        },
      },
      TargetParameters: {
        EventBridgeEventBusParameters: {
          Source: defaultFanOutSource,
          DetailType: '$.dynamodb.NewImage.type.S',
        },
      },
    });
  });

  it('bisects failing batches, bounds retries and record age, and sends what still fails to its own DLQ', () => {
    expect(pipe).toMatchObject({
      SourceParameters: {
        DynamoDBStreamParameters: {
          StartingPosition: 'TRIM_HORIZON',
          OnPartialBatchItemFailure: 'AUTOMATIC_BISECT',
          MaximumRetryAttempts: defaultEventSource.retryAttempts,
          MaximumRecordAgeInSeconds: defaultEventSource.maxRecordAge.toSeconds(),
          DeadLetterConfig: { Arn: { 'Fn::GetAtt': [logicalId(fanOut.deadLetterQueue), 'Arn'] } },
        },
      },
    });
  });

  it('lets its role read the events stream, put events on the bus and send to its DLQ, nothing else', () => {
    const policies = synth.template.findResources('AWS::IAM::Policy', {
      Properties: { Roles: [{ Ref: logicalId(fanOut.role) }] },
    });
    const statements = Object.values(policies).flatMap(
      (p) =>
        (p as { Properties: { PolicyDocument: { Statement: Statement[] } } }).Properties
          .PolicyDocument.Statement,
    );

    expect(actionsByResource(statements)).toEqual({
      '*': ['dynamodb:ListStreams'],
      [`${logicalId(synth.eventStore.eventsTable)}.StreamArn`]: [
        'dynamodb:DescribeStream',
        'dynamodb:GetRecords',
        'dynamodb:GetShardIterator',
      ],
      [`${logicalId(bus)}.Arn`]: ['events:PutEvents'],
      [`${logicalId(fanOut.deadLetterQueue)}.Arn`]: [
        'sqs:GetQueueAttributes',
        'sqs:GetQueueUrl',
        'sqs:SendMessage',
      ],
    });
  });

  it('alarms on failed pipe executions and on its dead letters', () => {
    synth.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/EventBridge/Pipes',
      MetricName: 'ExecutionFailed',
      Dimensions: [{ Name: 'PipeName', Value: { Ref: logicalId(fanOut.pipe) } }],
    });
    synth.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [
        {
          Name: 'QueueName',
          Value: { 'Fn::GetAtt': [logicalId(fanOut.deadLetterQueue), 'QueueName'] },
        },
      ],
    });
  });
});
