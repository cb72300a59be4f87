import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, type PutCommandInput } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import { dynamoCall } from './dynamo-call.js';
import { ValidationError } from './errors.js';
import type { StoreContext } from './store-context.js';
import { Attr, Limits, SnapshotKeys } from './table.js';
import type { SaveSnapshotInput, Snapshot } from './types.js';
import { describe, jsonValueSchema, parse, streamIdSchema } from './validation.js';

const positiveInt = z
  .number({ error: (issue) => `must be an integer >= 1 (got ${describe(issue.input)})` })
  .int({ error: (issue) => `must be an integer >= 1 (got ${describe(issue.input)})` })
  .min(1, { error: (issue) => `must be an integer >= 1 (got ${describe(issue.input)})` })
  .max(Number.MAX_SAFE_INTEGER);

const saveSnapshotInputSchema = z.object(
  {
    streamId: streamIdSchema,
    version: positiveInt,
    state: jsonValueSchema,
    stateVersion: positiveInt.optional(),
  },
  {
    error: (issue) =>
      `must be an object with streamId, version and state (got ${describe(issue.input)})`,
  },
);

/** DynamoDB counts a number as at most 21 bytes; counting the most keeps the estimate safe. */
const NUMBER_BYTES = 21;

export interface SnapshotItem {
  PK: string;
  SK: string;
  streamId: string;
  version: number;
  /** JSON text, like event data: it round-trips any JSON value exactly. */
  state: string;
  stateVersion: number;
  createdAt: string;
}

/** Pure: the item that stores a validated snapshot. */
export function toSnapshotItem(
  input: Required<SaveSnapshotInput<unknown>>,
  createdAt: string,
): SnapshotItem {
  return {
    [Attr.pk]: SnapshotKeys.pk(input.streamId),
    [Attr.sk]: SnapshotKeys.sk,
    streamId: input.streamId,
    version: input.version,
    state: JSON.stringify(input.state),
    stateVersion: input.stateVersion,
    createdAt,
  };
}

/** Pure: the item's size as DynamoDB counts it (UTF-8 names and strings; numbers at their maximum). */
export function snapshotItemBytes(item: SnapshotItem): number {
  let bytes = 0;
  for (const [name, value] of Object.entries(item)) {
    bytes += Buffer.byteLength(name, 'utf8');
    bytes += typeof value === 'number' ? NUMBER_BYTES : Buffer.byteLength(String(value), 'utf8');
  }
  return bytes;
}

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
  const parsed = parse(saveSnapshotInputSchema, input, 'snapshot');
  const item = toSnapshotItem(
    {
      streamId: parsed.streamId,
      version: parsed.version,
      state: parsed.state,
      stateVersion: parsed.stateVersion ?? 1,
    },
    new Date().toISOString(),
  );
  const bytes = snapshotItemBytes(item);
  if (bytes > Limits.itemBytes) {
    throw new ValidationError(
      'snapshot.state',
      `must fit in one DynamoDB item: the snapshot item would be ${bytes} bytes; the limit is ${Limits.itemBytes} bytes`,
    );
  }
  const saved = await dynamoCall(
    `PutItem of the snapshot of stream '${parsed.streamId}'`,
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
  if (!Item) return undefined;
  return {
    streamId: id,
    version: Number(Item[Attr.version]),
    state: JSON.parse(String(Item[Attr.state])) as State,
    stateVersion: Number(Item[Attr.stateVersion]),
    createdAt: String(Item[Attr.createdAt]),
  };
}
