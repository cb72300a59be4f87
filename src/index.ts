export { createTable, createTables, type TableNames, toCreateTableInput } from './create-tables.js';
export {
  AllStreamLaggingError,
  AppendTooLargeError,
  ContentionRetriesExhaustedError,
  DocumentNotFoundError,
  DynamoDBFailureError,
  ErrorCode,
  EventStoreError,
  SnapshotNotFoundError,
  StreamNotFoundError,
  ValidationError,
  WrongExpectedVersionError,
} from './errors.js';
export { EventStore } from './event-store.js';
export { type EventItem, toEventItem, toRecordedEvent } from './records.js';
export {
  Attr,
  EnvVar,
  eventsTableSchema,
  Index,
  Keys,
  Limits,
  ReadModelKeys,
  readModelTableSchema,
  type TableSchema,
} from './table.js';
export type * from './types.js';
