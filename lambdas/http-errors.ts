import {
  HttpErrorCode,
  type ProjectionNotFoundDetails,
  type WrongExpectedVersionDetails,
} from '../src/api-contract/error-bodies.js';
import {
  ErrorCode,
  EventStoreError,
  ProjectionNotFoundError,
  WrongExpectedVersionError,
} from '../src/errors.js';

export { HttpErrorCode };

/**
 * The one place where an error becomes an HTTP status. Typed over every SDK
 * code, so a code added to `src/errors.ts` does not compile until it is mapped here.
 */
export const httpStatusByCode: Record<ErrorCode | HttpErrorCode, number> = {
  [ErrorCode.ValidationError]: 400,
  [ErrorCode.StreamNotFound]: 404,
  [ErrorCode.SnapshotNotFound]: 404,
  [ErrorCode.DocumentNotFound]: 404,
  [ErrorCode.ProjectionNotFound]: 404,
  [ErrorCode.WrongExpectedVersion]: 409,
  [ErrorCode.AppendTooLarge]: 413,
  // Transient: the caller may retry the same request (Retry-After says when).
  [ErrorCode.AllStreamLagging]: 503,
  [ErrorCode.ContentionRetriesExhausted]: 503,
  // The AWS error inside says things about our infrastructure: answered like any internal failure.
  [ErrorCode.DynamoDBFailure]: 500,
  // The deployment is misconfigured or damaged: an operator's problem, shown as an internal failure.
  [ErrorCode.PositionCounterMissing]: 500,
  [ErrorCode.PositionModeMismatch]: 500,
  [ErrorCode.InvalidDefinition]: 500,
  [ErrorCode.InvalidConfiguration]: 500,
  // Stream processing only; an API route never raises them, but they are ours, never shown.
  [ErrorCode.ProjectionFailed]: 500,
  [ErrorCode.InvalidStreamRecord]: 500,
  // Stored data its schemas cannot read: the app's definitions and its data disagree.
  [ErrorCode.UndecodableEvent]: 500,
  [HttpErrorCode.MalformedJson]: 400,
  [HttpErrorCode.RouteNotFound]: 404,
  [HttpErrorCode.MethodNotAllowed]: 405,
  [HttpErrorCode.PayloadTooLarge]: 413,
  [HttpErrorCode.CrossSiteRequest]: 403,
  [HttpErrorCode.InternalError]: 500,
};

/** A request the HTTP layer refuses before the store sees it. */
export class HttpError extends Error {
  constructor(
    readonly code: HttpErrorCode,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

export const routeNotFound = (method: string, path: string): HttpError =>
  new HttpError(
    HttpErrorCode.RouteNotFound,
    `No route for ${method} ${path}. Routes: POST|GET /streams/{streamId}/events, GET /streams/{streamId}, ` +
      'GET /streams/{streamId}/snapshot, the same on /stream/events, /stream, /stream/snapshot with ?streamId=, ' +
      'GET /events, GET /projections/{name}, GET /projections/{name}/{key}, GET /projection?name=&key=, GET /health, ' +
      'GET /openapi.json (which describes them all)',
  );

export const methodNotAllowed = (method: string, path: string, allowed: string[]): HttpError =>
  new HttpError(
    HttpErrorCode.MethodNotAllowed,
    `${method} is not allowed on ${path}; allowed: ${allowed.join(', ')}`,
    { allow: allowed.join(', ') },
  );

export const malformedJson = (reason: string): HttpError =>
  new HttpError(HttpErrorCode.MalformedJson, `body ${reason}`);

export const payloadTooLarge = (size: number, limit: number): HttpError =>
  new HttpError(
    HttpErrorCode.PayloadTooLarge,
    `body is ${size} bytes; the limit is ${limit} bytes (one append is one DynamoDB transaction of at most 4 MB)`,
  );

export const crossSiteRefused = (reason: string): HttpError =>
  new HttpError(
    HttpErrorCode.CrossSiteRequest,
    `The local event store takes no writes from web pages; this one was refused because ${reason}. ` +
      'curl, the SDK and other clients that are not browsers are not affected',
  );

export interface ErrorReply {
  status: number;
  headers: Record<string, string>;
  body: { error: string; message: string } & Record<string, unknown>;
  /** True when the error was not foreseen: log it with its stack, show nothing of it. */
  unexpected: boolean;
}

/** Maps any thrown value to its reply. Only errors we wrote ourselves show their message. */
export function toErrorReply(error: unknown, requestId: string): ErrorReply {
  if (error instanceof HttpError) {
    return reply(error.code, error.message, error.headers);
  }
  if (error instanceof EventStoreError) {
    const status = httpStatusByCode[error.code];
    if (status === 500) return internal(requestId, error.code);
    const extra: WrongExpectedVersionDetails | ProjectionNotFoundDetails | Record<string, never> =
      error instanceof WrongExpectedVersionError
        ? { expectedVersion: error.expectedVersion, actualVersion: error.actualVersion }
        : error instanceof ProjectionNotFoundError
          ? { knownProjections: [...error.known] }
          : {};
    const headers: Record<string, string> = status === 503 ? { 'retry-after': '1' } : {};
    return reply(error.code, error.message, headers, extra);
  }
  return internal(requestId, HttpErrorCode.InternalError);
}

function reply(
  code: ErrorCode | HttpErrorCode,
  message: string,
  headers: Record<string, string>,
  extra: Record<string, unknown> = {},
): ErrorReply {
  return {
    status: httpStatusByCode[code],
    headers,
    body: body(code, message, extra),
    unexpected: false,
  };
}

function body(code: string, message: string, extra: Record<string, unknown> = {}) {
  return { error: code, message, ...extra };
}

function internal(requestId: string, code: ErrorCode | HttpErrorCode): ErrorReply {
  return {
    status: httpStatusByCode[code],
    headers: {},
    body: body(
      code,
      `The request failed on our side; nothing about it is shown here. Quote request id ${requestId} when reporting it`,
      { requestId },
    ),
    unexpected: true,
  };
}
