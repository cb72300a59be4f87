import {
  anyErrorBodySchema,
  errorDetails,
  HttpErrorCode,
} from '../src/api-contract/error-bodies.js';
import {
  AllStreamLaggingError,
  AppendTooLargeError,
  ContentionRetriesExhaustedError,
  DocumentNotFoundError,
  ErrorCode,
  type EventStoreError,
  isEventStoreError,
  ProjectionNotFoundError,
  SnapshotNotFoundError,
  StreamNotFoundError,
  ValidationError,
  WrongExpectedVersionError,
} from '../src/errors.js';

export { HttpErrorCode };

/**
 * An answer the SDK has no error class for: the HTTP edge's own codes
 * (`RouteNotFound`, `MalformedJson`, `PayloadTooLarge`, ...), internal
 * failures (500, whose details the API keeps to itself: quote `requestId`),
 * and API Gateway's own answers (403 not authorized, 429 throttled, ...),
 * whose `code` is `Http{status}`.
 */
export class EventStoreApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly requestId: string | undefined,
    /** The answer's body, parsed when it was JSON. */
    readonly body: unknown,
  ) {
    super(message);
    this.name = 'EventStoreApiError';
  }
}

/** What the client asked about: the answer names some of it only in its message. */
export interface ErrorContext {
  streamId?: string;
  projection?: string;
  key?: string;
}

/**
 * The SDK's error for an error answer, rebuilt from its code and fields,
 * with the server's message; EventStoreApiError for the rest.
 */
export function errorFromAnswer(
  status: number,
  body: unknown,
  requestId: string | undefined,
  context: ErrorContext,
): Error {
  const parsed = anyErrorBodySchema.safeParse(body);
  if (!parsed.success) {
    const message = (body as { message?: unknown } | null)?.message;
    const text = typeof message === 'string' ? message : `HTTP ${status}`;
    return new EventStoreApiError(status, `Http${status}`, text, requestId, body);
  }
  const { error: code, message } = parsed.data;
  const rebuilt = status < 500 || status === 503 ? sdkError(code, parsed.data, context) : undefined;
  if (!rebuilt) {
    const id = typeof parsed.data.requestId === 'string' ? parsed.data.requestId : requestId;
    return new EventStoreApiError(status, code, message, id, body);
  }
  // The server's words stand, even where a newer server words them otherwise.
  rebuilt.message = message;
  return rebuilt;
}

type Body = { message: string } & Record<string, unknown>;

function sdkError(code: string, body: Body, context: ErrorContext): EventStoreError | undefined {
  const streamId = context.streamId ?? '';
  switch (code) {
    case ErrorCode.WrongExpectedVersion: {
      const details = errorDetails.WrongExpectedVersion;
      const expected = details.expectedVersion.safeParse(body.expectedVersion);
      const actual = details.actualVersion.safeParse(body.actualVersion);
      if (!expected.success || !actual.success) return undefined;
      return new WrongExpectedVersionError(streamId, expected.data, actual.data);
    }
    case ErrorCode.StreamNotFound:
      return new StreamNotFoundError(streamId);
    case ErrorCode.SnapshotNotFound:
      return new SnapshotNotFoundError(streamId);
    case ErrorCode.DocumentNotFound:
      return new DocumentNotFoundError(context.projection ?? '', context.key ?? '');
    case ErrorCode.ProjectionNotFound: {
      const known = errorDetails.ProjectionNotFound.knownProjections.safeParse(
        body.knownProjections,
      );
      return new ProjectionNotFoundError(context.projection ?? '', known.success ? known.data : []);
    }
    case ErrorCode.ValidationError: {
      // ValidationError's message is `${field} ${reason}`; a field never starts with a space.
      const at = body.message.indexOf(' ');
      return at < 0
        ? new ValidationError(body.message, '')
        : new ValidationError(body.message.slice(0, at), body.message.slice(at + 1));
    }
    case ErrorCode.AppendTooLarge: {
      const m = /^(.*) is (\d+) (events|bytes); the limit is (\d+) \3$/.exec(body.message);
      if (!m) return new AppendTooLargeError('The append', 0, 0, 'bytes');
      const unit = m[3] as 'events' | 'bytes';
      return new AppendTooLargeError(m[1] ?? '', Number(m[4]), Number(m[2]), unit);
    }
    case ErrorCode.AllStreamLagging: {
      const m = /^Position (\d+) .* within (\d+) ms/.exec(body.message);
      return new AllStreamLaggingError(Number(m?.[1] ?? 0), Number(m?.[2] ?? 0));
    }
    case ErrorCode.ContentionRetriesExhausted: {
      const m = /gave up after (\d+) attempts(?: in (\d+) ms)?/.exec(body.message);
      return new ContentionRetriesExhaustedError(streamId, Number(m?.[1] ?? 0), {
        ...(m?.[2] !== undefined && { elapsedMs: Number(m[2]) }),
      });
    }
    default:
      return undefined;
  }
}

/** `undefined` for an answer with one of these codes ("absent" in the SDK's terms). */
export async function absentAsUndefined<T>(
  answer: Promise<T>,
  codes: readonly string[],
): Promise<T | undefined> {
  try {
    return await answer;
  } catch (error) {
    if (isEventStoreError(error) && codes.includes(error.code)) return undefined;
    throw error;
  }
}
