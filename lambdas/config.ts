import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { InvalidConfigurationError } from '../src/errors.js';
import { EnvVar } from '../src/table.js';
import type { PositionMode } from '../src/types.js';

/** The modes POSITION_MODE may name. */
const positionModes = ['reserved', 'strict'] as const satisfies readonly PositionMode[];

/** What every Lambda of the store reads from its environment. */
interface StoreConfig {
  eventsTable: string;
  /** Unset: the store's default, the events table's name + `-snapshots` (as the CDK construct names it). */
  snapshotTable: string | undefined;
  /** Only for DynamoDB Local; unset in AWS. */
  dynamodbEndpoint: string | undefined;
  /** Unset: the mode the table was set up with. */
  positionMode: PositionMode | undefined;
}

export interface ApiConfig extends StoreConfig {
  /** The read-model table, for GET /projections; without it every document is absent. */
  readModelTable: string | undefined;
  /** CloudWatch namespace of the API's metrics. */
  metricsNamespace: string;
  serviceName: string;
}

export type SnapshotterConfig = StoreConfig;

export interface ProjectorConfig extends StoreConfig {
  readModelTable: string;
}

export const apiDefaults = {
  metricsNamespace: 'DynamoEventStore',
  serviceName: 'event-store-api',
} as const;

// Each reads once at cold start; a missing variable fails the init and names it.

export function apiConfigFromEnv(env: NodeJS.ProcessEnv = process.env): ApiConfig {
  return {
    ...storeConfigFromEnv(env),
    readModelTable: env[EnvVar.readModelTable] || undefined,
    metricsNamespace: env.POWERTOOLS_METRICS_NAMESPACE || apiDefaults.metricsNamespace,
    serviceName: env.POWERTOOLS_SERVICE_NAME || apiDefaults.serviceName,
  };
}

export function snapshotterConfigFromEnv(env: NodeJS.ProcessEnv = process.env): SnapshotterConfig {
  return storeConfigFromEnv(env);
}

export type SequencerConfig = StoreConfig;

export function sequencerConfigFromEnv(env: NodeJS.ProcessEnv = process.env): SequencerConfig {
  return storeConfigFromEnv(env);
}

export function projectorConfigFromEnv(env: NodeJS.ProcessEnv = process.env): ProjectorConfig {
  return {
    ...storeConfigFromEnv(env),
    readModelTable: required(env, EnvVar.readModelTable, 'the read-model table name'),
  };
}

export function clientFor(config: StoreConfig): DynamoDBClient {
  return new DynamoDBClient(config.dynamodbEndpoint ? { endpoint: config.dynamodbEndpoint } : {});
}

function storeConfigFromEnv(env: NodeJS.ProcessEnv): StoreConfig {
  return {
    eventsTable: required(env, EnvVar.eventsTable, 'the events table name'),
    snapshotTable: env[EnvVar.snapshotTable] || undefined,
    dynamodbEndpoint: env[EnvVar.dynamodbEndpoint] || undefined,
    positionMode: readPositionMode(env[EnvVar.positionMode]),
  };
}

function readPositionMode(value: string | undefined): PositionMode | undefined {
  if (!value) return undefined;
  const mode = positionModes.find((m) => m === value);
  if (!mode) {
    throw new InvalidConfigurationError(
      `Environment variable ${EnvVar.positionMode}`,
      `must be one of ${positionModes.join(', ')} or unset (got ${JSON.stringify(value)})`,
    );
  }
  return mode;
}

function required(env: NodeJS.ProcessEnv, name: string, what: string): string {
  const value = env[name];
  if (!value)
    throw new InvalidConfigurationError(`Environment variable ${name}`, `must be set (${what})`);
  return value;
}

/** The EventStore options of a config: its tables and mode; the caller adds the client. */
export function storeTablesOf(config: StoreConfig): {
  tableName: string;
  snapshotTableName?: string;
  positionMode?: PositionMode;
} {
  return {
    tableName: config.eventsTable,
    ...(config.snapshotTable && { snapshotTableName: config.snapshotTable }),
    ...(config.positionMode && { positionMode: config.positionMode }),
  };
}
