import { isAbsolute, relative } from 'node:path';
import type { LogLevel } from '../lambdas/api/observability.js';
import type { AggregateDefinition } from '../src/aggregates.js';
import type { EventRegistry } from '../src/events/define.js';
import type { ProjectionDefinition } from '../src/projections/define.js';
import { EnvVar } from '../src/table.js';
import type { PositionMode } from '../src/types.js';
import { LocalSetupError } from './dynamodb-local.js';
import { type LocalRuntime, runtimeDefaults, startLocalRuntime } from './runtime.js';

/** What an app brings to the local runtime. */
export interface LocalApp {
  readonly projections?: readonly ProjectionDefinition[];
  readonly aggregates?: readonly AggregateDefinition[];
  /** The app's event types (`defineEvents(...)`). */
  readonly events?: EventRegistry;
}

/**
 * `npm start`: the whole store on this machine with the app's projections and
 * aggregates, until Ctrl-C. Configuration comes from the environment (PORT,
 * HOST, DATA_DIR, DYNAMODB_ENDPOINT, the table names, POWERTOOLS_LOG_LEVEL),
 * read here and nowhere else in local/. A setup problem prints one line and
 * exits with 1.
 */
export function serveFromEnvironment(app: LocalApp, env: NodeJS.ProcessEnv = process.env): void {
  main(app, env).catch((error: unknown) => {
    // A setup problem is the user's to fix and says how in one line; anything else is our bug.
    console.error(error instanceof LocalSetupError ? error.message : error);
    process.exit(1);
  });
}

async function main(app: LocalApp, env: NodeJS.ProcessEnv): Promise<void> {
  // The SDK's notice about Node versions it will drop in 2027 is nothing to act on at every start.
  env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const runtime = await startLocalRuntime({
    ...(app.projections && { projections: app.projections }),
    ...(app.aggregates && { aggregates: app.aggregates }),
    ...(app.events && { events: app.events }),
    port: readPort(env.PORT),
    // 127.0.0.1 unless told otherwise: the API has no authentication.
    ...(env.HOST && { host: env.HOST }),
    dataDir: env.DATA_DIR || runtimeDefaults.dataDir,
    endpoint: env[EnvVar.dynamodbEndpoint] || undefined,
    eventsTable: env[EnvVar.eventsTable] || runtimeDefaults.eventsTable,
    readModelTable: env[EnvVar.readModelTable] || runtimeDefaults.readModelTable,
    snapshotTable: env[EnvVar.snapshotTable] || undefined,
    logLevel: readLogLevel(env.POWERTOOLS_LOG_LEVEL),
    positionMode: readPositionMode(env.POSITION_MODE),
  });
  stopOnSignals(runtime);
  const where = runtime.dataDir
    ? `data in ${displayPath(runtime.dataDir)}`
    : `DynamoDB at ${runtime.endpoint}`;
  console.log(
    `Event store API on ${runtime.url} (${where}, Ctrl-C stops). Try: curl -X POST ${runtime.url}/streams/order-1/events -d '{"events":[{"type":"OrderPlaced","data":{"total":42}}]}'`,
  );
}

function stopOnSignals(runtime: LocalRuntime): void {
  const stop = (code: number) => {
    runtime.stop().then(
      () => process.exit(code),
      (error: unknown) => {
        console.error(`Stopping failed: ${String(error)}`);
        process.exit(1);
      },
    );
  };
  // `on`, not `once`: a second Ctrl-C while stopping would otherwise kill node
  // with its default action and leave DynamoDB Local running. runtime.stop()
  // is idempotent, so repeated signals just wait for the same shutdown.
  process.on('SIGINT', () => stop(0));
  process.on('SIGTERM', () => stop(0));
  runtime.unexpectedExit.then((reason) => {
    console.error(`${reason}; the event store stopped. Start it again with npm start.`);
    stop(1);
  });
  // A crash must not leave DynamoDB Local running without us.
  process.once('uncaughtException', (error) => {
    console.error(error);
    stop(1);
  });
}

/** `.data/` inside the working folder, the absolute path elsewhere. */
function displayPath(dir: string): string {
  const inside = relative(process.cwd(), dir);
  return inside && !inside.startsWith('..') && !isAbsolute(inside) ? `${inside}/` : `${dir}/`;
}

function readPort(value: string | undefined): number {
  if (value === undefined || value === '') return runtimeDefaults.port;
  const port = /^\d+$/.test(value) ? Number(value) : Number.NaN;
  if (!(port >= 0 && port <= 65535)) {
    throw new LocalSetupError(`PORT must be an integer 0..65535 (got ${JSON.stringify(value)})`);
  }
  return port;
}

const POSITION_MODES = ['reserved', 'strict', 'sequenced'] as const;

function readPositionMode(value: string | undefined): PositionMode | undefined {
  if (value === undefined || value === '') return undefined;
  if (!(POSITION_MODES as readonly string[]).includes(value)) {
    throw new LocalSetupError(
      `POSITION_MODE must be one of ${POSITION_MODES.join(', ')} (got ${JSON.stringify(value)})`,
    );
  }
  return value as PositionMode;
}

const LOG_LEVELS = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'CRITICAL', 'SILENT'] as const;

function readLogLevel(value: string | undefined): LogLevel {
  if (value === undefined || value === '') return runtimeDefaults.logLevel;
  const level = value.toUpperCase() as LogLevel;
  if (!LOG_LEVELS.includes(level)) {
    throw new LocalSetupError(
      `POWERTOOLS_LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')} (got ${JSON.stringify(value)})`,
    );
  }
  return level;
}
