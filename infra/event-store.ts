import { CfnOutput, type Duration } from 'aws-cdk-lib';
import type { IHttpRouteAuthorizer, ThrottleSettings } from 'aws-cdk-lib/aws-apigatewayv2';
import type { IAlarmAction } from 'aws-cdk-lib/aws-cloudwatch';
import type { Table } from 'aws-cdk-lib/aws-dynamodb';
import { Grant, type IGrantable } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { Function as LambdaFunction, LayerVersion } from 'aws-cdk-lib/aws-lambda';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { EnvVar } from '../src/table.js';
import type { PositionMode } from '../src/types.js';
import { EventStoreAlarms } from './alarms.js';
import { type ApiOverrides, EventStoreApi } from './api.js';
import { appModuleAliases } from './app-modules.js';
import { EventBusFanOut, type EventBusFanOutOptions } from './event-bus-fan-out.js';
import { EventConsumer, type EventConsumerOptions } from './event-consumer.js';
import { defaultLogRetention, type FunctionOverrides } from './node-function.js';
import { lambdaEntries } from './paths.js';
import { EventStoreSdkLayer } from './sdk-layer.js';
import { type EventSourceOverrides, StreamProcessor } from './stream-processors.js';
import { EventStoreTables, type TableOverrides } from './tables.js';

export interface EventStoreConstructProps {
  /**
   * The app's projections: a module (path, relative to the working directory
   * or absolute; .ts or .js) that exports `projections`, an array of
   * `defineProjection(...)` results. It is bundled into the projector (created
   * only when this is given) and into the API, which answers 404 for any other
   * projection name.
   */
  readonly projections?: string;
  /**
   * The app's aggregates: a module that exports `aggregates`, an array of
   * `defineAggregate(...)` results, bundled into the snapshotter (created only
   * when this is given). It may be the same file as `projections`.
   */
  readonly aggregates?: string;
  /**
   * The app's event types: a module that exports `events`, a `defineEvents(...)`
   * registry, bundled into the API, the projector and the snapshotter, so that
   * appends over HTTP are validated and every read and fold gets events parsed
   * and upcast to their latest version. It may be the same file as the others.
   */
  readonly events?: string;
  /**
   * Passed to every function as POSITION_MODE; the first append records it in
   * the table for good. `'sequenced'` also deploys the sequencer (its Lambda,
   * mapping on the heads' records, DLQ and alarms). Default: unset, each
   * client follows the table's mode (a new table: reserved).
   */
  readonly positionMode?: PositionMode;
  /** A customer managed KMS key for both tables. Default: the AWS owned key. */
  readonly encryptionKey?: IKey;
  /** Overrides of the tables' props (not their keys or stream). Defaults: on-demand, PITR, deletion protection, RETAIN. */
  readonly eventsTable?: TableOverrides;
  /** Default name: the events table's + `-snapshots`. */
  readonly snapshotTable?: TableOverrides;
  readonly readModelTable?: TableOverrides;
  /** The API's authorizer on every route. Default: IAM. */
  readonly apiAuthorizer?: IHttpRouteAuthorizer;
  readonly apiAuthorizationScopes?: string[];
  readonly apiThrottle?: ThrottleSettings;
  readonly httpApi?: ApiOverrides;
  readonly apiFunction?: FunctionOverrides;
  readonly projectorFunction?: FunctionOverrides;
  readonly snapshotterFunction?: FunctionOverrides;
  /** The sequencer's function (only with `positionMode: 'sequenced'`). */
  readonly sequencerFunction?: FunctionOverrides;
  /** Applied to both stream consumers' event source mappings. */
  readonly eventSource?: EventSourceOverrides;
  /** Lambda and access logs. Default: one month. */
  readonly logRetention?: RetentionDays;
  readonly alarmActions?: readonly IAlarmAction[];
  readonly iteratorAgeAlarmThreshold?: Duration;
}

/**
 * The whole event store: tables, HTTP API, stream processors and alarms,
 * plus grants for other functions that use the SDK directly. (Named apart
 * from the SDK's `EventStore` class, which reads and writes the tables.)
 */
/** The sequencer's mapping: big batches (one transaction each), records of heads only. */
export const sequencerEventSource = { batchSize: 1000 } as const;

export class EventStoreConstruct extends Construct {
  readonly tables: EventStoreTables;
  readonly api: EventStoreApi;
  /** Present when the construct was given `projections`. */
  readonly projector: StreamProcessor | undefined;
  /** Present when the construct was given `aggregates`. */
  readonly snapshotter: StreamProcessor | undefined;
  /** Present in sequenced mode: places appends in `$all` from the heads' stream records. */
  readonly sequencer: StreamProcessor | undefined;
  readonly alarms: EventStoreAlarms;
  readonly #environment: Record<string, string>;
  readonly #logRetention: RetentionDays;
  #sdkLayer: EventStoreSdkLayer | undefined;

  constructor(scope: Construct, id: string, props: EventStoreConstructProps = {}) {
    super(scope, id);
    const logRetention = props.logRetention ?? defaultLogRetention;
    const aliases = appModuleAliases(props);

    this.tables = new EventStoreTables(this, 'Tables', {
      ...(props.encryptionKey && { encryptionKey: props.encryptionKey }),
      ...(props.eventsTable && { eventsTable: props.eventsTable }),
      ...(props.snapshotTable && { snapshotTable: props.snapshotTable }),
      ...(props.readModelTable && { readModelTable: props.readModelTable }),
    });
    const environment: Record<string, string> = {
      [EnvVar.eventsTable]: this.eventsTable.tableName,
      [EnvVar.snapshotTable]: this.snapshotTable.tableName,
      [EnvVar.readModelTable]: this.readModelTable.tableName,
      ...(props.positionMode && { [EnvVar.positionMode]: props.positionMode }),
    };
    this.#environment = environment;
    this.#logRetention = logRetention;

    this.api = new EventStoreApi(this, 'Api', {
      tables: this.tables,
      environment,
      aliases,
      logRetention,
      authorizer: props.apiAuthorizer,
      authorizationScopes: props.apiAuthorizationScopes,
      throttle: props.apiThrottle,
      function: props.apiFunction,
      httpApi: props.httpApi,
    });

    this.projector =
      props.projections === undefined
        ? undefined
        : new StreamProcessor(this, 'Projector', {
            consumer: 'projector',
            entry: lambdaEntries.projector,
            aliases,
            table: this.eventsTable,
            environment,
            logRetention,
            function: props.projectorFunction,
            eventSource: props.eventSource,
          });
    if (this.projector) {
      // The consumers read single streams (gap filling, folds), never `$all`.
      this.tables.grantEventsRead(this.projector.function, { all: false });
      this.tables.grantReadModelsWrite(this.projector.function);
    }

    this.snapshotter =
      props.aggregates === undefined
        ? undefined
        : new StreamProcessor(this, 'Snapshotter', {
            consumer: 'snapshotter',
            entry: lambdaEntries.snapshotter,
            aliases,
            table: this.eventsTable,
            environment,
            logRetention,
            function: props.snapshotterFunction,
            eventSource: props.eventSource,
          });
    if (this.snapshotter) {
      // Reads events and heads; writes nothing but the snapshot table (see EventStoreTables.snapshots).
      this.tables.grantEventsRead(this.snapshotter.function, { all: false });
      this.tables.grantSnapshotsWrite(this.snapshotter.function);
    }

    this.sequencer =
      props.positionMode === 'sequenced'
        ? new StreamProcessor(this, 'Sequencer', {
            consumer: 'sequencer',
            entry: lambdaEntries.sequencer,
            aliases,
            table: this.eventsTable,
            environment,
            logRetention,
            function: props.sequencerFunction,
            // Larger batches mean fewer sequencing transactions; no batching window, so a
            // position is known within a poll (Lambda reads each shard about 4 times a second).
            eventSource: { ...sequencerEventSource, ...props.eventSource },
          })
        : undefined;
    if (this.sequencer) {
      // The counter, blocks and marks: reads, one transaction per batch, mark writes.
      this.tables.grantEventsRead(this.sequencer.function, { all: false });
      this.tables.grantEventsAppend(this.sequencer.function);
    }

    const processors = this.streamProcessors;
    this.alarms = new EventStoreAlarms(this, 'Alarms', {
      functions: {
        Api: this.api.function,
        ...Object.fromEntries(processors.map(([name, p]) => [name, p.function])),
      },
      streamConsumers: Object.fromEntries(processors.map(([name, p]) => [name, p.function])),
      deadLetterQueues: Object.fromEntries(
        processors.map(([name, p]) => [name, p.deadLetterQueue]),
      ),
      tables: {
        Events: this.eventsTable,
        Snapshots: this.snapshotTable,
        ReadModels: this.readModelTable,
      },
      actions: props.alarmActions,
      iteratorAgeThreshold: props.iteratorAgeAlarmThreshold,
    });

    new CfnOutput(this, 'ApiUrl', { value: this.api.url, description: 'HTTP API base URL' });
    new CfnOutput(this, 'EventsTableName', { value: this.eventsTable.tableName });
    new CfnOutput(this, 'SnapshotTableName', { value: this.snapshotTable.tableName });
    new CfnOutput(this, 'ReadModelTableName', { value: this.readModelTable.tableName });
    // `dynamo-event-store dlq --stack` finds each processor's given-up batches here.
    for (const [name, processor] of processors) {
      new CfnOutput(this, `${name}DeadLetterQueueUrl`, {
        value: processor.deadLetterQueue.queueUrl,
        description: `Dead-letter queue of the ${name.toLowerCase()}: batch coordinates it gave up on`,
      });
    }
  }

  /** The stream processors this construct created, by alarm name; a new one (the sequencer) goes here too. */
  get streamProcessors(): [string, StreamProcessor][] {
    const all: [string, StreamProcessor | undefined][] = [
      ['Projector', this.projector],
      ['Snapshotter', this.snapshotter],
      ['Sequencer', this.sequencer],
    ];
    return all.filter((entry): entry is [string, StreamProcessor] => entry[1] !== undefined);
  }

  /**
   * An app's own Lambda on the events stream: event INSERTs filtered by
   * `eventTypes`/`streamPrefixes` (the SDK's `streamEventFilter`), partial
   * batch responses, bisect on error, bounded retries, its own DLQ, and the
   * alarms of the store's processors (errors, throttles, iterator age, DLQ).
   * The function is told the table names; `grantRead` it to read the store.
   */
  addConsumer(id: string, options: EventConsumerOptions): EventConsumer {
    const consumer = new EventConsumer(this, id, {
      ...options,
      table: this.eventsTable,
      environment: this.#environment,
      logRetention: this.#logRetention,
    });
    this.alarms.watchFunction(id, consumer.function);
    this.alarms.watchStreamConsumer(id, consumer.function);
    this.alarms.watchDeadLetterQueue(id, consumer.deadLetterQueue);
    return consumer;
  }

  /**
   * An EventBridge pipe from the events stream to `eventBus`, with the same
   * filter as `addConsumer`: any number of rules read the events through one
   * reader of the stream. Alarms on failed executions and on its DLQ.
   */
  addEventBusFanOut(id: string, options: EventBusFanOutOptions): EventBusFanOut {
    const fanOut = new EventBusFanOut(this, id, { ...options, table: this.eventsTable });
    this.alarms.watchMetric(
      `${id}ExecutionsFailed`,
      fanOut.metricExecutionFailed(),
      `${id}: pipe executions failed (retried, then sent to its DLQ)`,
    );
    this.alarms.watchDeadLetterQueue(id, fanOut.deadLetterQueue);
    return fanOut;
  }

  /**
   * The SDK as a Lambda layer (`import { EventStore } from 'dynamo-event-store'`
   * in a function that marks it external), created on first use: a store
   * whose app never asks for it uploads no layer.
   */
  get sdkLayer(): LayerVersion {
    this.#sdkLayer ??= new EventStoreSdkLayer(this, 'SdkLayer');
    return this.#sdkLayer.layer;
  }

  get eventsTable(): Table {
    return this.tables.events;
  }

  get snapshotTable(): Table {
    return this.tables.snapshots;
  }

  get readModelTable(): Table {
    return this.tables.readModels;
  }

  get apiUrl(): string {
    return this.api.url;
  }

  /** Read streams, `$all`, heads and snapshots with the SDK; sets EVENTS_TABLE_NAME and SNAPSHOT_TABLE_NAME. */
  grantRead(fn: LambdaFunction): Grant {
    fn.addEnvironment(EnvVar.eventsTable, this.eventsTable.tableName);
    fn.addEnvironment(EnvVar.snapshotTable, this.snapshotTable.tableName);
    return this.tables.grantEventsRead(fn).combine(this.tables.grantSnapshotsRead(fn));
  }

  /** Calls to the HTTP API with SigV4-signed requests (the default IAM authorizer). */
  grantInvokeApi(grantee: IGrantable): Grant {
    return Grant.addToPrincipal({
      grantee,
      actions: ['execute-api:Invoke'],
      resourceArns: [this.api.httpApi.arnForExecuteApi()],
    });
  }

  /** `appendToStream` with the SDK, nothing more; sets EVENTS_TABLE_NAME. */
  grantAppend(fn: LambdaFunction): Grant {
    fn.addEnvironment(EnvVar.eventsTable, this.eventsTable.tableName);
    return this.tables.grantEventsAppend(fn);
  }
}
