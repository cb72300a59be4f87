import type { ExpectedVersion } from './types.js';

/**
 * Stable error codes. Callers (and the HTTP layer) switch on these strings:
 * never rename one.
 */
export const ErrorCode = {
  WrongExpectedVersion: 'WrongExpectedVersion',
  StreamNotFound: 'StreamNotFound',
  SnapshotNotFound: 'SnapshotNotFound',
  DocumentNotFound: 'DocumentNotFound',
  ValidationError: 'ValidationError',
  AppendTooLarge: 'AppendTooLarge',
  AllStreamLagging: 'AllStreamLagging',
  ContentionRetriesExhausted: 'ContentionRetriesExhausted',
  DynamoDBFailure: 'DynamoDBFailure',
  PositionCounterMissing: 'PositionCounterMissing',
  PositionModeMismatch: 'PositionModeMismatch',
  ProjectionNotFound: 'ProjectionNotFound',
  InvalidDefinition: 'InvalidDefinition',
  InvalidConfiguration: 'InvalidConfiguration',
  ProjectionFailed: 'ProjectionFailed',
  InvalidStreamRecord: 'InvalidStreamRecord',
  UndecodableEvent: 'UndecodableEvent',
} as const;

export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** Marks every error of the family, also across two copies of the package in one process. */
const familyBrand = Symbol.for('dynamo-event-store.EventStoreError');

export abstract class EventStoreError extends Error {
  abstract readonly code: ErrorCode;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    Object.defineProperty(this, familyBrand, { value: true });
  }
}

/**
 * True for every error this package throws (each has a stable `code`). Works
 * when a bundle holds two copies of the package, where `instanceof` of one
 * copy's class would not see the other's errors.
 */
export function isEventStoreError(error: unknown): error is EventStoreError {
  return (
    typeof error === 'object' &&
    error !== null &&
    (error as Record<symbol, unknown>)[familyBrand] === true
  );
}

export class WrongExpectedVersionError extends EventStoreError {
  readonly code = ErrorCode.WrongExpectedVersion;

  constructor(
    readonly streamId: string,
    readonly expectedVersion: ExpectedVersion,
    readonly actualVersion: number,
    options?: { cause?: unknown },
  ) {
    super(
      `Stream '${streamId}' is at version ${actualVersion}, but the append expected ${describeExpected(expectedVersion)}`,
      options,
    );
  }
}

function describeExpected(expected: ExpectedVersion): string {
  if (expected === 'no_stream') return 'no stream (version 0)';
  if (expected === 'stream_exists') return 'an existing stream';
  if (expected === 'any') return 'any version';
  return `version ${expected}`;
}

export class StreamNotFoundError extends EventStoreError {
  readonly code = ErrorCode.StreamNotFound;

  constructor(readonly streamId: string) {
    super(`Stream '${streamId}' does not exist`);
  }
}

export class SnapshotNotFoundError extends EventStoreError {
  readonly code = ErrorCode.SnapshotNotFound;

  constructor(readonly streamId: string) {
    super(`Stream '${streamId}' has no snapshot`);
  }
}

export class DocumentNotFoundError extends EventStoreError {
  readonly code = ErrorCode.DocumentNotFound;

  constructor(
    readonly projection: string,
    readonly key: string,
  ) {
    super(`Projection '${projection}' has no document with key '${key}'`);
  }
}

/**
 * Bad input: `field` says where (`events[3].type`), the message says what is
 * allowed. `eventType` names the event type whose schema refused the data.
 */
export class ValidationError extends EventStoreError {
  readonly code = ErrorCode.ValidationError;

  constructor(
    readonly field: string,
    readonly reason: string,
    readonly eventType?: string,
  ) {
    super(`${field} ${reason}`);
  }
}

/** An append that cannot be one transaction. It is refused whole, never split. */
export class AppendTooLargeError extends EventStoreError {
  readonly code = ErrorCode.AppendTooLarge;

  constructor(
    readonly what: string,
    readonly limit: number,
    readonly size: number,
    readonly unit: 'events' | 'bytes',
    options?: { cause?: unknown },
  ) {
    super(`${what} is ${size} ${unit}; the limit is ${limit} ${unit}`, options);
  }
}

/** `$all` showed a hole at `position` that the index did not fill in time. */
export class AllStreamLaggingError extends EventStoreError {
  readonly code = ErrorCode.AllStreamLagging;

  constructor(
    readonly position: number,
    readonly waitedMs: number,
  ) {
    super(
      `Position ${position} is committed but the byPosition index did not show it within ${waitedMs} ms; read again later`,
    );
  }
}

/**
 * The store is over its capacity: the append kept meeting conflicts or
 * throttling until its time budget ran out. Nothing was written; the caller
 * may retry later with the same event ids.
 */
export class ContentionRetriesExhaustedError extends EventStoreError {
  readonly code = ErrorCode.ContentionRetriesExhausted;

  constructor(
    readonly streamId: string,
    readonly attempts: number,
    options?: { cause?: unknown; elapsedMs?: number },
  ) {
    const elapsed = options?.elapsedMs === undefined ? '' : ` in ${options.elapsedMs} ms`;
    super(
      `Append to '${streamId}' gave up after ${attempts} attempts${elapsed} under contention or throttling; nothing was written, retry later with the same event ids`,
      options,
    );
  }
}

/**
 * The global position counter item is gone while events exist: handing out
 * positions again from 0 would reuse them. An operator repairs it.
 */
export class PositionCounterMissingError extends EventStoreError {
  readonly code = ErrorCode.PositionCounterMissing;

  constructor(readonly tableName: string) {
    super(
      `The position counter ($GLOBAL/POSITION) of table '${tableName}' is missing but the table holds events; ` +
        'no append can get a position until it is repaired: stop the appenders and run repairPositionCounter(client, { tableName }) ' +
        '(it sets the counter above the highest position in the byPosition index)',
    );
  }
}

/** The store was set up for one position mode and this client asked for another. */
export class PositionModeMismatchError extends EventStoreError {
  readonly code = ErrorCode.PositionModeMismatch;

  constructor(
    readonly tableName: string,
    readonly storeMode: string,
    readonly requestedMode: string,
  ) {
    super(
      `Table '${tableName}' hands out positions in '${storeMode}' mode, but this EventStore was configured with ` +
        `positionMode '${requestedMode}'; use '${storeMode}' or leave positionMode unset to follow the table`,
    );
  }
}

/** DynamoDB itself failed; `cause` is the AWS error, `operation` what the store was doing. */
export class DynamoDBFailureError extends EventStoreError {
  readonly code = ErrorCode.DynamoDBFailure;

  constructor(
    readonly operation: string,
    options: { cause: unknown },
  ) {
    const cause = options.cause as { name?: string; message?: string } | undefined;
    super(
      `DynamoDB failed during ${operation}: ${cause?.name ?? 'Error'}: ${cause?.message ?? String(options.cause)}`,
      options,
    );
  }
}

/** `GET /projections/{name}` (or a read) named a projection the deployment does not define. */
export class ProjectionNotFoundError extends EventStoreError {
  readonly code = ErrorCode.ProjectionNotFound;

  constructor(
    readonly projection: string,
    readonly known: readonly string[],
  ) {
    const names = known.length === 0 ? 'none are defined' : `known: ${known.join(', ')}`;
    super(`There is no projection '${projection}' (${names})`);
  }
}

/**
 * A definition (aggregate, projection, the projector's list) is wrong. Raised
 * when it is defined, at cold start, never per event: `subject` says which
 * definition, `field` which part of it.
 */
export class InvalidDefinitionError extends EventStoreError {
  readonly code = ErrorCode.InvalidDefinition;

  constructor(
    readonly subject: string,
    readonly field: string,
    readonly reason: string,
  ) {
    super(`${subject}: ${field} ${reason}`);
  }
}

/** A setting from outside (an environment variable, a runtime option) is missing or wrong. */
export class InvalidConfigurationError extends EventStoreError {
  readonly code = ErrorCode.InvalidConfiguration;

  constructor(
    readonly setting: string,
    readonly reason: string,
  ) {
    super(`${setting} ${reason}`);
  }
}

/**
 * A projection could not apply an event: a rebuild that stopped (call it again
 * to resume), or a document that kept changing under the projector. `cause`
 * holds the underlying error.
 */
export class ProjectionFailedError extends EventStoreError {
  readonly code = ErrorCode.ProjectionFailed;

  constructor(
    readonly projection: string,
    message: string,
    options?: { cause?: unknown; position?: number | undefined },
  ) {
    super(message, options);
    this.position = options?.position;
  }

  /** Where a rebuild stopped, when it did. */
  readonly position: number | undefined;
}

/** A DynamoDB Streams record that claims to be an event but cannot be read as one. */
export class InvalidStreamRecordError extends EventStoreError {
  readonly code = ErrorCode.InvalidStreamRecord;

  constructor(
    readonly sequenceNumber: string,
    reason: string,
    options?: { cause?: unknown },
  ) {
    super(`record ${sequenceNumber} ${reason}`, options);
  }
}

/**
 * A stored event of a registered type that its schemas cannot read: data that
 * no longer matches the version it was written with, an upcaster that returns
 * what the next version refuses, or a version newer than the registry knows.
 */
export class UndecodableEventError extends EventStoreError {
  readonly code = ErrorCode.UndecodableEvent;

  constructor(
    readonly streamId: string,
    readonly version: number,
    readonly eventType: string,
    readonly schemaVersion: number,
    reason: string,
    options?: { cause?: unknown },
  ) {
    super(
      `Event ${version} of stream '${streamId}' ('${eventType}', written at schema version ${schemaVersion}) cannot be read: ${reason}`,
      options,
    );
  }
}
