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
} as const;

export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

export abstract class EventStoreError extends Error {
  abstract readonly code: ErrorCode;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
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

/** Bad input: `field` says where (`events[3].type`), the message says what is allowed. */
export class ValidationError extends EventStoreError {
  readonly code = ErrorCode.ValidationError;

  constructor(
    readonly field: string,
    readonly reason: string,
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
