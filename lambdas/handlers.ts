import { Logger } from '@aws-lambda-powertools/logger';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { AggregateDefinition } from '../src/aggregates.js';
import { EventStore } from '../src/event-store.js';
import type { EventRegistry, EventShape, UntypedEvent } from '../src/events/define.js';
import { Sequencer } from '../src/position/sequencer.js';
import type { ProjectionDefinition } from '../src/projections/define.js';
import { ProjectionStore } from '../src/projections/projection-store.js';
import { Projector } from '../src/projections/projector.js';
import type { RecordedEvent, RecordedEventOf } from '../src/types.js';
import { type ApiHandler, apiHandlerWith } from './api/create-api-handler.js';
import { createApiLogger, createApiMetrics } from './api/observability.js';
import {
  apiConfigFromEnv,
  clientFor,
  projectorConfigFromEnv,
  sequencerConfigFromEnv,
  snapshotterConfigFromEnv,
  storeTablesOf,
} from './config.js';
import { eventHandlerWith } from './stream/event-handler.js';
import type { StreamHandler } from './stream/partial-batch.js';
import { projectorHandlerWith } from './stream/projector-handler.js';
import { sequencerHandlerWith } from './stream/sequencer-handler.js';
import { snapshotterHandlerWith } from './stream/snapshotter-handler.js';

/** Where a handler reads its settings; every factory reads them once, when it is called (cold start). */
export interface HandlerEnvironment {
  /**
   * Default `process.env`: EVENTS_TABLE_NAME, SNAPSHOT_TABLE_NAME,
   * READ_MODEL_TABLE_NAME and POSITION_MODE as the CDK construct sets them
   * (DYNAMODB_ENDPOINT for DynamoDB Local). A missing required variable fails
   * the call with InvalidConfigurationError naming it.
   */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Default: a DynamoDBClient for the environment's region and credentials. */
  readonly client?: DynamoDBClient;
  /**
   * The app's event types (`defineEvents(...)`): appends are validated against
   * them, and every event read or handled comes parsed and upcast to its
   * latest version. Default: none (events as stored).
   */
  readonly events?: EventRegistry | undefined;
}

export interface ApiHandlerOptions extends HandlerEnvironment {
  /**
   * The app's projections. `GET /projections/{name}` answers 404
   * ProjectionNotFound, naming these, for any other name. Default: none.
   */
  readonly projections?: readonly ProjectionDefinition[];
}

export interface ProjectorHandlerOptions extends HandlerEnvironment {
  readonly projections: readonly ProjectionDefinition[];
}

export interface SnapshotterHandlerOptions extends HandlerEnvironment {
  readonly aggregates: readonly AggregateDefinition[];
}

/**
 * The HTTP API (API Gateway HTTP API, payload 2.0) over the construct's
 * tables: `export const handler = createApiHandler({ projections })`.
 */
export function createApiHandler(options: ApiHandlerOptions = {}): ApiHandler {
  const config = apiConfigFromEnv(envOf(options));
  const client = options.client ?? clientFor(config);
  return apiHandlerWith({
    store: new EventStore({ ...storeTablesOf(config), client, ...eventsOf(options) }),
    projections: config.readModelTable
      ? new ProjectionStore({ tableName: config.readModelTable, client })
      : undefined,
    projectionNames: (options.projections ?? []).map((p) => p.name),
    logger: createApiLogger({ serviceName: config.serviceName }),
    metrics: createApiMetrics({
      namespace: config.metricsNamespace,
      serviceName: config.serviceName,
    }),
  });
}

/** DynamoDB Streams (event INSERTs) -> the given projections' documents in the read-model table. */
export function createProjectorHandler(options: ProjectorHandlerOptions): StreamHandler {
  const config = projectorConfigFromEnv(envOf(options));
  const client = options.client ?? clientFor(config);
  return projectorHandlerWith({
    events: options.events,
    projector: new Projector({
      store: new EventStore({ ...storeTablesOf(config), client, ...eventsOf(options) }),
      projectionStore: new ProjectionStore({ tableName: config.readModelTable, client }),
      projections: options.projections,
    }),
    logger: new Logger({ serviceName: 'projector' }),
  });
}

/** DynamoDB Streams (event INSERTs) -> snapshots of the given aggregates every `snapshotEvery` versions. */
export function createSnapshotterHandler(options: SnapshotterHandlerOptions): StreamHandler {
  const config = snapshotterConfigFromEnv(envOf(options));
  return snapshotterHandlerWith({
    store: new EventStore({
      ...storeTablesOf(config),
      client: options.client ?? clientFor(config),
      ...eventsOf(options),
    }),
    aggregates: options.aggregates,
    logger: new Logger({ serviceName: 'snapshotter' }),
  });
}

/**
 * DynamoDB Streams (stream heads) -> positions, for a store in sequenced mode:
 * one sequencing transaction per batch. The construct deploys it when
 * `positionMode` is `'sequenced'`.
 */
export function createSequencerHandler(options: HandlerEnvironment = {}): StreamHandler {
  const config = sequencerConfigFromEnv(envOf(options));
  const client = options.client ?? clientFor(config);
  return sequencerHandlerWith({
    sequencer: Sequencer.for({ tableName: config.eventsTable, client }),
    logger: new Logger({ serviceName: 'sequencer' }),
  });
}

export interface EventHandlerOptions<E extends EventShape = UntypedEvent> {
  /**
   * Called once per event, in stream order; throw to fail the event: Lambda
   * retries the batch from it (then bisects, then gives up to the consumer's
   * DLQ), so make it idempotent (`event.eventId` is unique). Events it
   * appends carry their cause with `metadata: causedBy(event)`.
   */
  readonly handle: (event: RecordedEventOf<E>) => Promise<void> | void;
  /** The app's event types: events reach `handle` parsed, upcast and typed. Default: as stored. */
  readonly events?: EventRegistry<E>;
}

/**
 * An app's own consumer of the events stream, as deployed by
 * `EventStoreConstruct.addConsumer`: `export const handler = createEventHandler({ handle })`.
 */
export function createEventHandler<E extends EventShape = UntypedEvent>(
  options: EventHandlerOptions<E>,
): StreamHandler {
  return eventHandlerWith({
    events: options.events,
    handle: options.handle as (event: RecordedEvent) => Promise<void> | void,
    logger: new Logger({ serviceName: 'event-consumer' }),
  });
}

function envOf(options: HandlerEnvironment): NodeJS.ProcessEnv {
  return (options.env ?? process.env) as NodeJS.ProcessEnv;
}

/** The registry, when one was given, as the store option that carries it. */
function eventsOf(options: HandlerEnvironment): { events?: EventRegistry } {
  return options.events ? { events: options.events } : {};
}
