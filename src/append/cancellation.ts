import type { CancellationReason } from '@aws-sdk/client-dynamodb';
import { numberAttribute } from '../position/reasons.js';
import { Attr } from '../table.js';
import type { BatchMember, TxAction } from './build-transaction.js';

/**
 * What a cancelled transaction means for one member:
 * - `stream-moved`: its head (or an event slot) was not as expected: the
 *   caller's concurrency problem, unless it is our own earlier commit
 *   (idempotent retry); `actualVersion` is the head's version when DynamoDB
 *   returned it;
 * - `order-guard`: the head was at the expected version, but a later position
 *   of the stream committed first: its positions must be reserved again;
 * - `conflict`: DynamoDB reported a conflict or throttling on its items.
 */
export type MemberVerdict =
  | { kind: 'stream-moved'; actualVersion: number | undefined }
  | { kind: 'order-guard' }
  | { kind: 'conflict' };

export interface BatchVerdict {
  /** The reason of a failed position action (counter moved, slot taken), if one failed. */
  readonly positionFailure: CancellationReason | undefined;
  /** A conflict or throttling on the position actions: everyone retries after a pause. */
  readonly positionConflict: boolean;
  /** Members whose own items failed; the others were cancelled only because of them. */
  readonly members: ReadonlyMap<number, MemberVerdict>;
  /** Reasons no retry can cure, e.g. `ValidationError at item 3`. */
  readonly unexpected: readonly string[];
}

const RETRYABLE_CODES: ReadonlySet<string> = new Set([
  'TransactionConflict',
  'ThrottlingError',
  'ProvisionedThroughputExceeded',
]);

/** Pure: reads `CancellationReasons` by the transaction action's index (see TxAction). */
export function interpretCancellation(
  reasons: readonly CancellationReason[] | undefined,
  actions: readonly TxAction[],
  members: readonly BatchMember[],
): BatchVerdict {
  let positionFailure: CancellationReason | undefined;
  let positionConflict = false;
  const verdicts = new Map<number, MemberVerdict>();
  const unexpected: string[] = [];
  (reasons ?? []).forEach((reason, index) => {
    const code = reason.Code ?? 'None';
    const action = actions[index];
    if (code === 'None' || !action) return;
    if (RETRYABLE_CODES.has(code)) {
      if (action.kind === 'position') positionConflict = true;
      else if (!verdicts.has(action.member)) verdicts.set(action.member, { kind: 'conflict' });
      return;
    }
    if (code !== 'ConditionalCheckFailed') {
      unexpected.push(`${code} at item ${index}`);
      return;
    }
    if (action.kind === 'position') {
      positionFailure = reason;
      return;
    }
    const base = members[action.member]?.baseVersion ?? 0;
    if (action.kind === 'event') {
      // A head that passed its check with an event already there: read the stream to know.
      if (verdicts.get(action.member)?.kind !== 'stream-moved') {
        verdicts.set(action.member, { kind: 'stream-moved', actualVersion: undefined });
      }
      return;
    }
    // A head that is absent is at version 0.
    const actualVersion = numberAttribute(reason.Item, Attr.version) ?? 0;
    verdicts.set(
      action.member,
      actualVersion === base && base > 0
        ? { kind: 'order-guard' }
        : { kind: 'stream-moved', actualVersion },
    );
  });
  if (!positionFailure && !positionConflict && verdicts.size === 0 && unexpected.length === 0) {
    unexpected.push('no cancellation reason');
  }
  return { positionFailure, positionConflict, members: verdicts, unexpected };
}
