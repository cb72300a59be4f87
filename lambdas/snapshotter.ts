import { Logger } from '@aws-lambda-powertools/logger';
import { registry } from '../src/domain/registry.js';
import { EventStore } from '../src/event-store.js';
import { clientFor, snapshotterConfigFromEnv } from './config.js';
import { createSnapshotterHandler } from './stream/snapshotter-handler.js';

const config = snapshotterConfigFromEnv();

/** DynamoDB Streams (event INSERTs) -> snapshots of the registry's aggregates. */
export const handler = createSnapshotterHandler({
  store: new EventStore({ tableName: config.eventsTable, client: clientFor(config) }),
  aggregates: registry.aggregates,
  logger: new Logger({ serviceName: 'snapshotter' }),
});
