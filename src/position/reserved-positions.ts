import { randomUUID } from 'node:crypto';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { isRetryableAwsError } from '../aws-errors.js';
import { backoff } from '../backoff.js';
import {
  DynamoDBFailureError,
  PositionCounterMissingError,
  PositionModeMismatchError,
} from '../errors.js';
import { Attr, Keys } from '../table.js';
import {
  counterKey,
  layoutOf,
  PositionMode,
  readCounterItem,
  type StoreLayout,
} from './counter.js';
import { buildCommittedSlot, writeAbortMarker } from './slots.js';
import type { PositionStrategy, Reservation, Settlement } from './strategy.js';

/**
 * An appender sends its transaction at most this long after reserving.
 * Readers wait longer than this before they abort a hole (DESIGN.md,
 * "Reserved positions: the rules"), so they only ever abort dead ranges.
 */
export const COMMIT_WINDOW_MS = 2000;

/**
 * Reserved mode: positions come from a plain atomic add on the counter,
 * outside any transaction (plain writes to one item queue, transactions on it
 * cancel each other). The append's transaction then claims its range with a
 * slot item; a range that does not commit is marked aborted, so readers
 * never wait on it for long and never skip a committed position.
 */
export class ReservedPositions implements PositionStrategy {
  readonly mode = PositionMode.reserved;

  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
    readonly layout: StoreLayout,
  ) {}

  async reserve(count: number): Promise<Reservation> {
    const last = await this.#add(count);
    const first = last - count + 1;
    const reservedAt = Date.now();
    const txId = randomUUID();
    const { doc, tableName, layout } = this;
    let settled = false;
    return {
      first,
      last,
      guardsHead: true,
      positionActions: (entries) => {
        // A transaction sent later than the window could commit under a reader's abort marker.
        if (Date.now() - reservedAt > COMMIT_WINDOW_MS) throw new ReservationExpired();
        return [buildCommittedSlot(tableName, first, count, entries, txId)];
      },
      eventPlacement: (position) => ({
        [Attr.position]: position,
        [Attr.positionPage]: Keys.positionPage(position, layout.pageShards),
        [Attr.rangeFirst]: first,
        [Attr.rangeLast]: last,
      }),
      // The slot is taken (a reader aborted the range's start): these positions are lost to us.
      onPositionActionFailed: () => 'reserve-again',
      committed: () => {
        settled = true;
      },
      abandon: async () => {
        if (settled) return 'committed';
        settled = true;
        return abortRange(doc, tableName, layout, first, last, txId);
      },
    };
  }

  /** `ADD position :k`, only on an existing counter of this mode: the new last position. */
  async #add(count: number): Promise<number> {
    try {
      const { Attributes } = await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: counterKey,
          UpdateExpression: 'ADD #position :count',
          ConditionExpression: 'attribute_exists(#pk) AND #mode = :reserved',
          ExpressionAttributeNames: {
            '#position': Attr.position,
            '#pk': Attr.pk,
            '#mode': Attr.positionMode,
          },
          ExpressionAttributeValues: { ':count': count, ':reserved': PositionMode.reserved },
          ReturnValues: 'UPDATED_NEW',
        }),
      );
      return Number(Attributes?.[Attr.position]);
    } catch (error) {
      if (isRetryableAwsError(error)) throw error;
      if (!(error instanceof ConditionalCheckFailedException)) {
        throw new DynamoDBFailureError('UpdateItem reserving positions', { cause: error });
      }
    }
    const item = await readCounterItem(this.doc, this.tableName);
    if (!item) throw new PositionCounterMissingError(this.tableName);
    throw new PositionModeMismatchError(this.tableName, layoutOf(item).mode, this.mode);
  }
}

/** The reservation outlived its commit window before the transaction was sent. */
export class ReservationExpired extends Error {
  override name = 'ReservationExpired';
}

const ABORT_ATTEMPTS = 8;

/**
 * Marks first..last aborted, resuming past any marker a reader wrote first.
 * Finding our own committed slot instead means the transaction committed.
 * `unknown` when DynamoDB kept refusing: readers then abort the range themselves.
 */
async function abortRange(
  doc: DynamoDBDocumentClient,
  tableName: string,
  layout: StoreLayout,
  first: number,
  last: number,
  txId: string,
): Promise<Settlement> {
  let from = first;
  for (let attempt = 1; from <= last; ) {
    let slot: Awaited<ReturnType<typeof writeAbortMarker>>;
    try {
      slot = await writeAbortMarker(doc, tableName, from, last - from + 1, layout.pageShards);
    } catch {
      if (attempt >= ABORT_ATTEMPTS) return 'unknown';
      await backoff(attempt++);
      continue;
    }
    if (slot.state === 'committed') {
      // Only our own transaction can have written a committed slot in our range.
      return slot.txId === txId ? 'committed' : 'not-committed';
    }
    from = slot.first + slot.count;
  }
  return 'not-committed';
}
