import type { StoreContext } from '../store-context.js';
import type { AppendOptions, AppendResult, NewEvent } from '../types.js';
import { Committer } from './committer.js';
import { appendTimeoutMs, validateAppend } from './validate-append.js';

/**
 * Appends all the events or none, in one conditional TransactWriteItems
 * (shared with other appends of this store in flight at the same time).
 * Conflicts and throttling are retried within the time budget; a stream that
 * is not at the expected version is the caller's to handle
 * (WrongExpectedVersionError), unless the events found there are this very
 * append, committed by an earlier try.
 */
export async function appendToStream(
  ctx: StoreContext,
  streamId: string,
  events: readonly NewEvent[],
  options: AppendOptions,
): Promise<AppendResult> {
  const append = validateAppend(streamId, events, options, new Date(), ctx.events);
  const timeoutMs = appendTimeoutMs(options, ctx.retry.timeoutMs);
  ctx.appends ??= new Committer(ctx);
  return ctx.appends.submit(append, timeoutMs);
}
