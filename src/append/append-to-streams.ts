import { AppendTooLargeError, ValidationError } from '../errors.js';
import type { EventRegistry } from '../events/define.js';
import type { StoreContext } from '../store-context.js';
import { Limits } from '../table.js';
import type { AppendResult, AppendToStreamsOptions, StreamAppend } from '../types.js';
import { describe } from '../validation.js';
import { Committer } from './committer.js';
import {
  type PreparedAppend,
  TRANSACTION_OVERHEAD_BYTES,
  validateAppend,
} from './validate-append.js';

/** DynamoDB's 100 actions, less the position claim (counter or slot). */
const GROUP_ACTIONS = Limits.transactionActions - 1;

/**
 * Appends to several streams at once: one conditional TransactWriteItems
 * commits every append, or none (a stream not at its expected version fails
 * the whole group with its WrongExpectedVersionError). Each append keeps the
 * rules of `appendToStream`; the group takes one position claim, so its
 * events get consecutive positions in the reserved and strict modes.
 */
export async function appendToStreams(
  ctx: StoreContext,
  appends: readonly StreamAppend[],
  options: AppendToStreamsOptions,
): Promise<AppendResult[]> {
  const prepared = validateGroup(appends, ctx.events);
  const timeoutMs = options?.timeoutMs ?? ctx.retry.timeoutMs;
  if (!(Number.isFinite(timeoutMs) && timeoutMs > 0)) {
    throw new ValidationError('options.timeoutMs', `must be a number of ms > 0 (got ${timeoutMs})`);
  }
  ctx.appends ??= new Committer(ctx);
  return ctx.appends.submitGroup(prepared, timeoutMs);
}

/** Refuses what cannot be one transaction, before anything is written. */
export function validateGroup(
  appends: unknown,
  registry?: EventRegistry | undefined,
): PreparedAppend[] {
  if (!Array.isArray(appends) || appends.length === 0) {
    throw new ValidationError(
      'appends',
      `must be an array of 1 or more { streamId, events, expectedVersion? } (got ${describe(appends)})`,
    );
  }
  const seen = new Map<string, number>();
  // One commit, one time: every event of the group gets the same createdAt.
  const now = new Date();
  const prepared = appends.map((append: unknown, index) => {
    if (typeof append !== 'object' || append === null) {
      throw new ValidationError(
        `appends[${index}]`,
        `must be { streamId, events, expectedVersion? } (got ${describe(append)})`,
      );
    }
    const { streamId, events, expectedVersion } = append as Record<string, unknown>;
    const one = withField(`appends[${index}]`, () =>
      validateAppend(streamId, events, { expectedVersion }, now, registry),
    );
    const first = seen.get(one.streamId);
    if (first !== undefined) {
      throw new ValidationError(
        `appends[${index}].streamId`,
        `must differ from every other stream of the group (same as appends[${first}]); put all of a stream's events in one append`,
      );
    }
    seen.set(one.streamId, index);
    return one;
  });
  const events = prepared.reduce((n, a) => n + a.events.length, 0);
  if (events + prepared.length > GROUP_ACTIONS) {
    throw new AppendTooLargeError(
      `The group of ${prepared.length} appends (DynamoDB's 100 transaction actions, less the position claim and one stream head per stream)`,
      GROUP_ACTIONS - prepared.length,
      events,
      'events',
    );
  }
  const bytes = prepared.reduce((n, a) => n + a.bytes, TRANSACTION_OVERHEAD_BYTES);
  if (bytes > Limits.transactionBytes) {
    throw new AppendTooLargeError(
      `The group of ${prepared.length} appends' transaction`,
      Limits.transactionBytes,
      bytes,
      'bytes',
    );
  }
  return prepared;
}

/** Names the group member in a validation error (`appends[2].events[0].type ...`). */
function withField<T>(prefix: string, run: () => T): T {
  try {
    return run();
  } catch (error) {
    if (error instanceof ValidationError) {
      throw new ValidationError(`${prefix}.${error.field}`, error.reason);
    }
    if (error instanceof AppendTooLargeError) {
      throw new AppendTooLargeError(
        `${prefix}: ${error.what}`,
        error.limit,
        error.size,
        error.unit,
      );
    }
    throw error;
  }
}
