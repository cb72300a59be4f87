import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EnvVar } from '../src/table.js';

export interface SnapshotterConfig {
  eventsTable: string;
  /** Only for DynamoDB Local; unset in AWS. */
  dynamodbEndpoint: string | undefined;
}

export interface ProjectorConfig extends SnapshotterConfig {
  readModelTable: string;
}

/** Read once at cold start; a missing variable fails the init and names it. */
export function snapshotterConfigFromEnv(env: NodeJS.ProcessEnv = process.env): SnapshotterConfig {
  return {
    eventsTable: required(env, EnvVar.eventsTable),
    dynamodbEndpoint: env[EnvVar.dynamodbEndpoint] || undefined,
  };
}

export function projectorConfigFromEnv(env: NodeJS.ProcessEnv = process.env): ProjectorConfig {
  return {
    ...snapshotterConfigFromEnv(env),
    readModelTable: required(env, EnvVar.readModelTable),
  };
}

export function clientFor(config: SnapshotterConfig): DynamoDBClient {
  return new DynamoDBClient(config.dynamodbEndpoint ? { endpoint: config.dynamodbEndpoint } : {});
}

function required(env: NodeJS.ProcessEnv, name: string): string {
  const value = env[name];
  if (!value) throw new Error(`Environment variable ${name} must be set (a table name)`);
  return value;
}
