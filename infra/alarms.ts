import { Duration } from 'aws-cdk-lib';
import {
  Alarm,
  ComparisonOperator,
  type IAlarmAction,
  type IMetric,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { Operation, type Table } from 'aws-cdk-lib/aws-dynamodb';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

export interface EventStoreAlarmsProps {
  /** Every function: errors and throttles. */
  readonly functions: Record<string, IFunction>;
  /** The stream consumers: iterator age. */
  readonly streamConsumers: Record<string, IFunction>;
  readonly deadLetterQueues: Record<string, IQueue>;
  readonly tables: Record<string, Table>;
  /** Where alarms go (e.g. an SNS topic action). Default: none; the alarms still show in the console. */
  readonly actions?: readonly IAlarmAction[] | undefined;
  /** How far a consumer may lag behind the stream. Default 5 minutes. */
  readonly iteratorAgeThreshold?: Duration | undefined;
}

/** The operations the SDK sends; ThrottledRequests is only emitted per operation. */
const storeOperations = [
  Operation.GET_ITEM,
  Operation.BATCH_GET_ITEM,
  Operation.QUERY,
  Operation.PUT_ITEM,
  Operation.UPDATE_ITEM,
  Operation.DELETE_ITEM,
  Operation.BATCH_WRITE_ITEM,
  Operation.TRANSACT_WRITE_ITEMS,
];

const period = Duration.minutes(5);

/**
 * The signals that something is stuck or lost: a consumer falling behind, a
 * batch given up on, a function failing or throttled, DynamoDB pushing back.
 * Anything at or above the threshold in one 5-minute period alarms; no data
 * (an idle store) is not a problem.
 */
export class EventStoreAlarms extends Construct {
  readonly alarms: Alarm[] = [];
  readonly #actions: readonly IAlarmAction[];
  readonly #iteratorAge: Duration;

  constructor(scope: Construct, id: string, props: EventStoreAlarmsProps) {
    super(scope, id);
    this.#actions = props.actions ?? [];

    this.#iteratorAge = props.iteratorAgeThreshold ?? Duration.minutes(5);
    for (const [name, fn] of Object.entries(props.functions)) this.watchFunction(name, fn);
    for (const [name, fn] of Object.entries(props.streamConsumers)) {
      this.watchStreamConsumer(name, fn);
    }
    for (const [name, queue] of Object.entries(props.deadLetterQueues)) {
      this.watchDeadLetterQueue(name, queue);
    }
    for (const [name, table] of Object.entries(props.tables)) {
      const metric = table.metricThrottledRequestsForOperations({
        operations: storeOperations,
        period,
      });
      this.#alarm(`${name}ThrottledRequests`, metric, 1, {
        description: `${name} table: requests throttled by DynamoDB`,
      });
    }
  }

  /** Errors and throttles. */
  watchFunction(name: string, fn: IFunction): void {
    this.#alarm(`${name}Errors`, fn.metricErrors({ period, statistic: 'Sum' }), 1, {
      description: `${name}: invocations failed`,
    });
    this.#alarm(`${name}Throttles`, fn.metricThrottles({ period, statistic: 'Sum' }), 1, {
      description: `${name}: invocations throttled (concurrency limit)`,
    });
  }

  /** Iterator age: how far the function lags behind the stream. */
  watchStreamConsumer(name: string, fn: IFunction): void {
    const metric = fn.metric('IteratorAge', {
      period: Duration.minutes(1),
      statistic: 'Maximum',
    });
    this.#alarm(`${name}IteratorAge`, metric, this.#iteratorAge.toMilliseconds(), {
      description: `${name}: the oldest unprocessed stream record is over ${this.#iteratorAge.toHumanString()} old`,
      evaluationPeriods: 5,
    });
  }

  /** Any message: a batch was given up on. */
  watchDeadLetterQueue(name: string, queue: IQueue): void {
    const metric = queue.metricApproximateNumberOfMessagesVisible({
      period,
      statistic: 'Maximum',
    });
    this.#alarm(`${name}DeadLetters`, metric, 1, {
      description: `${name}: stream batches were given up on; see the DLQ (records stay in the stream for 24 h)`,
    });
  }

  /** Anything at or above the threshold in one period. */
  watchMetric(id: string, metric: IMetric, description: string): void {
    this.#alarm(id, metric, 1, { description });
  }

  #alarm(
    id: string,
    metric: IMetric,
    threshold: number,
    options: { description: string; evaluationPeriods?: number },
  ): void {
    const alarm = new Alarm(this, id, {
      metric,
      threshold,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: options.evaluationPeriods ?? 1,
      treatMissingData: TreatMissingData.NOT_BREACHING,
      alarmDescription: options.description,
    });
    for (const action of this.#actions) alarm.addAlarmAction(action);
    this.alarms.push(alarm);
  }
}
