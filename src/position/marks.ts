import { type DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { dynamoCall } from '../dynamo-call.js';
import { Attr, Keys, Limits } from '../table.js';
import type { RangeEntry } from './strategy.js';

/**
 * Sequenced mode's marks: one item per placed range of a stream, at
 * `SEQ#{fromVersion}` in the stream's partition. The newest is the stream's
 * high-water mark for the sequencer; all of them map a stream's versions to
 * positions for `readStream`.
 */
export function buildMark(entry: RangeEntry): Record<string, unknown> {
  return {
    [Attr.pk]: Keys.streamPk(entry.streamId),
    [Attr.sk]: Keys.sequencedSk(entry.fromVersion),
    [Attr.count]: entry.count,
    [Attr.firstPosition]: entry.firstPosition,
  };
}

/**
 * Strongly consistent: the stream's placed ranges that start at or below
 * `atOrBelow`, newest first, until one starts at or below `downTo` (or
 * `limit` of them).
 */
export async function readMarks(
  doc: DynamoDBDocumentClient,
  tableName: string,
  streamId: string,
  options: { atOrBelow?: number; downTo?: number; limit?: number } = {},
): Promise<RangeEntry[]> {
  const marks: RangeEntry[] = [];
  const high = options.atOrBelow ?? 10 ** Limits.versionDigits - 1;
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await dynamoCall(`Query of the sequencing marks of '${streamId}'`, () =>
      doc.send(
        new QueryCommand({
          TableName: tableName,
          KeyConditionExpression: '#pk = :pk AND #sk BETWEEN :low AND :high',
          ExpressionAttributeNames: { '#pk': Attr.pk, '#sk': Attr.sk },
          ExpressionAttributeValues: {
            ':pk': Keys.streamPk(streamId),
            ':low': Keys.sequencedSk(0),
            ':high': Keys.sequencedSk(high),
          },
          ScanIndexForward: false,
          ConsistentRead: true,
          ...(options.limit !== undefined && { Limit: options.limit - marks.length }),
          ExclusiveStartKey: startKey,
        }),
      ),
    );
    for (const item of page.Items ?? []) {
      marks.push({
        streamId,
        fromVersion: Number(String(item[Attr.sk]).slice(Keys.sequencedPrefix.length)),
        count: Number(item[Attr.count]),
        firstPosition: Number(item[Attr.firstPosition]),
      });
    }
    const done =
      (options.limit !== undefined && marks.length >= options.limit) ||
      (options.downTo !== undefined && marks.some((m) => m.fromVersion <= (options.downTo ?? 0)));
    startKey = done ? undefined : page.LastEvaluatedKey;
  } while (startKey);
  return marks;
}
