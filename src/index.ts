export {
  type AggregateDefinition,
  aggregateFor,
  categoryOf,
  type DefineAggregateInput,
  defineAggregate,
  loadAggregate,
} from './aggregates.js';
export { createTable, createTables, type TableNames, toCreateTableInput } from './create-tables.js';
export {
  AllStreamLaggingError,
  AppendTooLargeError,
  ContentionRetriesExhaustedError,
  DocumentNotFoundError,
  DynamoDBFailureError,
  ErrorCode,
  EventStoreError,
  PositionCounterMissingError,
  PositionModeMismatchError,
  SnapshotNotFoundError,
  StreamNotFoundError,
  ValidationError,
  WrongExpectedVersionError,
} from './errors.js';
export { EventStore } from './event-store.js';
export { type RepairOptions, repairPositionCounter } from './position/repair.js';
export { type HeadChange, type SequenceResult, Sequencer } from './position/sequencer.js';
export * from './projections/index.js';
export { type EventItem, toEventItem, toRecordedEvent } from './records.js';
export {
  planSnapshots,
  type SnapshotTask,
  type TakeSnapshotResult,
  takeSnapshot,
} from './snapshotting.js';
export {
  eventInsertFilter,
  type FilterLeaf,
  type FilterPattern,
  type StreamConsumerName,
  StreamFilters,
} from './stream-filters.js';
export {
  Attr,
  defaultSnapshotTableName,
  EnvVar,
  eventsTableSchema,
  Index,
  Keys,
  Limits,
  ReadModelAttr,
  ReadModelKeys,
  readModelTableSchema,
  SnapshotKeys,
  snapshotTableSchema,
  type TableSchema,
} from './table.js';
export type * from './types.js';
