import { QueryCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { toRecordedEvent } from '../records.js';
import type { StoreContext } from '../store-context.js';
import { Attr, Keys } from '../table.js';
import type { StoredEvent } from './same-append.js';
import { awsCall } from './store-error.js';

export function toStoredEvent(item: Record<string, unknown>): StoredEvent {
  const index = item[Attr.appendIndex];
  const count = item[Attr.appendCount];
  const schemaVersion = item[Attr.schemaVersion];
  return {
    ...toRecordedEvent(item),
    appendIndex: index === undefined ? undefined : Number(index),
    appendCount: count === undefined ? undefined : Number(count),
    schemaVersion: schemaVersion === undefined ? undefined : Number(schemaVersion),
  };
}

/** Strongly consistent: the events at versions `fromVersion .. fromVersion + count - 1`, in order. */
export function readEventsFrom(
  ctx: StoreContext,
  streamId: string,
  fromVersion: number,
  count: number,
): Promise<StoredEvent[]> {
  return queryEvents(ctx, `Query of events ${fromVersion}.. of '${streamId}'`, count, {
    TableName: ctx.tableName,
    KeyConditionExpression: '#pk = :pk AND #sk BETWEEN :from AND :to',
    ExpressionAttributeNames: { '#pk': Attr.pk, '#sk': Attr.sk },
    ExpressionAttributeValues: {
      ':pk': Keys.streamPk(streamId),
      ':from': Keys.versionSk(fromVersion),
      ':to': Keys.versionSk(fromVersion + count - 1),
    },
    ConsistentRead: true,
  });
}

/**
 * Strongly consistent: the stream's latest `count` events, in version order.
 * The last one's version is the stream's version (0 when there is none).
 */
export async function readLatestEvents(
  ctx: StoreContext,
  streamId: string,
  count: number,
): Promise<StoredEvent[]> {
  const newestFirst = await queryEvents(ctx, `Query of the latest events of '${streamId}'`, count, {
    TableName: ctx.tableName,
    KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :prefix)',
    ExpressionAttributeNames: { '#pk': Attr.pk, '#sk': Attr.sk },
    ExpressionAttributeValues: { ':pk': Keys.streamPk(streamId), ':prefix': Keys.versionPrefix },
    ScanIndexForward: false,
    ConsistentRead: true,
  });
  return newestFirst.reverse();
}

/** Up to `count` events; large events can need more than one 1 MB page. */
async function queryEvents(
  ctx: StoreContext,
  operation: string,
  count: number,
  input: QueryCommandInput,
): Promise<StoredEvent[]> {
  const events: StoredEvent[] = [];
  let startKey: QueryCommandInput['ExclusiveStartKey'];
  do {
    const page = await awsCall(operation, () =>
      ctx.doc.send(
        new QueryCommand({ ...input, Limit: count - events.length, ExclusiveStartKey: startKey }),
      ),
    );
    for (const item of page.Items ?? []) events.push(toStoredEvent(item));
    startKey = page.LastEvaluatedKey;
  } while (startKey && events.length < count);
  return events;
}
