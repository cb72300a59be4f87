/**
 * `dynamo-event-store`: the SDK. Its public surface is this list; key
 * formats, limits, environment variable names and item builders stay inside.
 * Lambda handlers, the CDK construct and the local runtime are subpath
 * exports (`/lambda`, `/cdk`, `/local`), kept out of this import graph.
 */
export {
  type AggregateDefinition,
  categoryOf,
  type DefineAggregateInput,
  defineAggregate,
  loadAggregate,
} from './aggregates.js';
export { createTables, type TableNames } from './create-tables.js';
export {
  AllStreamLaggingError,
  AppendTooLargeError,
  ContentionRetriesExhaustedError,
  DocumentNotFoundError,
  DynamoDBFailureError,
  ErrorCode,
  EventStoreError,
  InvalidConfigurationError,
  InvalidDefinitionError,
  InvalidStreamRecordError,
  isEventStoreError,
  PositionCounterMissingError,
  PositionModeMismatchError,
  ProjectionFailedError,
  ProjectionNotFoundError,
  SnapshotNotFoundError,
  StreamNotFoundError,
  UndecodableEventError,
  ValidationError,
  WrongExpectedVersionError,
} from './errors.js';
export { EventStore } from './event-store.js';
export type { EventStoreApi } from './event-store-api.js';
export {
  type CorrelatedCommand,
  type CorrelationMetadata,
  causedBy,
  correlationOf,
  withCorrelation,
} from './events/correlation.js';
export {
  defineEvent,
  defineEvents,
  type EventDefinition,
  type EventRegistry,
  type EventSchema,
  type EventShape,
  type EventsOf,
  type UntypedEvent,
  type Upcasters,
  type VersionedEventInput,
} from './events/define.js';
export { type RepairOptions, repairPositionCounter } from './position/repair.js';
export { type HeadChange, type SequenceResult, Sequencer } from './position/sequencer.js';
export {
  type DefineProjectionInput,
  type DefineTypedProjectionInput,
  defineProjection,
  type ProjectionDefinition,
} from './projections/define.js';
export type {
  DocumentVersion,
  ProjectionDocument,
  StoredDocument,
} from './projections/documents.js';
export {
  type ListDocumentsOptions,
  type ListDocumentsResult,
  ProjectionStore,
  type ProjectionStoreOptions,
} from './projections/projection-store.js';
export {
  type ApplyOptions,
  type ApplyResult,
  type ProjectionFailure,
  type ProjectionSkip,
  Projector,
  type ProjectorOptions,
} from './projections/projector.js';
export type { RebuildOptions, RebuildProgress } from './projections/rebuild.js';
export {
  type RebuildProjectionOptions,
  rebuildProjection,
} from './projections/rebuild-projection.js';
export {
  type SubscribeToAllOptions,
  type Subscription,
  subscribeToAll,
} from './projections/subscribe-to-all.js';
export {
  type EventFilterOptions,
  type FilterLeaf,
  type FilterPattern,
  streamEventFilter,
} from './stream-filters.js';
export { defaultSnapshotTableName } from './table.js';
export type {
  AggregateStreamOptions,
  AggregateStreamResult,
  AppendOptions,
  AppendResult,
  AppendToStreamsOptions,
  EventStoreOptions,
  ExpectedVersion,
  JsonValue,
  ListStreamsOptions,
  ListStreamsResult,
  NewEvent,
  NewEventOf,
  PositionedEvent,
  PositionedEventOf,
  PositionMode,
  ReadAllOptions,
  ReadAllPageOptions,
  ReadAllPageResult,
  ReadDirection,
  ReadStreamOptions,
  RecordedEvent,
  RecordedEventOf,
  RetryOptions,
  SaveSnapshotInput,
  Snapshot,
  StreamAppend,
  StreamHead,
} from './types.js';
