import type { TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';

/** One action of a TransactWriteItems input, in the document client's plain-value form. */
export type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/**
 * Positions `firstPosition .. firstPosition + count - 1`, valid only if
 * `action` commits with the append. Settle it exactly once, as soon as the
 * transaction's outcome is known.
 */
export interface PositionReservation {
  readonly firstPosition: number;
  /** The transaction action that claims the positions; it goes first in the append's transaction. */
  readonly action: TransactItem;
  /** The transaction committed: positions up to `lastPosition` are handed out. */
  committed(lastPosition: number): void;
  /** The transaction did not commit; `currentPosition` is the counter's value when DynamoDB returned it. */
  failed(currentPosition?: number): void;
}

/**
 * How an append gets its global positions. The counter mode claims them
 * inside the append's own transaction; a later scale-out mode (see DESIGN.md)
 * will assign them after the commit instead, so appends only ever talk to
 * this interface, never to the counter item.
 */
export interface PositionAssigner {
  /** Claims `count` positions, reading the current value from DynamoDB only when it is not known. */
  reserve(count: number): Promise<PositionReservation>;
}
