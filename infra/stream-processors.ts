import { Duration } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { FilterCriteria, StartingPosition } from 'aws-cdk-lib/aws-lambda';
import {
  DynamoEventSource,
  type DynamoEventSourceProps,
  SqsDlq,
} from 'aws-cdk-lib/aws-lambda-event-sources';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { type StreamConsumerName, StreamFilters } from '../src/stream-filters.js';
import { Acknowledged, acknowledge } from './acknowledgments.js';
import {
  createEventStoreFunction,
  defaultTimeouts,
  type FunctionOverrides,
} from './node-function.js';

/** The filter, the failure reporting and the DLQ are the construct's promises. */
export type EventSourceOverrides = Partial<
  Omit<DynamoEventSourceProps, 'filters' | 'reportBatchItemFailures' | 'onFailure'>
>;

export interface StreamProcessorProps {
  readonly consumer: StreamConsumerName;
  readonly entry: string;
  /** The app's modules, bound into the bundle (see `appModuleAliases`). */
  readonly aliases?: Record<string, string> | undefined;
  readonly table: ITable;
  readonly environment: Record<string, string>;
  readonly logRetention: RetentionDays;
  readonly function?: FunctionOverrides | undefined;
  readonly eventSource?: EventSourceOverrides | undefined;
}

/**
 * Bounded so a poison batch cannot hold its shard for the stream's whole 24 h
 * retention: after 10 retries (bisected down to the failing record) or 6 h,
 * the batch's coordinates go to the DLQ while the records are still readable
 * from the stream for at least 18 h more.
 */
export const defaultEventSource = {
  startingPosition: StartingPosition.TRIM_HORIZON,
  batchSize: 100,
  bisectBatchOnError: true,
  retryAttempts: 10,
  maxRecordAge: Duration.hours(6),
} as const satisfies Partial<DynamoEventSourceProps>;

/**
 * One consumer of the events table's stream: a function, its event source
 * mapping (event INSERTs only, partial batch responses) and its own DLQ, so a
 * message in it says which consumer failed. Grants are the caller's: the two
 * consumers need different ones.
 */
export class StreamProcessor extends Construct {
  readonly function: NodejsFunction;
  readonly deadLetterQueue: Queue;

  constructor(scope: Construct, id: string, props: StreamProcessorProps) {
    super(scope, id);
    this.function = createEventStoreFunction(this, 'Handler', {
      entry: props.entry,
      aliases: props.aliases,
      environment: props.environment,
      timeout: defaultTimeouts.processor,
      memorySize: 512,
      logRetention: props.logRetention,
      overrides: props.function,
    });
    // A stream DLQ receives batch coordinates (shard, sequence numbers), not the records.
    this.deadLetterQueue = new Queue(this, 'DeadLetters', {
      retentionPeriod: Duration.days(14),
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
    });
    acknowledge(this.deadLetterQueue, Acknowledged.dlqWithoutDlq, Acknowledged.dlqWithoutRedrive);
    this.function.addEventSource(
      new DynamoEventSource(props.table, {
        ...defaultEventSource,
        ...props.eventSource,
        filters: StreamFilters[props.consumer].map((pattern) => FilterCriteria.filter(pattern)),
        reportBatchItemFailures: true,
        onFailure: new SqsDlq(this.deadLetterQueue),
      }),
    );
  }
}
