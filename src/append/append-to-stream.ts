import { ValidationError } from '../errors.js';
import type { StoreContext } from '../store-context.js';
import type { AppendOptions, AppendResult, NewEvent } from '../types.js';
import { Committer } from './committer.js';
import { validateAppend } from './validate-append.js';

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
  const timeoutMs = options?.timeoutMs ?? ctx.retry.timeoutMs;
  if (!(Number.isFinite(timeoutMs) && timeoutMs > 0)) {
    throw new ValidationError('options.timeoutMs', `must be a number of ms > 0 (got ${timeoutMs})`);
  }
  ctx.appends ??= new Committer(ctx);
  return ctx.appends.submit(append, timeoutMs);
}
