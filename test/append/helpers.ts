import { type DynamoDBClient, ScanCommand, type ScanCommandOutput } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { Keys } from '../../src/table.js';

/** What an append test checks directly in the table, bypassing the store's own reads. */
export function tableProbe(client: DynamoDBClient, tableName: string) {
  const doc = DynamoDBDocumentClient.from(client);
  return {
    doc,
    /** Every item of the stream's partition (HEAD and events), in key order. */
    async streamItems(streamId: string): Promise<Record<string, unknown>[]> {
      const items: Record<string, unknown>[] = [];
      let ExclusiveStartKey: Record<string, unknown> | undefined;
      do {
        const page = await doc.send(
          new QueryCommand({
            TableName: tableName,
            KeyConditionExpression: 'PK = :pk',
            ExpressionAttributeValues: { ':pk': Keys.streamPk(streamId) },
            ConsistentRead: true,
            ExclusiveStartKey,
          }),
        );
        items.push(...(page.Items ?? []));
        ExclusiveStartKey = page.LastEvaluatedKey;
      } while (ExclusiveStartKey);
      return items;
    },
    /** The stream's event items only. */
    async eventItems(streamId: string): Promise<Record<string, unknown>[]> {
      return (await this.streamItems(streamId)).filter((item) => Keys.isEventSk(String(item.SK)));
    },
    /** The last position handed out (0 before the first append). */
    async counter(): Promise<number> {
      const { Item } = await doc.send(
        new GetCommand({
          TableName: tableName,
          Key: { PK: Keys.globalPk, SK: Keys.positionSk },
          ConsistentRead: true,
        }),
      );
      return Number(Item?.position ?? 0);
    },
    /** Every item of the table, counted over all 1 MB scan pages. */
    async itemCount(): Promise<number> {
      let count = 0;
      let ExclusiveStartKey: ScanCommandOutput['LastEvaluatedKey'];
      do {
        const page = await client.send(
          new ScanCommand({
            TableName: tableName,
            Select: 'COUNT',
            ConsistentRead: true,
            ExclusiveStartKey,
          }),
        );
        count += page.Count ?? 0;
        ExclusiveStartKey = page.LastEvaluatedKey;
      } while (ExclusiveStartKey);
      return count;
    },
  };
}

export type TableProbe = ReturnType<typeof tableProbe>;

/** Settles every promise and splits results from errors, keeping their order. */
export async function settle<T>(promises: readonly Promise<T>[]) {
  const settled = await Promise.allSettled(promises);
  return {
    values: settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : [])),
    errors: settled.flatMap((s) => (s.status === 'rejected' ? [s.reason as unknown] : [])),
  };
}
