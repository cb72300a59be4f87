import { QueryCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { toRecordedEvent } from '../records.js';
import type { StoreContext } from '../store-context.js';
import { Attr, Keys } from '../table.js';
import type { AppendResult, RecordedEvent } from '../types.js';
import { awsCall } from './store-error.js';
import type { PreparedEvent } from './validate-append.js';

/** A recorded event with its place in the append that wrote it (unknown for events stored before it was kept). */
export interface StoredEvent extends RecordedEvent {
  readonly appendIndex?: number | undefined;
  readonly appendCount?: number | undefined;
  /** The schema version recorded with it (events of a registered type). */
  readonly schemaVersion?: number | undefined;
}

/**
 * True when `stored` is exactly the append of `events`: the same ids in the
 * same order, and (where the store kept it) one whole append, no more and no
 * less. The append already committed (its reply was lost), so its original
 * result is the answer and nothing is written again; a prefix or a part of
 * another append is not.
 */
export function isSameAppend(
  stored: readonly StoredEvent[],
  events: readonly PreparedEvent[],
): boolean {
  return (
    stored.length === events.length &&
    stored.every(
      (event, i) =>
        event.eventId === events[i]?.eventId &&
        (event.appendCount === undefined ||
          (event.appendIndex === i && event.appendCount === events.length)),
    )
  );
}

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

/** The result the original append returned, rebuilt from what it stored. */
export function resultFrom(streamId: string, stored: readonly StoredEvent[]): AppendResult {
  const first = stored[0];
  const last = stored.at(-1);
  if (!first || !last) throw new Error('resultFrom needs at least one stored event');
  return {
    streamId,
    nextExpectedVersion: last.version,
    firstPosition: first.position,
    lastPosition: last.position,
    events: stored.map(
      ({ appendIndex: _i, appendCount: _c, schemaVersion: _s, ...event }) => event,
    ),
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
