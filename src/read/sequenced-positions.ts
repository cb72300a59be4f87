import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { dynamoCall } from '../dynamo-call.js';
import type { StoreContext } from '../store-context.js';
import { Attr, Keys } from '../table.js';
import type { RecordedEvent } from '../types.js';

/**
 * Sequenced mode: events carry no position of their own; the sequencer's
 * marks (`SEQ#{fromVersion}` in the stream's partition, one per placed range)
 * say where each range went. One small Query per page of events, newest range
 * first, stopping below the page. Events not placed yet keep `null`.
 */
export async function placeEvents(
  ctx: StoreContext,
  streamId: string,
  events: readonly RecordedEvent[],
): Promise<RecordedEvent[]> {
  const versions = events.map((e) => e.version);
  const low = Math.min(...versions);
  const high = Math.max(...versions);
  const ranges: { from: number; count: number; firstPosition: number }[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await dynamoCall(`Query of the sequencing marks of '${streamId}'`, () =>
      ctx.doc.send(
        new QueryCommand({
          TableName: ctx.tableName,
          KeyConditionExpression: '#pk = :pk AND #sk BETWEEN :low AND :high',
          ExpressionAttributeNames: { '#pk': Attr.pk, '#sk': Attr.sk },
          ExpressionAttributeValues: {
            ':pk': Keys.streamPk(streamId),
            ':low': Keys.sequencedSk(0),
            ':high': Keys.sequencedSk(high),
          },
          ScanIndexForward: false,
          ConsistentRead: true,
          ExclusiveStartKey: startKey,
        }),
      ),
    );
    let below = false;
    for (const item of page.Items ?? []) {
      const from = Number(String(item[Attr.sk]).slice(Keys.sequencedPrefix.length));
      const count = Number(item[Attr.count]);
      ranges.push({ from, count, firstPosition: Number(item[Attr.firstPosition]) });
      if (from <= low) below = true;
    }
    startKey = below ? undefined : page.LastEvaluatedKey;
  } while (startKey);
  return events.map((event) => {
    const range = ranges.find((r) => event.version >= r.from && event.version < r.from + r.count);
    return range
      ? { ...event, position: range.firstPosition + (event.version - range.from) }
      : event;
  });
}
