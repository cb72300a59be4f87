import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { dynamoCall } from '../dynamo-call.js';
import { Attr, Index } from '../table.js';
import { buildCounterItem, PositionMode, readCounterItem } from './counter.js';

export interface RepairOptions {
  tableName: string;
  /** The mode of the recreated counter; default reserved (a store never written in strict mode). */
  positionMode?: PositionMode;
}

/**
 * Recreates a missing position counter at the highest position the
 * `byPosition` index holds (an event, or the end of an abort marker), so no
 * position is handed out twice. It reads the whole index: stop the appenders
 * first, and give the index a few seconds to catch up. A counter that exists
 * is left as it is.
 */
export async function repairPositionCounter(
  client: DynamoDBClient,
  options: RepairOptions,
): Promise<{ position: number; repaired: boolean }> {
  const doc = DynamoDBDocumentClient.from(client);
  const { tableName } = options;
  const existing = await readCounterItem(doc, tableName);
  if (existing) return { position: Number(existing[Attr.position]), repaired: false };
  let highest = 0;
  let shards = 1;
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await dynamoCall(`Scan of the ${Index.byPosition} index`, () =>
      doc.send(
        new ScanCommand({
          TableName: tableName,
          IndexName: Index.byPosition,
          ProjectionExpression: '#position, #count, #page',
          ExpressionAttributeNames: {
            '#position': Attr.position,
            '#count': Attr.count,
            '#page': Attr.positionPage,
          },
          ExclusiveStartKey: startKey,
        }),
      ),
    );
    for (const item of page.Items ?? []) {
      const last = Number(item[Attr.position]) + Number(item[Attr.count] ?? 1) - 1;
      highest = Math.max(highest, last);
      if (String(item[Attr.positionPage]).split('#').length > 2) shards = 2;
    }
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  // Sharded page keys only exist in reserved stores; unsharded ones in strict ones.
  const mode =
    options.positionMode ??
    (shards > 1 || highest === 0 ? PositionMode.reserved : PositionMode.strict);
  const item = buildCounterItem(mode, highest);
  await dynamoCall('PutItem of the global position counter', () =>
    doc.send(
      new PutCommand({
        TableName: tableName,
        Item: item,
        ConditionExpression: 'attribute_not_exists(#pk)',
        ExpressionAttributeNames: { '#pk': Attr.pk },
      }),
    ),
  );
  return { position: highest, repaired: true };
}
