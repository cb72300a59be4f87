import type { CancellationReason } from '@aws-sdk/client-dynamodb';
import type { TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import type { PositionMode, StoreLayout } from './counter.js';

/** One action of a TransactWriteItems input, in the document client's plain-value form. */
export type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/** One append's share of a transaction's positions, as a reserved slot lists it. */
export interface RangeEntry {
  readonly streamId: string;
  readonly fromVersion: number;
  readonly count: number;
  readonly firstPosition: number;
}

/** What became of a transaction whose reply said it did not commit, or said nothing. */
export type Settlement = 'committed' | 'not-committed' | 'unknown';

/**
 * Positions `first..last` for one transaction, valid only if it commits with
 * `positionActions`. Settle it exactly once: `committed()`, or `abandon()`.
 */
export interface Reservation {
  /** `null` when positions are given after the commit (sequenced mode). */
  readonly first: number | null;
  readonly last: number | null;
  /** The actions that claim the positions; they go first in the transaction. */
  positionActions(entries: readonly RangeEntry[]): TransactItem[];
  /** The position attributes of the event item at `position` (index keys included); none when `first` is null. */
  eventPlacement(position: number): Record<string, unknown>;
  /**
   * Whether the stream head must guard stream order (`lastPosition < first`):
   * needed when positions are handed out before the commit, so two pipelined
   * appends to one stream could otherwise commit in the opposite order.
   */
  readonly guardsHead: boolean;
  /** A failed position action: `retry` with what the reason taught, or the positions are gone (`reserve-again`). */
  onPositionActionFailed(reason: CancellationReason): 'retry' | 'reserve-again';
  committed(): void;
  /**
   * The transaction was cancelled (`not-committed`) or its outcome is unknown.
   * Makes sure the positions are never used, or finds out that they were:
   * `committed` then means the transaction did commit.
   */
  abandon(outcome: 'not-committed' | 'unknown'): Promise<Settlement>;
}

/** How a store hands out positions; every mode implements it, and only src/position/ knows how. */
export interface PositionStrategy {
  readonly mode: PositionMode;
  readonly layout: StoreLayout;
  /** Claims `count` positions for one transaction. */
  reserve(count: number): Promise<Reservation>;
}
