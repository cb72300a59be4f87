import { WrongExpectedVersionError } from '../errors.js';
import type { StoreContext } from '../store-context.js';
import type { AppendResult } from '../types.js';
import { readEventsFrom, readLatestEvents } from './idempotency.js';
import { isSameAppend, resultFrom } from './same-append.js';
import type { PreparedAppend } from './validate-append.js';

/** The version an append's head must be at, or the result of the same append found committed. */
export type BaseVersion =
  | { kind: 'base'; version: number }
  | { kind: 'done'; result: AppendResult };

/**
 * Where an append starts. A number or `no_stream` says it; `any` and
 * `stream_exists` read the newest event, which also tells whether this may be
 * a retry of an append that already committed: only then does it end with
 * this append's last event id, and only then are the rest read.
 */
export async function findBaseVersion(
  ctx: StoreContext,
  append: PreparedAppend,
): Promise<BaseVersion> {
  const { streamId, expectedVersion, events } = append;
  if (expectedVersion === 'no_stream') return { kind: 'base', version: 0 };
  if (typeof expectedVersion === 'number') return { kind: 'base', version: expectedVersion };
  const [newest] = await readLatestEvents(ctx, streamId, 1);
  const version = newest?.version ?? 0;
  if (newest && newest.eventId === events.at(-1)?.eventId && version >= events.length) {
    const latest =
      events.length === 1
        ? [newest]
        : await readEventsFrom(ctx, streamId, version - events.length + 1, events.length);
    if (isSameAppend(latest, events)) return { kind: 'done', result: resultFrom(streamId, latest) };
  }
  if (expectedVersion === 'stream_exists' && version === 0) {
    throw new WrongExpectedVersionError(streamId, expectedVersion, 0);
  }
  return { kind: 'base', version };
}

/**
 * After a transaction whose outcome is unknown (its reply was lost): the
 * append's result if it committed, else the version to start again from.
 * That transaction held the head at `baseVersion`, so had it committed, its
 * events would be right after it, whatever was appended since; `any` and
 * `stream_exists` not found there start from the stream's newest version.
 */
export async function findOutcome(
  ctx: StoreContext,
  append: PreparedAppend,
  baseVersion: number,
): Promise<BaseVersion> {
  const { streamId, expectedVersion, events } = append;
  const stored = await readEventsFrom(ctx, streamId, baseVersion + 1, events.length);
  if (isSameAppend(stored, events)) return { kind: 'done', result: resultFrom(streamId, stored) };
  if (expectedVersion === 'any' || expectedVersion === 'stream_exists') {
    return findBaseVersion(ctx, append);
  }
  return { kind: 'base', version: baseVersion };
}

/**
 * After the head refused a named version: the same append already committed
 * (its reply was lost) gives its original result; anything else is the
 * caller's WrongExpectedVersionError.
 */
export async function settleMovedStream(
  ctx: StoreContext,
  append: PreparedAppend,
  baseVersion: number,
  actualVersion: number | undefined,
  cause: unknown,
): Promise<AppendResult> {
  const { streamId, expectedVersion, events } = append;
  const stored = await readEventsFrom(ctx, streamId, baseVersion + 1, events.length);
  if (isSameAppend(stored, events)) return resultFrom(streamId, stored);
  const actual = actualVersion ?? (await readLatestEvents(ctx, streamId, 1)).at(-1)?.version ?? 0;
  throw new WrongExpectedVersionError(streamId, expectedVersion, actual, { cause });
}
