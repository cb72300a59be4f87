import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventStore } from '../../src/event-store.js';
import { apiConfigFromEnv } from '../config.js';
import {
  type ApiLogger,
  type ApiMetrics,
  createApiLogger,
  createApiMetrics,
} from './observability.js';

/** The store operations the API calls; a test can hand in anything with this shape. */
export type ApiStore = Pick<
  EventStore,
  'appendToStream' | 'readStream' | 'readAll' | 'getStreamHead' | 'streamExists' | 'getSnapshot'
>;

export interface ApiDeps {
  store: ApiStore;
  logger: ApiLogger;
  metrics: ApiMetrics;
  /** Default MAX_BODY_BYTES (4 MiB, one transaction's worth). */
  maxBodyBytes?: number;
}

/** What runs in Lambda: configuration from the environment, read once at cold start. */
export function defaultDeps(env: NodeJS.ProcessEnv = process.env): ApiDeps {
  const config = apiConfigFromEnv(env);
  const client = new DynamoDBClient(
    config.dynamodbEndpoint ? { endpoint: config.dynamodbEndpoint } : {},
  );
  return {
    store: new EventStore({ tableName: config.eventsTable, client }),
    logger: createApiLogger({ serviceName: config.serviceName }),
    metrics: createApiMetrics({
      namespace: config.metricsNamespace,
      serviceName: config.serviceName,
    }),
  };
}
