import type { ProjectionDefinition } from '../../src/projections/define.js';
import { ProjectionStore } from '../../src/projections/projection-store.js';
import { Projector } from '../../src/projections/projector.js';
import type { TestStore } from './dynamodb.js';

/** The read-model store and a projector over a spec file's tables, as the projector Lambda wires them. */
export function projectorOn(
  db: TestStore,
  projections: readonly ProjectionDefinition[],
): { documents: ProjectionStore; projector: Projector } {
  const documents = new ProjectionStore({ tableName: db.tables.readModelTable, client: db.client });
  const projector = new Projector({ store: db.store, projectionStore: documents, projections });
  return { documents, projector };
}
