import type { CancellationReason } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { PositionCounterMissingError } from '../errors.js';
import { Attr, Keys } from '../table.js';
import { counterKey, PositionMode, readCounterItem, type StoreLayout } from './counter.js';
import { numberAttribute } from './reasons.js';
import type { PositionStrategy, Reservation, TransactItem } from './strategy.js';

/**
 * Pure: the counter action that moves `$GLOBAL/POSITION` from `last` to
 * `last + count`. Its condition serializes every commit through one item,
 * which is what makes positions contiguous and in commit order. On failure
 * DynamoDB returns the current value (ALL_OLD), so the retry needs no read.
 */
export function buildCounterUpdate(tableName: string, last: number, count: number): TransactItem {
  return {
    Update: {
      TableName: tableName,
      Key: counterKey,
      UpdateExpression: 'SET #position = :next',
      ConditionExpression: '#position = :last',
      ExpressionAttributeNames: { '#position': Attr.position },
      ExpressionAttributeValues: { ':next': last + count, ':last': last },
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    },
  };
}

/**
 * Strict mode: the counter is moved inside the append's own transaction.
 * The last value is cached per store, so a warm store appends without reading
 * it; when another process moved it, the cancellation hands back the new one.
 */
export class StrictPositions implements PositionStrategy {
  readonly mode = PositionMode.strict;
  #last: number | undefined;

  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
    readonly layout: StoreLayout,
  ) {}

  async reserve(count: number): Promise<Reservation> {
    const last = this.#last ?? (await this.#read());
    const first = last + 1;
    const { tableName, layout } = this;
    return {
      first,
      last: last + count,
      guardsHead: false,
      positionActions: () => [buildCounterUpdate(tableName, last, count)],
      eventPlacement: (position) => ({
        [Attr.position]: position,
        [Attr.positionPage]: Keys.positionPage(position, layout.pageShards),
      }),
      onPositionActionFailed: (reason: CancellationReason) => {
        const current = numberAttribute(reason.Item, Attr.position);
        if (current === undefined) throw new PositionCounterMissingError(tableName);
        this.#raise(current);
        return 'retry';
      },
      committed: () => this.#raise(last + count),
      // Nothing outside the transaction claimed the positions: a cancelled one
      // used none, and an unknown outcome is for the idempotency check to settle.
      abandon: async (outcome) => (outcome === 'unknown' ? 'unknown' : 'not-committed'),
    };
  }

  // The counter never goes down, so the highest value seen is the best guess.
  #raise(position: number): void {
    this.#last = Math.max(this.#last ?? 0, position);
  }

  async #read(): Promise<number> {
    const item = await readCounterItem(this.doc, this.tableName);
    if (!item) throw new PositionCounterMissingError(this.tableName);
    this.#raise(Number(item[Attr.position]));
    return this.#last ?? 0;
  }
}
