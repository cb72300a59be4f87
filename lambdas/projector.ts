import { Logger } from '@aws-lambda-powertools/logger';
import { registry } from '../src/domain/registry.js';
import { EventStore } from '../src/event-store.js';
import { ProjectionStore } from '../src/projections/projection-store.js';
import { Projector } from '../src/projections/projector.js';
import { clientFor, projectorConfigFromEnv, storeTablesOf } from './config.js';
import { createProjectorHandler } from './stream/projector-handler.js';

const config = projectorConfigFromEnv();
const client = clientFor(config);

/** DynamoDB Streams (event INSERTs) -> the registry's projections. */
export const handler = createProjectorHandler({
  projector: new Projector({
    store: new EventStore({ ...storeTablesOf(config), client }),
    projectionStore: new ProjectionStore({ tableName: config.readModelTable, client }),
    projections: registry.projections,
  }),
  logger: new Logger({ serviceName: 'projector' }),
});
