import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type {
  Context,
  DynamoDBBatchResponse,
  DynamoDBRecord,
  DynamoDBStreamEvent,
} from 'aws-lambda';

/** A DynamoDB Streams Lambda handler, callable by the local poller as well. */
export type StreamHandler = (
  event: DynamoDBStreamEvent,
  context?: Context,
) => Promise<DynamoDBBatchResponse>;

export interface FailureLogger {
  warn(message: string, ...extra: unknown[]): void;
}

/**
 * The batch's work is done up front (grouped per document or per stream, far
 * fewer DynamoDB calls than record by record); Powertools then turns the
 * per-record outcome into `batchItemFailures`, so Lambda retries from the
 * first failed record only.
 */
export async function reportPartialFailures(
  event: DynamoDBStreamEvent,
  failures: ReadonlyMap<DynamoDBRecord, unknown>,
  context: Context | undefined,
  logger: FailureLogger | undefined,
): Promise<DynamoDBBatchResponse> {
  for (const [record, error] of failures) {
    logger?.warn('stream record failed', {
      sequenceNumber: record.dynamodb?.SequenceNumber,
      keys: record.dynamodb?.Keys,
      error: error instanceof Error ? error.message : String(error),
    });
  }
  // One processor per invocation: it keeps per-batch state, and the local
  // poller may run two invocations of one handler at once.
  const processor = new BatchProcessor(EventType.DynamoDBStreams);
  return processPartialResponse(
    event,
    (record: DynamoDBRecord) => {
      if (failures.has(record)) throw failures.get(record);
    },
    processor,
    { ...(context && { context }), processInParallel: false },
  );
}
