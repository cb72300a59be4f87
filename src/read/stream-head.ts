import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { dynamoCall } from '../dynamo-call.js';
import type { StoreContext } from '../store-context.js';
import { Attr, Keys } from '../table.js';
import type { StreamHead } from '../types.js';
import { parse, streamIdSchema } from '../validation.js';

/**
 * The stream's head item, read strongly consistent: it is the one item every
 * append writes, so it is the truth about the stream's version.
 * `undefined` when the stream does not exist.
 */
export async function getStreamHead(
  ctx: StoreContext,
  streamId: string,
): Promise<StreamHead | undefined> {
  const id = parse(streamIdSchema, streamId, 'streamId');
  const { Item } = await dynamoCall(`GetItem of the head of stream '${id}'`, () =>
    ctx.doc.send(
      new GetCommand({
        TableName: ctx.tableName,
        Key: { [Attr.pk]: Keys.streamPk(id), [Attr.sk]: Keys.headSk },
        ConsistentRead: true,
      }),
    ),
  );
  if (!Item) return undefined;
  return {
    streamId: id,
    version: Number(Item[Attr.version]),
    createdAt: String(Item[Attr.createdAt]),
    updatedAt: String(Item[Attr.updatedAt]),
  };
}
