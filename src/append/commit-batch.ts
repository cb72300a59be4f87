import { randomUUID } from 'node:crypto';
import type { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { isRetryableAwsError } from '../aws-errors.js';
import { DynamoDBFailureError } from '../errors.js';
import { ReservationExpired } from '../position/reserved-positions.js';
import type { Reservation } from '../position/strategy.js';
import type { StoreContext } from '../store-context.js';
import type { AppendResult } from '../types.js';
import { findBaseVersion, settleMovedStream } from './base-version.js';
import { type BatchTransaction, buildBatchTransaction } from './build-transaction.js';
import { type BatchVerdict, interpretCancellation } from './cancellation.js';
import type { Pending, Requeue } from './pending.js';
import { toStoreError } from './store-error.js';

export interface BatchOutcome {
  committed: { pending: Pending; result: AppendResult }[];
  failed: { pending: Pending; error: unknown }[];
  requeue: Requeue[];
}

/**
 * One transaction for `batch`: reserve positions, send, and sort out what
 * each member gets. Every exit without a commit abandons the reservation, so
 * no position is left unresolved for readers.
 */
export async function commitBatch(ctx: StoreContext, batch: Pending[]): Promise<BatchOutcome> {
  const outcome: BatchOutcome = { committed: [], failed: [], requeue: [] };
  const everyone = (pause: boolean, extra: Partial<Requeue> = {}) => {
    for (const pending of batch) outcome.requeue.push({ pending, pause, ...extra });
    return outcome;
  };
  const failEveryone = (error: unknown) => {
    for (const pending of batch) outcome.failed.push({ pending, error });
    return outcome;
  };
  for (const pending of batch) pending.attempts++;

  let reservation: Reservation;
  try {
    const strategy = await ctx.positions.strategy();
    const count = batch.reduce((n, p) => n + p.append.events.length, 0);
    reservation = await strategy.reserve(count);
  } catch (error) {
    if (!isRetryableAwsError(error))
      return failEveryone(toStoreError('reserving positions', error));
    for (const pending of batch) pending.lastError = error;
    return everyone(true);
  }

  let tx: BatchTransaction;
  try {
    tx = buildBatchTransaction(ctx.tableName, batch, reservation);
  } catch (error) {
    if (!(error instanceof ReservationExpired)) throw error;
    await reservation.abandon('not-committed');
    return everyone(false);
  }

  const operation = `TransactWriteItems appending to ${describeBatch(batch)}`;
  try {
    // A fresh token per attempt: the SDK's own resend of this request is
    // idempotent, and a later attempt is never mistaken for this one.
    await ctx.doc.send(new TransactWriteCommand({ ...tx.input, ClientRequestToken: randomUUID() }));
  } catch (error) {
    for (const pending of batch) pending.lastError = error;
    if (isCancellation(error)) {
      await reservation.abandon('not-committed');
      const verdict = interpretCancellation(error.CancellationReasons, tx.actions, batch);
      return onCancelled(ctx, batch, reservation, verdict, error, operation, outcome);
    }
    if (isRetryableAwsError(error)) {
      await reservation.abandon('not-committed');
      return everyone(true);
    }
    if (isDefinite(error)) {
      await reservation.abandon('not-committed');
      // One member's problem must not fail the others: each tries again alone.
      if (unitCount(batch) > 1) return everyone(false, { alone: true });
      return failEveryone(toStoreError(operation, error));
    }
    const settlement = await reservation.abandon('unknown');
    if (settlement === 'committed') return committedAll(batch, tx, outcome);
    return everyone(true, { refreshBase: settlement === 'unknown' });
  }
  reservation.committed();
  return committedAll(batch, tx, outcome);
}

function committedAll(batch: Pending[], tx: BatchTransaction, outcome: BatchOutcome): BatchOutcome {
  batch.forEach((pending, i) => {
    outcome.committed.push({ pending, result: tx.results[i] as AppendResult });
  });
  return outcome;
}

async function onCancelled(
  ctx: StoreContext,
  batch: Pending[],
  reservation: Reservation,
  verdict: BatchVerdict,
  error: TransactionCanceledException,
  operation: string,
  outcome: BatchOutcome,
): Promise<BatchOutcome> {
  if (verdict.unexpected.length > 0) {
    if (unitCount(batch) > 1) {
      for (const pending of batch) outcome.requeue.push({ pending, pause: false, alone: true });
      return outcome;
    }
    const failure = new DynamoDBFailureError(`${operation} (${verdict.unexpected.join(', ')})`, {
      cause: error,
    });
    for (const pending of batch) outcome.failed.push({ pending, error: failure });
    return outcome;
  }
  // What the position action's failure taught (a newer counter value) serves everyone's retry;
  // losing the counter to another process is contention, so pause as for a conflict.
  const counterMoved =
    verdict.positionFailure !== undefined &&
    reservation.onPositionActionFailed(verdict.positionFailure) === 'retry';
  const pauseAll = verdict.positionConflict || counterMoved;
  await Promise.all(
    batch.map(async (pending, index) => {
      const mine = verdict.members.get(index);
      if (!mine) {
        // Cancelled only because of another member or the position claim: go again at once.
        outcome.requeue.push({ pending, pause: pauseAll });
        return;
      }
      if (mine.kind === 'conflict') return void outcome.requeue.push({ pending, pause: true });
      if (mine.kind === 'order-guard') return void outcome.requeue.push({ pending, pause: false });
      try {
        const next = await onStreamMoved(ctx, pending, mine.actualVersion, error);
        if (next.kind === 'done') outcome.committed.push({ pending, result: next.result });
        else outcome.requeue.push({ pending, pause: false });
      } catch (failure) {
        outcome.failed.push({ pending, error: failure });
      }
    }),
  );
  return outcome;
}

/**
 * The head was not where this member expected it. A named version is the
 * caller's conflict (or its own earlier commit); `any` and `stream_exists`
 * named none, so they start again from the version DynamoDB handed back.
 */
async function onStreamMoved(
  ctx: StoreContext,
  pending: Pending,
  actualVersion: number | undefined,
  cause: unknown,
): Promise<{ kind: 'done'; result: AppendResult } | { kind: 'again' }> {
  const { append } = pending;
  const { expectedVersion } = append;
  if (expectedVersion !== 'any' && expectedVersion !== 'stream_exists') {
    const result = await settleMovedStream(ctx, append, pending.baseVersion, actualVersion, cause);
    return { kind: 'done', result };
  }
  // What moved the stream may be this very append (a retry racing its first try): look again,
  // as at the start, whether the stream now ends with its events.
  const base = await findBaseVersion(ctx, append);
  if (base.kind === 'done') return base;
  pending.baseVersion = Math.max(base.version, actualVersion ?? 0);
  return { kind: 'again' };
}

/** Appends and groups in the batch: a group tries again alone as a whole, never split. */
function unitCount(batch: readonly Pending[]): number {
  return new Set(batch.map((pending) => pending.group ?? pending)).size;
}

function describeBatch(batch: Pending[]): string {
  const [first] = batch;
  if (batch.length === 1 && first) {
    return `'${first.append.streamId}' (${first.append.events.length} events at version ${first.baseVersion})`;
  }
  return `${batch.length} streams`;
}

function isCancellation(error: unknown): error is TransactionCanceledException {
  return (error as Error | undefined)?.name === 'TransactionCanceledException';
}

/**
 * DynamoDB answered and refused the request: nothing was written. Anything
 * else (a lost connection, a timeout, a 5xx) may have committed.
 */
function isDefinite(error: unknown): boolean {
  const { $fault, $metadata } = (error ?? {}) as {
    $fault?: string;
    $metadata?: { httpStatusCode?: number };
  };
  const status = $metadata?.httpStatusCode;
  return $fault === 'client' && status !== undefined && status >= 400 && status < 500;
}
