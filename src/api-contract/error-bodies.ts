import { z } from 'zod';
import { ErrorCode } from '../errors.js';
import { expectedVersionSchema } from '../validation.js';

/** Codes of failures that only exist at the HTTP edge. Stable like the SDK's: never rename one. */
export const HttpErrorCode = {
  RouteNotFound: 'RouteNotFound',
  MethodNotAllowed: 'MethodNotAllowed',
  MalformedJson: 'MalformedJson',
  PayloadTooLarge: 'PayloadTooLarge',
  /** Only the local server answers it: a write a web page made a browser send. */
  CrossSiteRequest: 'CrossSiteRequest',
  InternalError: 'InternalError',
} as const;

export type HttpErrorCode = (typeof HttpErrorCode)[keyof typeof HttpErrorCode];

/** Every `error` an answer of the API can carry. */
export type ApiErrorCode = ErrorCode | HttpErrorCode;

export const apiErrorCodes: readonly ApiErrorCode[] = [
  ...Object.values(ErrorCode),
  ...Object.values(HttpErrorCode),
];

/**
 * What an error answer carries besides `error` and `message`, by code. The
 * handler writes these fields; the client rebuilds the SDK's error from them.
 */
export const errorDetails = {
  [ErrorCode.WrongExpectedVersion]: {
    expectedVersion: expectedVersionSchema,
    actualVersion: z.number().int().min(0),
  },
  [ErrorCode.ProjectionNotFound]: { knownProjections: z.array(z.string()) },
} as const satisfies Partial<Record<ApiErrorCode, z.ZodRawShape>>;

/** An internal failure shows its code and a request id to quote, nothing else. */
export const internalErrorDetails = { requestId: z.string() } as const;

export type WrongExpectedVersionDetails = z.output<
  z.ZodObject<(typeof errorDetails)['WrongExpectedVersion']>
>;
export type ProjectionNotFoundDetails = z.output<
  z.ZodObject<(typeof errorDetails)['ProjectionNotFound']>
>;

/** The body of an error answer with this code; `internal` for codes the API answers as 500. */
export function errorBodySchema(code: ApiErrorCode, internal: boolean) {
  const details: z.ZodRawShape = internal
    ? internalErrorDetails
    : ((errorDetails as Partial<Record<ApiErrorCode, z.ZodRawShape>>)[code] ?? {});
  return z.object({ error: z.literal(code), message: z.string(), ...details });
}

/** What the client reads from any error answer before it looks at the code. */
export const anyErrorBodySchema = z.looseObject({ error: z.string(), message: z.string() });
