import type { CancellationReason } from '@aws-sdk/client-dynamodb';
import { Attr } from '../table.js';
import { TxIndex } from './build-transaction.js';

/**
 * What a cancelled append transaction means for the append:
 * - `stream-moved`: the head (or an event slot) was not as expected: the
 *   caller's concurrency problem, unless it is our own earlier commit
 *   (idempotent retry); `actualVersion` is the head's version when DynamoDB
 *   returned it;
 * - `contention`: only the counter moved, or DynamoDB reported a conflict or
 *   throttling: retry internally;
 * - `failed`: anything else, passed on as a DynamoDB failure.
 * `counterPosition` is the counter's current value whenever its condition failed.
 */
export type CancellationVerdict =
  | { kind: 'stream-moved'; actualVersion: number | undefined; counterPosition: number | undefined }
  | { kind: 'contention'; counterPosition: number | undefined }
  | { kind: 'failed'; codes: readonly string[] };

const RETRYABLE_CODES: ReadonlySet<string> = new Set([
  'TransactionConflict',
  'ThrottlingError',
  'ProvisionedThroughputExceeded',
]);

/** Pure: reads `CancellationReasons` by the transaction item's index (see TxIndex). */
export function interpretCancellation(
  reasons: readonly CancellationReason[] | undefined,
): CancellationVerdict {
  let streamMoved = false;
  let actualVersion: number | undefined;
  let counterPosition: number | undefined;
  let retryable = false;
  const unexpected: string[] = [];
  (reasons ?? []).forEach((reason, index) => {
    const code = reason.Code ?? 'None';
    if (code === 'None') return;
    if (RETRYABLE_CODES.has(code)) {
      retryable = true;
    } else if (code !== 'ConditionalCheckFailed') {
      unexpected.push(`${code} at item ${index}`);
    } else if (index === TxIndex.counter) {
      counterPosition = numberAttribute(reason.Item, Attr.position) ?? 0;
    } else {
      streamMoved = true;
      // A head that is absent is at version 0.
      if (index === TxIndex.head) actualVersion = numberAttribute(reason.Item, Attr.version) ?? 0;
    }
  });
  if (unexpected.length > 0) return { kind: 'failed', codes: unexpected };
  // A failed stream condition is definite; retrying would fail it again.
  if (streamMoved) return { kind: 'stream-moved', actualVersion, counterPosition };
  if (retryable || counterPosition !== undefined) return { kind: 'contention', counterPosition };
  return { kind: 'failed', codes: ['no cancellation reason'] };
}

/** Cancellation items arrive as raw attribute values (`{ N: '7' }`), even through the document client. */
function numberAttribute(item: CancellationReason['Item'], name: string): number | undefined {
  const value: unknown = item?.[name];
  if (typeof value === 'number') return value;
  const n = (value as { N?: unknown } | undefined)?.N;
  return typeof n === 'string' ? Number(n) : undefined;
}
