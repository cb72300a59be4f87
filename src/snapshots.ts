import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, type PutCommandInput } from '@aws-sdk/lib-dynamodb';
import { dynamoCall } from './dynamo-call.js';
import { prepareSnapshotItem, type SnapshotItem, toSnapshot } from './snapshot-item.js';
import type { StoreContext } from './store-context.js';
import { Attr, SnapshotKeys } from './table.js';
import type { SaveSnapshotInput, Snapshot } from './types.js';
import { parse, streamIdSchema } from './validation.js';

export { type SnapshotItem, snapshotItemBytes, toSnapshotItem } from './snapshot-item.js';

/**
 * Pure: a Put that only replaces an older snapshot, so a late writer never
 * moves it backwards; a snapshot of another stateVersion is always replaced,
 * because after a reducer change the old one is useless however new it is.
 */
export function buildSaveSnapshotPut(tableName: string, item: SnapshotItem): PutCommandInput {
  return {
    TableName: tableName,
    Item: item,
    ConditionExpression:
      'attribute_not_exists(#pk) OR #version < :version OR #stateVersion <> :stateVersion',
    ExpressionAttributeNames: {
      '#pk': Attr.pk,
      '#version': Attr.version,
      '#stateVersion': Attr.stateVersion,
    },
    ExpressionAttributeValues: { ':version': item.version, ':stateVersion': item.stateVersion },
  };
}

/**
 * Stores the snapshot unless the stored one, of the same stateVersion, is as
 * new or newer (then `saved: false`). A state too large for one item is a ValidationError on
 * `state`: it is the caller's input that does not fit, not an append.
 */
export async function saveSnapshot<State>(
  ctx: StoreContext,
  input: SaveSnapshotInput<State>,
): Promise<{ saved: boolean }> {
  const item = prepareSnapshotItem(input, new Date().toISOString());
  const saved = await dynamoCall(
    `PutItem of the snapshot of stream '${item.streamId}'`,
    async () => {
      try {
        await ctx.doc.send(new PutCommand(buildSaveSnapshotPut(ctx.snapshotTableName, item)));
        return true;
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) return false;
        throw error;
      }
    },
  );
  return { saved };
}

/** The stored snapshot, read strongly consistent; `undefined` when there is none. */
export async function getSnapshot<State>(
  ctx: StoreContext,
  streamId: string,
): Promise<Snapshot<State> | undefined> {
  const id = parse(streamIdSchema, streamId, 'streamId');
  const { Item } = await dynamoCall(`GetItem of the snapshot of stream '${id}'`, () =>
    ctx.doc.send(
      new GetCommand({
        TableName: ctx.snapshotTableName,
        Key: { [Attr.pk]: SnapshotKeys.pk(id), [Attr.sk]: SnapshotKeys.sk },
        ConsistentRead: true,
      }),
    ),
  );
  return Item ? toSnapshot<State>(Item) : undefined;
}
