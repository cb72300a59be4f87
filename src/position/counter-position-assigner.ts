import { type DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { Attr, Keys } from '../table.js';
import type { PositionAssigner, PositionReservation, TransactItem } from './position-assigner.js';
import { Turns } from './turns.js';

/**
 * Pure: the counter action that moves `$GLOBAL/POSITION` from `last` to
 * `last + count`. Its condition serializes every commit through one item,
 * which is what makes positions gap-free and in commit order. On failure
 * DynamoDB returns the current value (ALL_OLD), so the retry needs no read.
 */
export function buildCounterUpdate(tableName: string, last: number, count: number): TransactItem {
  return {
    Update: {
      TableName: tableName,
      Key: { [Attr.pk]: Keys.globalPk, [Attr.sk]: Keys.positionSk },
      UpdateExpression: 'SET #position = :next',
      ConditionExpression: last === 0 ? 'attribute_not_exists(#pk)' : '#position = :last',
      ExpressionAttributeNames:
        last === 0
          ? { '#position': Attr.position, '#pk': Attr.pk }
          : { '#position': Attr.position },
      ExpressionAttributeValues:
        last === 0 ? { ':next': count } : { ':next': last + count, ':last': last },
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    },
  };
}

/** Longer than any healthy transaction round trip; only a stuck one waits this long. */
const TURN_LEASE_MS = 2000;

/**
 * Positions from the global counter item. The last known value is cached per
 * EventStore, so a warm store appends without reading the counter first; when
 * another process moved it, the cancellation hands back the new value.
 *
 * Appends of one store take turns on the counter: every commit goes through
 * that one item anyway, and concurrent appends from one process would only
 * cancel each other (all but one fail, then retry). Other processes still
 * race, and that is what the conditions and retries are for.
 */
export class CounterPositionAssigner implements PositionAssigner {
  #last: number | undefined;
  readonly #turns = new Turns(TURN_LEASE_MS);

  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async reserve(count: number): Promise<PositionReservation> {
    const endTurn = await this.#turns.take();
    try {
      const last = this.#last ?? (await this.#read());
      return {
        firstPosition: last + 1,
        action: buildCounterUpdate(this.tableName, last, count),
        committed: (lastPosition) => {
          this.#raise(lastPosition);
          endTurn();
        },
        failed: (currentPosition) => {
          if (currentPosition !== undefined) this.#raise(currentPosition);
          endTurn();
        },
      };
    } catch (error) {
      endTurn();
      throw error;
    }
  }

  // The counter never goes down, so the highest value seen is the best guess.
  #raise(position: number): void {
    this.#last = Math.max(this.#last ?? 0, position);
  }

  async #read(): Promise<number> {
    const { Item } = await this.doc.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { [Attr.pk]: Keys.globalPk, [Attr.sk]: Keys.positionSk },
        ConsistentRead: true,
      }),
    );
    this.#raise(Number(Item?.[Attr.position] ?? 0));
    return this.#last ?? 0;
  }
}
