import type { EventStoreApi } from '../../src/event-store-api.js';
import type { ApiLogger, ApiMetrics } from './observability.js';
import type { ProjectionReader } from './projection-routes.js';

/** The store operations the API calls; a test can hand in anything with this shape. */
export type ApiStore = Pick<
  EventStoreApi,
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
  /**
   * The projections the deployment defines: `GET /projections/{name}` for any
   * other name is 404 ProjectionNotFound, naming these. Unset: names are not checked.
   */
  projectionNames?: readonly string[] | undefined;
  /** Default MAX_BODY_BYTES (4 MiB, one transaction's worth). */
  maxBodyBytes?: number;
  /** Bytes a list response may hold (see PageBudget). Default 5 MiB; tests shrink it. */
  pageBudgetBytes?: number;
  /** Index items a filtered `GET /events` may examine (see AllEventsScan). Default 5,000; tests shrink it. */
  maxExamined?: number;
}
