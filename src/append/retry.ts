import { setTimeout as sleep } from 'node:timers/promises';
import {
  AppendTooLargeError,
  ContentionRetriesExhaustedError,
  DynamoDBFailureError,
  EventStoreError,
} from '../errors.js';
import { Limits } from '../table.js';
import type { RetryOptions } from '../types.js';

/** One attempt's outcome: finished, or lost a race worth running again (`cause` says which). */
export type Attempt<T> = { kind: 'done'; value: T } | { kind: 'retry'; cause: unknown };

export const done = <T>(value: T): Attempt<T> => ({ kind: 'done', value });
export const retry = <T>(cause: unknown): Attempt<T> => ({ kind: 'retry', cause });

/** AWS errors that say "not now": the same request may succeed a moment later. */
const RETRYABLE_ERRORS: ReadonlySet<string> = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'RequestLimitExceeded',
  'TransactionInProgressException',
  'TransactionConflictException',
]);

export function isRetryableAwsError(error: unknown): boolean {
  return RETRYABLE_ERRORS.has((error as { name?: unknown } | null)?.name as string);
}

/** Pure: full-jitter exponential backoff before retry number `retryNumber` (1-based). */
export function backoffDelay(
  retryNumber: number,
  options: Required<RetryOptions>,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** (retryNumber - 1));
  return Math.floor(random() * ceiling);
}

/**
 * Runs `attempt` until it is done, at most `options.maxAttempts` times, with
 * backoff in between. Retryable AWS errors thrown by an attempt count as lost
 * races; every other error ends the append at once.
 */
export async function withRetries<T>(
  options: Required<RetryOptions>,
  streamId: string,
  attempt: () => Promise<Attempt<T>>,
): Promise<T> {
  let cause: unknown;
  for (let n = 1; n <= options.maxAttempts; n++) {
    if (n > 1) await sleep(backoffDelay(n - 1, options));
    let outcome: Attempt<T>;
    try {
      outcome = await attempt();
    } catch (error) {
      if (!isRetryableAwsError(error)) throw error;
      outcome = retry(error);
    }
    if (outcome.kind === 'done') return outcome.value;
    cause = outcome.cause;
  }
  throw new ContentionRetriesExhaustedError(streamId, options.maxAttempts, { cause });
}

/**
 * Runs one DynamoDB call. Retryable errors pass through untouched for
 * `withRetries`; store errors stay as they are; anything else becomes a
 * DynamoDBFailureError that says what the store was doing.
 */
export async function awsCall<T>(operation: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw toStoreError(operation, error);
  }
}

export function toStoreError(operation: string, error: unknown): unknown {
  if (error instanceof EventStoreError || isRetryableAwsError(error)) return error;
  const { name, message } = (error ?? {}) as { name?: unknown; message?: unknown };
  // Validation counts sizes before the write and never undercounts, so this
  // is a backstop for a DynamoDB that counts differently. Only the transaction
  // message says the size; an item refusal stays a DynamoDBFailureError.
  const payload =
    name === 'ValidationException' && typeof message === 'string'
      ? /payload size cannot exceed.*?Payload Size: (\d+)/i.exec(message)
      : null;
  if (payload?.[1]) {
    return new AppendTooLargeError(
      "The append's transaction (as DynamoDB counts it)",
      Limits.transactionBytes,
      Number(payload[1]),
      'bytes',
      { cause: error },
    );
  }
  return new DynamoDBFailureError(operation, { cause: error });
}
