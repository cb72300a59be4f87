import type { AppendResult } from '../types.js';
import type { PreparedAppend } from './validate-append.js';

/**
 * Appends to several streams that commit together or not at all
 * (`appendToStreams`): they always ride in one transaction, and are settled
 * (committed, failed, queued again) as one.
 */
export interface PendingGroup {
  readonly members: readonly Pending[];
  resolve(results: AppendResult[]): void;
  reject(error: unknown): void;
}

/** An append waiting for (another) transaction. */
export interface Pending {
  readonly append: PreparedAppend;
  baseVersion: number;
  readonly startedAt: number;
  readonly deadline: number;
  /** Transactions tried so far. */
  attempts: number;
  /** Pauses taken so far: the backoff grows with them. */
  pauses: number;
  notBefore: number;
  /** After a failure that is not understood in a batch: try it alone. */
  alone: boolean;
  lastError: unknown;
  /** Set when this append is one member of an all-or-nothing group. */
  readonly group?: PendingGroup;
  resolve(result: AppendResult): void;
  reject(error: unknown): void;
}

/** What to do with a pending append after a transaction that did not settle it. */
export type Requeue = {
  pending: Pending;
  /** Back off first (contention), or go again at once (a bystander of someone else's failure). */
  pause: boolean;
  /** Its last transaction's outcome is unknown: look again where the stream is. */
  refreshBase?: boolean;
  /** A failure nobody could place on one member: each tries again in a transaction of its own. */
  alone?: boolean;
};
