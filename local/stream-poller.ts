import { join } from 'node:path';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { projectorHandlerWith } from '../lambdas/stream/projector-handler.js';
import { sequencerHandlerWith } from '../lambdas/stream/sequencer-handler.js';
import { snapshotterHandlerWith } from '../lambdas/stream/snapshotter-handler.js';
import type { AggregateDefinition } from '../src/aggregates.js';
import { InvalidConfigurationError } from '../src/errors.js';
import { EventStore } from '../src/event-store.js';
import type { EventRegistry } from '../src/events/define.js';
import { Sequencer } from '../src/position/sequencer.js';
import type { ProjectionDefinition } from '../src/projections/define.js';
import { ProjectionStore } from '../src/projections/projection-store.js';
import { Projector } from '../src/projections/projector.js';
import { StreamFilters } from '../src/stream-filters.js';
import type { PositionMode } from '../src/types.js';
import { localClient } from './dynamodb-local.js';
import { ShardReader, type StreamConsumer, streamArnOf } from './streams/shard-reader.js';

export type { StreamConsumer } from './streams/shard-reader.js';

export interface StreamProcessingOptions {
  /** DynamoDB Local's endpoint; or pass `client`. */
  endpoint?: string;
  client?: DynamoDBClient;
  eventsTable: string;
  /** Default the events table's name + `-snapshots`. */
  snapshotTable?: string;
  readModelTable: string;
  /** Checkpoints go to `<dataDir>/streams/`; without it they live in memory (a restart replays, harmlessly). */
  dataDir?: string;
  /** Wait between empty reads of a shard. Default 200 ms (Lambda polls a shard about 4 times a second). */
  pollIntervalMs?: number;
  /** Records per GetRecords and handler call. Default 100, the event source mappings' batch size. */
  batchSize?: number;
  /** Retries of failing records before they go to the dead-letter file. Default 3. */
  maxRetries?: number;
  /** Default 200 ms, doubling per retry. */
  retryDelayMs?: number;
  /** The app's projections, for the projector. Default none. */
  projections?: readonly ProjectionDefinition[];
  /** The app's aggregates, for the snapshotter. Default none. */
  aggregates?: readonly AggregateDefinition[];
  /** The app's event types: the projector and snapshotter read events parsed and upcast. Default none. */
  events?: EventRegistry;
  /** Default: the projector and the snapshotter, with their CDK filters. */
  consumers?: StreamConsumer[];
  /** Default: stderr. */
  log?: (line: string) => void;
  /** The events table's position mode: sequenced adds the sequencer. Default: read from the table. */
  positionMode?: PositionMode;
}

export interface StreamProcessing {
  /** Finishes the batches in hand (checkpoints included) and stops polling. */
  stop(): Promise<void>;
}

/** The projector and snapshotter handlers exactly as the CDK construct wires them. */
export function defaultConsumers(deps: {
  client: DynamoDBClient;
  eventsTable: string;
  snapshotTable?: string | undefined;
  readModelTable: string;
  projections: readonly ProjectionDefinition[];
  aggregates: readonly AggregateDefinition[];
  events?: EventRegistry | undefined;
  log: (line: string) => void;
  /** Sequenced mode adds the sequencer, as the CDK construct does. */
  positionMode?: PositionMode | undefined;
}): StreamConsumer[] {
  const store = new EventStore({
    tableName: deps.eventsTable,
    ...(deps.snapshotTable && { snapshotTableName: deps.snapshotTable }),
    client: deps.client,
    ...(deps.events && { events: deps.events }),
  });
  const projectionStore = new ProjectionStore({
    tableName: deps.readModelTable,
    client: deps.client,
  });
  const sequencer: StreamConsumer[] =
    deps.positionMode === 'sequenced'
      ? [
          {
            name: 'sequencer',
            filters: StreamFilters.sequencer,
            handler: sequencerHandlerWith({
              sequencer: Sequencer.for({ tableName: deps.eventsTable, client: deps.client }),
              logger: failureLogger('sequencer', deps.log),
            }),
          },
        ]
      : [];
  return [
    ...sequencer,
    {
      name: 'projector',
      filters: StreamFilters.projector,
      handler: projectorHandlerWith({
        events: deps.events,
        projector: new Projector({
          store,
          projectionStore,
          projections: deps.projections,
        }),
        logger: failureLogger('projector', deps.log),
      }),
    },
    {
      name: 'snapshotter',
      filters: StreamFilters.snapshotter,
      handler: snapshotterHandlerWith({
        store,
        aggregates: deps.aggregates,
        logger: failureLogger('snapshotter', deps.log),
      }),
    },
  ];
}

/**
 * Stands in for Lambda's event source mappings on DynamoDB Local: polls the
 * events table's stream and invokes the same handlers with the same filters,
 * event shape and partial-failure retries. Resolves once the stream is found.
 */
export async function startStreamProcessing(
  options: StreamProcessingOptions,
): Promise<StreamProcessing> {
  const ownsClient = !options.client;
  if (!options.client && !options.endpoint)
    throw new InvalidConfigurationError('startStreamProcessing', 'needs endpoint or client');
  const client = options.client ?? localClient(options.endpoint as string);
  const streams = streamsClientLike(client);
  const log = options.log ?? ((line: string) => console.error(`[streams] ${line}`));
  // Fail here, not in a background loop, when the table is missing or has no stream.
  await streamArnOf(client, options.eventsTable);
  const consumers =
    options.consumers ??
    defaultConsumers({
      client,
      eventsTable: options.eventsTable,
      snapshotTable: options.snapshotTable,
      readModelTable: options.readModelTable,
      projections: options.projections ?? [],
      aggregates: options.aggregates ?? [],
      events: options.events,
      log,
      positionMode:
        options.positionMode ??
        (await new EventStore({ tableName: options.eventsTable, client }).getPositionMode()),
    });
  const controller = new AbortController();
  const dir = options.dataDir ? join(options.dataDir, 'streams') : undefined;
  const file = (consumer: string, kind: string) =>
    dir && join(dir, `${options.eventsTable}.${consumer}.${kind}`);
  const loops = consumers.map((consumer) =>
    new ShardReader({
      dynamodb: client,
      streams,
      tableName: options.eventsTable,
      consumer,
      checkpointPath: file(consumer.name, 'checkpoint.json'),
      deadLetterPath: file(consumer.name, 'dead-letters.jsonl'),
      pollIntervalMs: options.pollIntervalMs ?? 200,
      batchSize: options.batchSize ?? 100,
      maxRetries: options.maxRetries ?? 3,
      retryDelayMs: options.retryDelayMs ?? 200,
      log,
      signal: controller.signal,
    }).run(),
  );
  return {
    stop: async () => {
      controller.abort();
      await Promise.allSettled(loops);
      streams.destroy();
      if (ownsClient) client.destroy();
    },
  };
}

function failureLogger(consumer: string, log: (line: string) => void) {
  return {
    warn: (message: string, ...extra: unknown[]) =>
      log(`${consumer}: ${message} ${extra.map((e) => JSON.stringify(e)).join(' ')}`),
  };
}

/** A Streams client that talks to the same endpoint, region and credentials as `client`. */
function streamsClientLike(client: DynamoDBClient): DynamoDBStreamsClient {
  const { endpoint, region, credentials } = client.config;
  return new DynamoDBStreamsClient({
    region,
    credentials,
    ...(endpoint && { endpoint }),
  });
}
