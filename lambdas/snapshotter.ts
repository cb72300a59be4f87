import { Logger } from '@aws-lambda-powertools/logger';
import { registry } from '../src/domain/registry.js';
import { EventStore } from '../src/event-store.js';
import { clientFor, snapshotterConfigFromEnv, storeTablesOf } from './config.js';
import { createSnapshotterHandler } from './stream/snapshotter-handler.js';

const config = snapshotterConfigFromEnv();

/** DynamoDB Streams (event INSERTs) -> snapshots of the registry's aggregates. */
export const handler = createSnapshotterHandler({
  store: new EventStore({ ...storeTablesOf(config), client: clientFor(config) }),
  aggregates: registry.aggregates,
  logger: new Logger({ serviceName: 'snapshotter' }),
});
