import { EnvVar } from '../src/table.js';

export interface ApiConfig {
  eventsTable: string;
  /** Only for DynamoDB Local; unset in AWS. */
  dynamodbEndpoint: string | undefined;
  /** CloudWatch namespace of the API's metrics. */
  metricsNamespace: string;
  serviceName: string;
}

export const apiDefaults = {
  metricsNamespace: 'DynamoEventStore',
  serviceName: 'event-store-api',
} as const;

/** Read once at cold start; a missing variable fails the init and names it. */
export function apiConfigFromEnv(env: NodeJS.ProcessEnv = process.env): ApiConfig {
  return {
    eventsTable: required(env, EnvVar.eventsTable, 'the events table name'),
    dynamodbEndpoint: env[EnvVar.dynamodbEndpoint] || undefined,
    metricsNamespace: env.POWERTOOLS_METRICS_NAMESPACE || apiDefaults.metricsNamespace,
    serviceName: env.POWERTOOLS_SERVICE_NAME || apiDefaults.serviceName,
  };
}

function required(env: NodeJS.ProcessEnv, name: string, what: string): string {
  const value = env[name];
  if (!value) throw new Error(`Environment variable ${name} must be set (${what})`);
  return value;
}
