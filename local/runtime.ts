import { resolve } from 'node:path';
import { type DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { apiHandlerWith } from '../lambdas/api/create-api-handler.js';
import { createApiLogger, type LogLevel, RecordedMetrics } from '../lambdas/api/observability.js';
import type { AggregateDefinition } from '../src/aggregates.js';
import { createTables } from '../src/create-tables.js';
import { PositionModeMismatchError } from '../src/errors.js';
import { EventStore } from '../src/event-store.js';
import type { EventRegistry } from '../src/events/define.js';
import type { ProjectionDefinition } from '../src/projections/define.js';
import { ProjectionStore } from '../src/projections/projection-store.js';
import { defaultSnapshotTableName } from '../src/table.js';
import type { PositionMode } from '../src/types.js';
import { corruptedDataDir, prepareDataDir, sqliteReason } from './data-dir.js';
import { lockDataDir } from './data-lock.js';
import {
  DynamoDbLocalFailingError,
  fastStartJvmArgs,
  LocalSetupError,
  localClient,
  startDynamoDbLocal,
  waitUntilAnswering,
} from './dynamodb-local.js';
import { assertPortFree, startHttpServer } from './http-server.js';
import { defaultDataDir, removeRuntimeFile, writeRuntimeFile } from './runtime-file.js';
import { startStreamProcessing } from './stream-poller.js';

export interface LocalRuntimeOptions {
  /** The app's projections: the projector keeps them, `GET /projections/{name}` serves them. Default none. */
  projections?: readonly ProjectionDefinition[];
  /** The app's aggregates: the snapshotter snapshots their streams. Default none. */
  aggregates?: readonly AggregateDefinition[];
  /**
   * The app's event types (`defineEvents(...)`): the API validates appends
   * against them, and the API, projector and snapshotter read events parsed
   * and upcast to their latest version. Default none (events as stored).
   */
  events?: EventRegistry;
  /** HTTP port; 0 picks a free one. Default 3000. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Where DynamoDB Local keeps its data (created if missing). Default `.data`. Unused with `endpoint`. */
  dataDir?: string;
  /** Use this DynamoDB (Local) instead of starting the bundled jar. */
  endpoint?: string;
  /** Default `event-store-events`. */
  eventsTable?: string;
  /** Default `event-store-read-models`. */
  readModelTable?: string;
  /** Default the events table's name + `-snapshots`. */
  snapshotTable?: string;
  /** The API's log level. Default WARN: one JSON line per request would drown the terminal. */
  logLevel?: LogLevel;
  /** Feed the projector and snapshotter from the events table's stream. Default true. */
  streamProcessing?: boolean;
  /**
   * The position mode of a new store (README "Position modes"); an existing
   * one keeps its own, and naming another fails. Sequenced mode runs the
   * sequencer on the stream as well. Default: reserved for a new store.
   */
  positionMode?: PositionMode;
}

export interface LocalRuntime {
  url: string;
  /** The DynamoDB endpoint the runtime uses. */
  endpoint: string;
  eventsTable: string;
  readModelTable: string;
  snapshotTable: string;
  /** Absolute; undefined when an outside `endpoint` was given. */
  dataDir: string | undefined;
  /** Metrics the API recorded, instead of printing them. */
  metrics: RecordedMetrics;
  /** Settles with a reason if the DynamoDB Local this runtime started dies under it. */
  unexpectedExit: Promise<string>;
  stop(): Promise<void>;
}

export const runtimeDefaults = {
  port: 3000,
  dataDir: defaultDataDir,
  eventsTable: 'event-store-events',
  readModelTable: 'event-store-read-models',
  logLevel: 'WARN',
} as const;

/** Something the runtime started and must stop again. */
interface Component {
  stop(): Promise<void>;
}

/**
 * Starts, in order: DynamoDB Local (or takes `endpoint`), the tables, the
 * stream poller that feeds the projector and snapshotter handlers (it needs
 * the tables' stream), then the API handler behind an HTTP server. Components
 * stop in the reverse order, so the server stops taking requests before the
 * database goes away.
 */
export async function startLocalRuntime(options: LocalRuntimeOptions = {}): Promise<LocalRuntime> {
  const port = options.port ?? runtimeDefaults.port;
  const host = options.host ?? '127.0.0.1';
  const eventsTable = options.eventsTable ?? runtimeDefaults.eventsTable;
  const readModelTable = options.readModelTable ?? runtimeDefaults.readModelTable;
  const snapshotTable = options.snapshotTable ?? defaultSnapshotTableName(eventsTable);
  const dataDir = options.endpoint
    ? undefined
    : resolve(options.dataDir ?? runtimeDefaults.dataDir);
  const started: Component[] = [];
  const stopAll = async () => {
    for (const component of started.splice(0).reverse()) await component.stop();
  };
  try {
    // Before Java starts: a port in use should cost the user no time.
    if (port !== 0) await assertPortFree(port, host);

    const database = await startDatabase(options.endpoint, dataDir);
    started.push(database);
    const client = localClient(database.endpoint);
    started.push({ stop: async () => client.destroy() });
    const missing = await missingTables(
      client,
      [eventsTable, snapshotTable, readModelTable],
      dataDir,
    );
    // A data folder from before snapshots had their own table gets it here.
    if (missing.length > 0) {
      await createTables(client, {
        eventsTable,
        snapshotTable,
        readModelTable,
        ...(options.positionMode && { positionMode: options.positionMode }),
      });
    }

    if (options.positionMode) await assertPositionMode(client, eventsTable, options.positionMode);

    if (options.streamProcessing ?? true) {
      // Checkpoints sit beside the data, so a restart resumes instead of replaying.
      started.push(
        await startStreamProcessing({
          client,
          eventsTable,
          snapshotTable,
          readModelTable,
          dataDir,
          ...(options.positionMode && { positionMode: options.positionMode }),
          projections: options.projections ?? [],
          aggregates: options.aggregates ?? [],
          ...(options.events && { events: options.events }),
        }),
      );
    }

    const metrics = new RecordedMetrics();
    const handler = apiHandlerWith({
      store: new EventStore({
        tableName: eventsTable,
        snapshotTableName: snapshotTable,
        client,
        ...(options.positionMode && { positionMode: options.positionMode }),
        ...(options.events && { events: options.events }),
      }),
      projections: new ProjectionStore({ tableName: readModelTable, client }),
      projectionNames: (options.projections ?? []).map((p) => p.name),
      logger: createApiLogger({ logLevel: options.logLevel ?? runtimeDefaults.logLevel }),
      metrics,
    });
    const http = await startHttpServer({ port, host, handler });
    started.push(http);
    if (dataDir) {
      // The CLI finds DynamoDB Local's port (a free one, new at each start) here.
      writeRuntimeFile(dataDir, {
        pid: process.pid,
        endpoint: database.endpoint,
        url: http.url,
        eventsTable,
        readModelTable,
        snapshotTable,
      });
      started.push({ stop: async () => removeRuntimeFile(dataDir) });
    }

    let stopping: Promise<void> | undefined;
    return {
      url: http.url,
      endpoint: database.endpoint,
      eventsTable,
      readModelTable,
      snapshotTable,
      dataDir,
      metrics,
      unexpectedExit: database.unexpectedExit,
      stop: () => {
        stopping ??= stopAll();
        return stopping;
      },
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

/** A store keeps the mode it was made with: asking for another stops the start with one line. */
async function assertPositionMode(
  client: DynamoDBClient,
  eventsTable: string,
  positionMode: PositionMode,
): Promise<void> {
  try {
    await new EventStore({ tableName: eventsTable, client, positionMode }).getPositionMode();
  } catch (error) {
    if (!(error instanceof PositionModeMismatchError)) throw error;
    throw new LocalSetupError(
      `The store in this data folder uses position mode '${error.storeMode}', not '${positionMode}': ` +
        `start it with POSITION_MODE=${error.storeMode} (or none), or use another DATA_DIR for a new store`,
    );
  }
}

async function startDatabase(
  endpoint: string | undefined,
  dataDir: string | undefined,
): Promise<Component & { endpoint: string; unexpectedExit: Promise<string> }> {
  if (endpoint) {
    await waitUntilAnswering(endpoint, 10_000);
    // Someone else's DynamoDB: not ours to watch or stop.
    return { endpoint, unexpectedExit: new Promise(() => {}), stop: async () => {} };
  }
  const dir = dataDir as string;
  prepareDataDir(dir);
  // Before Java starts: a second runtime on the folder stops here, at no cost.
  const lock = lockDataDir(dir);
  try {
    const database = await startDynamoDbLocal({ dbPath: dir, jvmArgs: fastStartJvmArgs });
    return {
      ...database,
      stop: async () => {
        try {
          await database.stop();
        } finally {
          lock.release();
        }
      },
    };
  } catch (error) {
    lock.release();
    if (error instanceof DynamoDbLocalFailingError) {
      throw corruptedDataDir(dir, sqliteReason(error.detail));
    }
    throw error;
  }
}

/**
 * Reads each table once: which are missing, and whether DynamoDB Local can
 * read its data at all. A broken page deep in the SQLite file lets it start
 * and list tables, and fails the first real read.
 */
async function missingTables(
  client: DynamoDBClient,
  tables: string[],
  dataDir: string | undefined,
): Promise<string[]> {
  const missing: string[] = [];
  for (const table of tables) {
    try {
      await client.send(new ScanCommand({ TableName: table, Limit: 1 }));
    } catch (error) {
      if ((error as Error).name === 'ResourceNotFoundException') {
        missing.push(table);
        continue;
      }
      const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata
        ?.httpStatusCode;
      if (dataDir && status !== undefined && status >= 500) {
        throw corruptedDataDir(dataDir, `DynamoDB Local fails to read table ${table}`);
      }
      throw error;
    }
  }
  return missing;
}
