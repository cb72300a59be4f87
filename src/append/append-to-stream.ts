import { randomUUID } from 'node:crypto';
import type { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoDBFailureError, WrongExpectedVersionError } from '../errors.js';
import type { StoreContext } from '../store-context.js';
import type { AppendOptions, AppendResult, NewEvent } from '../types.js';
import { buildAppendTransaction } from './build-transaction.js';
import { type CancellationVerdict, interpretCancellation } from './cancellation.js';
import { isSameAppend, readEventsFrom, readLatestEvents, resultFrom } from './idempotency.js';
import { type Attempt, awsCall, done, retry, toStoreError, withRetries } from './retry.js';
import { type PreparedAppend, validateAppend } from './validate-append.js';

/**
 * Appends all the events or none, in one conditional TransactWriteItems per
 * attempt. Losing the global counter to another writer, conflicts and
 * throttling are retried here; a stream that is not at the expected version
 * is the caller's to handle (WrongExpectedVersionError), unless the events
 * found there are this very append, committed by an earlier try.
 */
export async function appendToStream(
  ctx: StoreContext,
  streamId: string,
  events: readonly NewEvent[],
  options: AppendOptions,
): Promise<AppendResult> {
  const append = validateAppend(streamId, events, options);
  return withRetries(ctx.retry, append.streamId, () => attemptAppend(ctx, append));
}

async function attemptAppend(
  ctx: StoreContext,
  append: PreparedAppend,
): Promise<Attempt<AppendResult>> {
  const { streamId, expectedVersion, events } = append;
  let baseVersion: number;
  if (expectedVersion === 'any' || expectedVersion === 'stream_exists') {
    // The newest event gives the version to condition on, and tells whether
    // this may be a retry of an append that already committed: only then does
    // it end with this append's last event id, and only then are the rest read.
    const [newest] = await readLatestEvents(ctx, streamId, 1);
    baseVersion = newest?.version ?? 0;
    if (newest && newest.eventId === events.at(-1)?.eventId && baseVersion >= events.length) {
      const latest =
        events.length === 1
          ? [newest]
          : await readEventsFrom(ctx, streamId, baseVersion - events.length + 1, events.length);
      if (isSameAppend(latest, events)) return done(resultFrom(streamId, latest));
    }
    if (expectedVersion === 'stream_exists' && baseVersion === 0) {
      throw new WrongExpectedVersionError(streamId, expectedVersion, 0);
    }
  } else {
    baseVersion = expectedVersion === 'no_stream' ? 0 : expectedVersion;
  }

  const positions = await awsCall('GetItem of the global position counter', () =>
    ctx.positions.reserve(events.length),
  );
  const tx = buildAppendTransaction({
    tableName: ctx.tableName,
    streamId,
    events,
    createdAt: append.createdAt,
    baseVersion,
    positions,
  });
  const operation = `TransactWriteItems appending ${events.length} events to '${streamId}' at version ${baseVersion}`;
  try {
    // A fresh token per attempt: the SDK's own resend of this request is
    // idempotent, and a later attempt is never mistaken for this one.
    await ctx.doc.send(new TransactWriteCommand({ ...tx.input, ClientRequestToken: randomUUID() }));
  } catch (error) {
    const verdict = isCancellation(error)
      ? interpretCancellation(error.CancellationReasons)
      : undefined;
    positions.failed(verdict?.kind === 'failed' ? undefined : verdict?.counterPosition);
    if (!verdict) throw toStoreError(operation, error);
    return onCancelled(ctx, append, baseVersion, verdict, error as Error, operation);
  }
  positions.committed(tx.result.lastPosition);
  return done(tx.result);
}

async function onCancelled(
  ctx: StoreContext,
  append: PreparedAppend,
  baseVersion: number,
  verdict: CancellationVerdict,
  error: Error,
  operation: string,
): Promise<Attempt<AppendResult>> {
  const { streamId, expectedVersion, events } = append;
  if (verdict.kind === 'failed') {
    throw new DynamoDBFailureError(`${operation} (${verdict.codes.join(', ')})`, { cause: error });
  }
  if (verdict.kind === 'contention') return retry(error);
  // 'any' and 'stream_exists' named no version: the stream moved between our
  // read and our write, so read again.
  if (expectedVersion === 'any' || expectedVersion === 'stream_exists') return retry(error);

  const stored = await readEventsFrom(ctx, streamId, baseVersion + 1, events.length);
  if (isSameAppend(stored, events)) return done(resultFrom(streamId, stored));
  const actualVersion =
    verdict.actualVersion ?? (await readLatestEvents(ctx, streamId, 1)).at(-1)?.version ?? 0;
  throw new WrongExpectedVersionError(streamId, expectedVersion, actualVersion, { cause: error });
}

function isCancellation(error: unknown): error is TransactionCanceledException {
  return (error as Error | undefined)?.name === 'TransactionCanceledException';
}
