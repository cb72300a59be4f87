export {
  type DefineProjectionInput,
  defineProjection,
  documentKeyOf,
  type ProjectionDefinition,
} from './define.js';
export type { DocumentVersion, ProjectionDocument, StoredDocument } from './documents.js';
export {
  type ListDocumentsOptions,
  type ListDocumentsResult,
  ProjectionStore,
  type ProjectionStoreOptions,
  type RebuildCheckpoint,
} from './projection-store.js';
export {
  type ApplyOptions,
  type ApplyResult,
  type ProjectionFailure,
  type ProjectionSkip,
  Projector,
  type ProjectorOptions,
} from './projector.js';
export type { RebuildOptions, RebuildProgress } from './rebuild.js';
export {
  type SubscribeToAllOptions,
  type Subscription,
  subscribeToAll,
} from './subscribe-to-all.js';
