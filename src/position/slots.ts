import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoDBFailureError } from '../errors.js';
import { Attr, Keys } from '../table.js';
import type { RangeEntry, TransactItem } from './strategy.js';

/**
 * A reserved range's slot, at `$SLOT#{first}`. Exactly one of these is ever
 * written there (both with attribute_not_exists), and that is the fence:
 * - `committed`: the transaction that reserved the range wrote it with its
 *   events; `entries` say which stream versions hold the positions;
 * - `aborted`: the positions first..first+count-1 hold nothing. It carries
 *   the index keys, so readers of `$all` pass it without a lookup.
 */
export type Slot =
  | {
      state: 'committed';
      first: number;
      count: number;
      entries: RangeEntry[];
      txId: string;
    }
  | { state: 'aborted'; first: number; count: number };

export const SlotState = { committed: 'committed', aborted: 'aborted' } as const;

const slotKey = (first: number) => ({ [Attr.pk]: Keys.slotPk(first), [Attr.sk]: Keys.slotSk });

/** Pure: the transaction's claim on its range. */
export function buildCommittedSlot(
  tableName: string,
  first: number,
  count: number,
  entries: readonly RangeEntry[],
  txId: string,
): TransactItem {
  return {
    Put: {
      TableName: tableName,
      Item: {
        ...slotKey(first),
        [Attr.slotState]: SlotState.committed,
        [Attr.count]: count,
        [Attr.entries]: entries.map((e) => [e.streamId, e.fromVersion, e.count, e.firstPosition]),
        [Attr.txId]: txId,
      },
      ConditionExpression: 'attribute_not_exists(#pk)',
      ExpressionAttributeNames: { '#pk': Attr.pk },
    },
  };
}

/** Pure: the abort marker item for positions first..first+count-1. */
export function buildAbortMarker(
  first: number,
  count: number,
  pageShards: number,
  now = new Date(),
): Record<string, unknown> {
  return {
    ...slotKey(first),
    [Attr.slotState]: SlotState.aborted,
    [Attr.count]: count,
    [Attr.position]: first,
    [Attr.positionPage]: Keys.positionPage(first, pageShards),
    [Attr.createdAt]: now.toISOString(),
  };
}

/** Pure: a slot or abort-marker item as a Slot; `undefined` for anything else. */
export function toSlot(item: Record<string, unknown> | undefined): Slot | undefined {
  if (!item) return undefined;
  const first = Number(String(item[Attr.pk]).slice(Keys.slotPk(0).length - 1));
  const count = Number(item[Attr.count]);
  if (item[Attr.slotState] === SlotState.aborted) return { state: 'aborted', first, count };
  if (item[Attr.slotState] !== SlotState.committed) return undefined;
  const raw = (item[Attr.entries] ?? []) as [string, number, number, number][];
  return {
    state: 'committed',
    first,
    count,
    txId: String(item[Attr.txId]),
    entries: raw.map(([streamId, fromVersion, n, firstPosition]) => ({
      streamId,
      fromVersion: Number(fromVersion),
      count: Number(n),
      firstPosition: Number(firstPosition),
    })),
  };
}

/** Pure: whether an index item is an abort marker rather than an event. */
export function isAbortMarker(item: Record<string, unknown>): boolean {
  return item[Attr.slotState] === SlotState.aborted;
}

/** Strongly consistent: the slot at `first`, if any. */
export async function readSlot(
  doc: DynamoDBDocumentClient,
  tableName: string,
  first: number,
): Promise<Slot | undefined> {
  try {
    const { Item } = await doc.send(
      new GetCommand({ TableName: tableName, Key: slotKey(first), ConsistentRead: true }),
    );
    return toSlot(Item);
  } catch (error) {
    throw new DynamoDBFailureError(`GetItem of the slot at position ${first}`, { cause: error });
  }
}

/**
 * Marks first..first+count-1 aborted unless the slot is taken; returns the
 * slot that is there afterwards (the marker, or whatever won the race).
 */
export async function writeAbortMarker(
  doc: DynamoDBDocumentClient,
  tableName: string,
  first: number,
  count: number,
  pageShards: number,
): Promise<Slot> {
  try {
    await doc.send(
      new PutCommand({
        TableName: tableName,
        Item: buildAbortMarker(first, count, pageShards),
        ConditionExpression: 'attribute_not_exists(#pk)',
        ExpressionAttributeNames: { '#pk': Attr.pk },
      }),
    );
    return { state: 'aborted', first, count };
  } catch (error) {
    if (!(error instanceof ConditionalCheckFailedException)) throw error;
  }
  const there = await readSlot(doc, tableName, first);
  if (!there) throw new Error(`slot ${first} refused a marker but reads as empty`);
  return there;
}
