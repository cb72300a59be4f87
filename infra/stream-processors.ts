import { Duration } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { FilterCriteria, type IFunction, StartingPosition } from 'aws-cdk-lib/aws-lambda';
import {
  DynamoEventSource,
  type DynamoEventSourceProps,
  SqsDlq,
} from 'aws-cdk-lib/aws-lambda-event-sources';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import {
  type FilterPattern,
  type StreamConsumerName,
  StreamFilters,
} from '../src/stream-filters.js';
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
 * Where a stream reader's given-up batches go: batch coordinates (shard,
 * sequence numbers), not the records, kept 14 days.
 */
export function createStreamDeadLetterQueue(scope: Construct): Queue {
  const queue = new Queue(scope, 'DeadLetters', {
    retentionPeriod: Duration.days(14),
    encryption: QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
  });
  acknowledge(queue, Acknowledged.dlqWithoutDlq, Acknowledged.dlqWithoutRedrive);
  return queue;
}

export interface StreamSourceProps {
  readonly table: ITable;
  /** Lambda event-filtering patterns (from `src/stream-filters.ts`); a record passes when any matches. */
  readonly filters: readonly FilterPattern[];
  readonly eventSource?: EventSourceOverrides | undefined;
}

/**
 * Puts a function on the events table's stream the way every consumer of the
 * store is put there: filtered, partial batch responses, bounded retries, and
 * a dead-letter queue of its own (created in `scope`, returned) so a message
 * in it says which consumer failed.
 */
export function addStreamSource(scope: Construct, fn: IFunction, props: StreamSourceProps): Queue {
  const deadLetterQueue = createStreamDeadLetterQueue(scope);
  fn.addEventSource(
    new DynamoEventSource(props.table, {
      ...defaultEventSource,
      ...props.eventSource,
      filters: props.filters.map((pattern) => FilterCriteria.filter(pattern)),
      reportBatchItemFailures: true,
      onFailure: new SqsDlq(deadLetterQueue),
    }),
  );
  return deadLetterQueue;
}

/**
 * One of the store's own consumers of the events table's stream: a function
 * bundled from the package's entry, on the stream through `addStreamSource`.
 * Grants are the caller's: the consumers need different ones.
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
    this.deadLetterQueue = addStreamSource(this, this.function, {
      table: props.table,
      filters: StreamFilters[props.consumer],
      eventSource: props.eventSource,
    });
  }
}
