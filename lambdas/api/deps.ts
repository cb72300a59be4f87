import { EventStore } from '../../src/event-store.js';
import { ProjectionStore } from '../../src/projections/projection-store.js';
import { apiConfigFromEnv, clientFor } from '../config.js';
import {
  type ApiLogger,
  type ApiMetrics,
  createApiLogger,
  createApiMetrics,
} from './observability.js';
import type { ProjectionReader } from './projection-routes.js';

/** The store operations the API calls; a test can hand in anything with this shape. */
export type ApiStore = Pick<
  EventStore,
  | 'appendToStream'
  | 'readStream'
  | 'readAll'
  | 'readAllPage'
  | 'getStreamHead'
  | 'streamExists'
  | 'getSnapshot'
>;

export interface ApiDeps {
  store: ApiStore;
  logger: ApiLogger;
  metrics: ApiMetrics;
  /** Read models for GET /projections; unset when the API has no read-model table. */
  projections?: ProjectionReader | undefined;
  /** Default MAX_BODY_BYTES (4 MiB, one transaction's worth). */
  maxBodyBytes?: number;
  /** Bytes a list response may hold (see PageBudget). Default 5 MiB; tests shrink it. */
  pageBudgetBytes?: number;
  /** Index items a filtered `GET /events` may examine (see AllEventsScan). Default 5,000; tests shrink it. */
  maxExamined?: number;
}

/** What runs in Lambda: configuration from the environment, read once at cold start. */
export function defaultDeps(env: NodeJS.ProcessEnv = process.env): ApiDeps {
  const config = apiConfigFromEnv(env);
  const client = clientFor(config);
  return {
    store: new EventStore({ tableName: config.eventsTable, client }),
    projections: config.readModelTable
      ? new ProjectionStore({ tableName: config.readModelTable, client })
      : undefined,
    logger: createApiLogger({ serviceName: config.serviceName }),
    metrics: createApiMetrics({
      namespace: config.metricsNamespace,
      serviceName: config.serviceName,
    }),
  };
}
