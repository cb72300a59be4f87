import { isRetryableAwsError } from '../aws-errors.js';
import { AppendTooLargeError, DynamoDBFailureError, EventStoreError } from '../errors.js';
import { Limits } from '../table.js';

/**
 * Runs one DynamoDB call. Retryable errors pass through untouched for
 * the committer to retry; store errors stay as they are; anything else becomes a
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
