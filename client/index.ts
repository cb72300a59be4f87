/**
 * `dynamo-event-store/client`: the event store over its HTTP API, for
 * callers that do not reach DynamoDB themselves. It throws the SDK's own
 * error classes (re-exported here), so `instanceof WrongExpectedVersionError`
 * and `isEventStoreError` work as with the SDK.
 */

export type { SnapshotResponse as ClientSnapshot } from '../src/api-contract/responses.js';
export {
  AllStreamLaggingError,
  AppendTooLargeError,
  ContentionRetriesExhaustedError,
  DocumentNotFoundError,
  ErrorCode,
  EventStoreError,
  isEventStoreError,
  ProjectionNotFoundError,
  SnapshotNotFoundError,
  StreamNotFoundError,
  ValidationError,
  WrongExpectedVersionError,
} from '../src/errors.js';
export type {
  AggregateStreamResult,
  ExpectedVersion,
  NewEvent,
  PositionedEvent,
  ReadAllPageResult,
  RecordedEvent,
  StreamHead,
} from '../src/types.js';
export { EventStoreApiError, HttpErrorCode } from './errors.js';
export {
  type ClientAppendOptions,
  type ClientAppendResult,
  type ClientReadAllOptions,
  type ClientReadAllPageOptions,
  type ClientReadStreamOptions,
  type ClientReadStreamPage,
  type ClientReadStreamPageOptions,
  EventStoreClient,
  type EventStoreClientOptions,
} from './event-store-client.js';
export type {
  ClientListDocumentsOptions,
  ClientListDocumentsResult,
  ProjectionsClient,
} from './projections-client.js';
export type {
  AwsCredentialIdentity,
  AwsCredentialIdentityProvider,
  SigningOptions,
} from './signer.js';
export type { ClientRetryOptions } from './transport.js';
