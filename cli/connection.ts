import { resolve } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { localClient } from '../local/dynamodb-local.js';
import { defaultDataDir, type RuntimeInfo, readRuntimeFile } from '../local/runtime-file.js';
import { defaultSnapshotTableName, EnvVar } from '../src/table.js';
import { UsageError } from './errors.js';
import { readStackOutputs, type StackConfig } from './stack-outputs.js';

/** The global options every command takes. */
export interface ConnectionFlags {
  endpoint?: string;
  region?: string;
  profile?: string;
  table?: string;
  readModelTable?: string;
  snapshotTable?: string;
  stack?: string;
  dataDir?: string;
}

/** Where a command works, resolved once. */
export interface Connection {
  /** `local`: DynamoDB Local (the running runtime, or `--endpoint`); `aws`: the real service. */
  target: 'local' | 'aws';
  endpoint: string | undefined;
  region: string | undefined;
  profile: string | undefined;
  eventsTable: string;
  readModelTable: string;
  snapshotTable: string;
  /** The local runtime's data folder (its dead-letter files); undefined on AWS, and with --endpoint unless named. */
  dataDir: string | undefined;
  /** Processor -> its SQS dead-letter queue URL, from `--stack`. */
  deadLetterQueues: Record<string, string>;
}

export interface ConnectionSources {
  /** The running local runtime, if one is. */
  runtime: RuntimeInfo | undefined;
  /** The outputs of `--stack`, when given. */
  stack: StackConfig | undefined;
}

const localTables = {
  eventsTable: 'event-store-events',
  readModelTable: 'event-store-read-models',
};

/**
 * Pure: flags beat the environment, which beats the stack's outputs, which
 * beat the running runtime's own names. AWS is chosen by `--region`,
 * `--profile` or `--stack`; otherwise the store is DynamoDB Local: at
 * `--endpoint` (or DYNAMODB_ENDPOINT), else the runtime running on the data folder.
 */
export function resolveConnection(
  flags: ConnectionFlags,
  env: NodeJS.ProcessEnv,
  sources: ConnectionSources,
): Connection {
  const aws = Boolean(flags.region || flags.profile || flags.stack);
  const endpoint = flags.endpoint || env[EnvVar.dynamodbEndpoint] || undefined;
  const dataDir = resolve(flags.dataDir || env.DATA_DIR || defaultDataDir);
  const runtime = aws || endpoint ? undefined : sources.runtime;
  if (!aws && !endpoint && !runtime) {
    throw new UsageError(
      'the store',
      `is not reachable: no local runtime runs on ${dataDir} (start it with npm start), and neither --endpoint URL nor --region/--profile/--stack for AWS was given`,
    );
  }
  const eventsTable =
    flags.table ||
    env[EnvVar.eventsTable] ||
    sources.stack?.eventsTable ||
    runtime?.eventsTable ||
    (aws ? undefined : localTables.eventsTable);
  if (!eventsTable) {
    throw new UsageError(
      '--table',
      `is needed against AWS: name the events table (or set ${EnvVar.eventsTable}, or pass --stack NAME)`,
    );
  }
  const readModelTable =
    flags.readModelTable ||
    env[EnvVar.readModelTable] ||
    sources.stack?.readModelTable ||
    runtime?.readModelTable ||
    (aws ? `${eventsTable}-read-models` : localTables.readModelTable);
  const snapshotTable =
    flags.snapshotTable ||
    env[EnvVar.snapshotTable] ||
    sources.stack?.snapshotTable ||
    runtime?.snapshotTable ||
    defaultSnapshotTableName(eventsTable);
  return {
    target: aws ? 'aws' : 'local',
    endpoint: aws ? flags.endpoint : (endpoint ?? runtime?.endpoint),
    region: flags.region || undefined,
    profile: flags.profile || undefined,
    eventsTable,
    readModelTable,
    snapshotTable,
    // Named outright, a data folder is used with --endpoint too (its dead-letter files).
    dataDir: runtime || (!aws && (flags.dataDir || env.DATA_DIR)) ? dataDir : undefined,
    deadLetterQueues: sources.stack?.deadLetterQueues ?? {},
  };
}

/** Resolves the connection, reading the runtime file and the stack's outputs as needed. */
export async function connect(flags: ConnectionFlags, env: NodeJS.ProcessEnv): Promise<Connection> {
  const stack = flags.stack
    ? await readStackOutputs(flags.stack, { region: flags.region, profile: flags.profile })
    : undefined;
  const runtime = readRuntimeFile(resolve(flags.dataDir || env.DATA_DIR || defaultDataDir));
  return resolveConnection(flags, env, { runtime, stack });
}

export function dynamoClient(connection: Connection): DynamoDBClient {
  if (connection.target === 'local') return localClient(connection.endpoint as string);
  return new DynamoDBClient({
    ...(connection.region && { region: connection.region }),
    ...(connection.profile && { profile: connection.profile }),
    ...(connection.endpoint && { endpoint: connection.endpoint }),
  });
}
