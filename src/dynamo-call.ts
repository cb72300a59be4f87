import { DynamoDBFailureError } from './errors.js';

/**
 * Runs one DynamoDB call and passes any failure through as a
 * DynamoDBFailureError that says what the store was doing, with the AWS error
 * as `cause`, so callers get one error family with context.
 */
export async function dynamoCall<T>(operation: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw new DynamoDBFailureError(operation, { cause: error });
  }
}
