import { randomUUID } from 'node:crypto';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  ScanCommand,
} from '@aws-sdk/lib-dynamodb';
import { dynamoCall } from '../dynamo-call.js';
import {
  DynamoDBFailureError,
  PositionCounterMissingError,
  PositionModeMismatchError,
} from '../errors.js';
import { Attr, Index, Keys, Limits } from '../table.js';
import type { PositionMode as PositionModeName } from '../types.js';

/**
 * How appends get their global positions (README "Position modes"):
 * - `reserved`: a plain atomic add on the counter, outside the append's
 *   transaction; positions increase, aborted ones are gaps. Scales across processes.
 * - `strict`: the counter is part of the append's transaction; positions are
 *   contiguous and in commit order, one commit at a time for the whole store.
 * - `sequenced`: appends touch no shared item; a sequencer fed by the heads'
 *   stream records hands out contiguous positions a batch at a time, shortly
 *   after the commit.
 */
export const PositionMode = {
  reserved: 'reserved',
  strict: 'strict',
  sequenced: 'sequenced',
} as const satisfies Record<string, PositionModeName>;
export type PositionMode = PositionModeName;

/** What a store's counter item says about how its positions are laid out. */
export interface StoreLayout {
  readonly mode: PositionMode;
  /** Partitions per `$all` index page (1: the unsharded key of older stores). */
  readonly pageShards: number;
}

export const counterKey = { [Attr.pk]: Keys.globalPk, [Attr.sk]: Keys.positionSk } as const;

/** Pure: the counter item table setup writes, recording the mode for every later client. */
export function buildCounterItem(
  mode: PositionMode,
  position = 0,
  now = new Date(),
): Record<string, unknown> {
  return {
    ...counterKey,
    [Attr.position]: position,
    [Attr.positionMode]: mode,
    // Strict mode commits one transaction at a time, far below what one index partition takes.
    [Attr.pageShards]: mode === PositionMode.reserved ? Limits.pageShards : 1,
    [Attr.epoch]: randomUUID(),
    [Attr.createdAt]: now.toISOString(),
  };
}

/** Pure: a counter written before modes existed is a strict, unsharded store. */
export function layoutOf(item: Record<string, unknown>): StoreLayout {
  const mode = item[Attr.positionMode];
  if (
    mode === PositionMode.reserved ||
    mode === PositionMode.strict ||
    mode === PositionMode.sequenced
  ) {
    return { mode, pageShards: Number(item[Attr.pageShards] ?? 1) };
  }
  return { mode: PositionMode.strict, pageShards: 1 };
}

export async function readCounterItem(
  doc: DynamoDBDocumentClient,
  tableName: string,
): Promise<Record<string, unknown> | undefined> {
  const { Item } = await dynamoCall('GetItem of the global position counter', () =>
    doc.send(new GetCommand({ TableName: tableName, Key: counterKey, ConsistentRead: true })),
  );
  return Item;
}

/**
 * The store's layout, from its counter item. A store that has never been
 * written (nothing in the `$all` index) gets its counter here, in `requested`
 * mode; a counter missing from a store that holds events is refused, because
 * starting again from 0 would hand out positions a second time.
 */
export async function loadLayout(
  doc: DynamoDBDocumentClient,
  tableName: string,
  requested: PositionMode | undefined,
): Promise<StoreLayout> {
  const item =
    (await readCounterItem(doc, tableName)) ??
    (await createCounter(doc, tableName, requested ?? PositionMode.reserved));
  const layout = layoutOf(item);
  if (requested && requested !== layout.mode) {
    throw new PositionModeMismatchError(tableName, layout.mode, requested);
  }
  return layout;
}

/** Creates the counter of an empty store; another process may win the race, which is fine. */
export async function createCounter(
  doc: DynamoDBDocumentClient,
  tableName: string,
  mode: PositionMode,
): Promise<Record<string, unknown>> {
  if (await indexHasItems(doc, tableName)) throw new PositionCounterMissingError(tableName);
  const item = buildCounterItem(mode);
  try {
    await doc.send(
      new PutCommand({
        TableName: tableName,
        Item: item,
        ConditionExpression: 'attribute_not_exists(#pk)',
        ExpressionAttributeNames: { '#pk': Attr.pk },
      }),
    );
    return item;
  } catch (error) {
    if (!(error instanceof ConditionalCheckFailedException)) {
      throw new DynamoDBFailureError('PutItem of the global position counter', { cause: error });
    }
    const winner = await readCounterItem(doc, tableName);
    if (!winner) throw new PositionCounterMissingError(tableName);
    return winner;
  }
}

/** Whether any event or abort marker was ever indexed. One small Scan of the index. */
export async function indexHasItems(
  doc: DynamoDBDocumentClient,
  tableName: string,
): Promise<boolean> {
  const page = await dynamoCall(`Scan of the ${Index.byPosition} index`, () =>
    doc.send(new ScanCommand({ TableName: tableName, IndexName: Index.byPosition, Limit: 1 })),
  );
  return (page.Items?.length ?? 0) > 0;
}
