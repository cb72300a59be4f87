import { Duration } from 'aws-cdk-lib';
import { Metric } from 'aws-cdk-lib/aws-cloudwatch';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { IEventBus } from 'aws-cdk-lib/aws-events';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { CfnPipe } from 'aws-cdk-lib/aws-pipes';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import {
  type EventFilterOptions,
  type FilterPattern,
  streamEventFilter,
} from '../src/stream-filters.js';
import { Attr } from '../src/table.js';
import { Acknowledged, acknowledge } from './acknowledgments.js';
import { createStreamDeadLetterQueue, defaultEventSource } from './stream-processors.js';

/** An EventBridge fan-out, as `EventStoreConstruct.addEventBusFanOut` takes it. */
export interface EventBusFanOutOptions extends EventFilterOptions {
  /** Where the events go; rules on it route them to any number of readers. */
  readonly eventBus: IEventBus;
  /** The events' `source`. Default `dynamo-event-store`. */
  readonly source?: string;
  /** Records per PutEvents call (at most 10). Default 10. */
  readonly batchSize?: number;
}

export interface EventBusFanOutProps extends EventBusFanOutOptions {
  readonly table: ITable;
}

export const defaultFanOutSource = 'dynamo-event-store';

/**
 * An EventBridge pipe from the events table's stream to an event bus: one
 * reader of the stream whatever the number of rules behind the bus (a
 * DynamoDB stream shard serves two readers at full speed). The filter is the
 * SDK's `streamEventFilter`, as for `addConsumer`. Each event's `detail-type`
 * is its event type and its `detail` the stream record (`detail.dynamodb.NewImage`
 * in DynamoDB JSON). EventBridge does not keep order across events; readers
 * that need stream order read the store (or use `addConsumer`).
 */
export class EventBusFanOut extends Construct {
  readonly pipe: CfnPipe;
  readonly role: Role;
  readonly deadLetterQueue: Queue;
  /** The pattern the pipe deploys. */
  readonly filter: FilterPattern;

  constructor(scope: Construct, id: string, props: EventBusFanOutProps) {
    super(scope, id);
    this.filter = streamEventFilter(props);
    this.deadLetterQueue = createStreamDeadLetterQueue(this);
    this.role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('pipes.amazonaws.com'),
    });
    props.table.grantStreamRead(this.role);
    props.eventBus.grantPutEventsTo(this.role);
    this.deadLetterQueue.grantSendMessages(this.role);
    acknowledge(this.role, Acknowledged.listStreamsWildcard);

    const streamArn = props.table.tableStreamArn;
    if (streamArn === undefined) throw new Error(`${props.table.node.path} has no stream`);
    this.pipe = new CfnPipe(this, 'Pipe', {
      description: 'dynamo-event-store events to an event bus',
      roleArn: this.role.roleArn,
      source: streamArn,
      sourceParameters: {
        dynamoDbStreamParameters: {
          startingPosition: defaultEventSource.startingPosition,
          batchSize: props.batchSize ?? 10,
          maximumRetryAttempts: defaultEventSource.retryAttempts,
          maximumRecordAgeInSeconds: defaultEventSource.maxRecordAge.toSeconds(),
          onPartialBatchItemFailure: 'AUTOMATIC_BISECT',
          deadLetterConfig: { arn: this.deadLetterQueue.queueArn },
        },
        filterCriteria: { filters: [{ pattern: JSON.stringify(this.filter) }] },
      },
      target: props.eventBus.eventBusArn,
      targetParameters: {
        eventBridgeEventBusParameters: {
          source: props.source ?? defaultFanOutSource,
          // A dynamic path: rules match `detail-type` on the event type.
          detailType: `$.dynamodb.NewImage.${Attr.type}.S`,
        },
      },
    });
    // The role's policy must exist before the pipe starts reading.
    this.pipe.node.addDependency(this.role);
  }

  /** Pipe executions that failed (the records then retry, then go to the DLQ). */
  metricExecutionFailed(): Metric {
    return new Metric({
      namespace: 'AWS/EventBridge/Pipes',
      metricName: 'ExecutionFailed',
      dimensionsMap: { PipeName: this.pipe.ref },
      statistic: 'Sum',
      period: Duration.minutes(5),
    });
  }
}
