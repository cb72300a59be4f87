import type { TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import type { RangeEntry, Reservation, TransactItem } from '../position/strategy.js';
import { toEventItem } from '../records.js';
import { Attr, categoryOf, Keys } from '../table.js';
import type { AppendResult, RecordedEvent } from '../types.js';
import type { PreparedAppend } from './validate-append.js';

/** One append in a transaction, with the version its stream head must be at (0: no head yet). */
export interface BatchMember {
  readonly append: PreparedAppend;
  readonly baseVersion: number;
}

/**
 * What each action of the transaction is. CancellationReasons come back in
 * the same order, so this is also how a failure is read.
 */
export type TxAction =
  | { readonly kind: 'position' }
  | { readonly kind: 'head'; readonly member: number }
  | { readonly kind: 'event'; readonly member: number };

export interface BatchTransaction {
  readonly input: TransactWriteCommandInput;
  readonly actions: readonly TxAction[];
  /** What each member gets back if the transaction commits. */
  readonly results: readonly AppendResult[];
}

export type ReservationPlan = Pick<
  Reservation,
  'first' | 'last' | 'guardsHead' | 'positionActions' | 'eventPlacement'
>;

/**
 * Pure: the one TransactWriteItems that commits every member at once: the
 * position actions, then per member its head and its events. Members take
 * the reserved positions in order.
 */
export function buildBatchTransaction(
  tableName: string,
  members: readonly BatchMember[],
  reservation: ReservationPlan,
): BatchTransaction {
  const entries: RangeEntry[] = [];
  const results: AppendResult[] = [];
  let position = reservation.first;
  const at = (i: number) => (position === null ? null : position + i);
  for (const { append, baseVersion } of members) {
    const { streamId, createdAt } = append;
    const events: RecordedEvent[] = append.events.map((event, i) => ({
      streamId,
      version: baseVersion + i + 1,
      position: at(i),
      eventId: event.eventId,
      type: event.type,
      data: event.data,
      metadata: event.metadata,
      createdAt,
    }));
    results.push({
      streamId,
      nextExpectedVersion: baseVersion + events.length,
      firstPosition: at(0),
      lastPosition: at(events.length - 1),
      events,
    });
    if (position !== null) {
      entries.push({
        streamId,
        fromVersion: baseVersion + 1,
        count: events.length,
        firstPosition: position,
      });
      position += events.length;
    }
  }
  const positionItems = reservation.positionActions(entries);
  const items: TransactItem[] = [...positionItems];
  const actions: TxAction[] = positionItems.map(() => ({ kind: 'position' }));
  members.forEach((member, index) => {
    const result = results[index] as AppendResult;
    items.push(buildHeadUpdate(tableName, member, result, reservation.guardsHead));
    actions.push({ kind: 'head', member: index });
    result.events.forEach((event, i) => {
      const schemaVersion = member.append.events[i]?.schemaVersion;
      const placement = {
        ...(event.position !== null && reservation.eventPlacement(event.position)),
        [Attr.appendIndex]: i,
        [Attr.appendCount]: result.events.length,
        ...(schemaVersion !== undefined && { [Attr.schemaVersion]: schemaVersion }),
      };
      items.push({
        Put: {
          TableName: tableName,
          Item: { ...toEventItem(event, placement) },
          ConditionExpression: 'attribute_not_exists(#pk)',
          ExpressionAttributeNames: { '#pk': Attr.pk },
        },
      });
      actions.push({ kind: 'event', member: index });
    });
  });
  return { input: { TransactItems: items }, actions, results };
}

/**
 * The head is the one item every append writes, whatever the position mode:
 * its condition is the expected-version check, and, where positions are
 * handed out before the commit, that the stream's last position is below
 * this append's (so positions follow versions within a stream).
 */
function buildHeadUpdate(
  tableName: string,
  member: BatchMember,
  result: AppendResult,
  guardsHead: boolean,
): TransactItem {
  const { streamId, createdAt } = member.append;
  const names: Record<string, string> = {
    '#version': Attr.version,
    '#streamId': Attr.streamId,
    '#createdAt': Attr.createdAt,
    '#updatedAt': Attr.updatedAt,
    '#count': Attr.lastAppendCount,
    '#lastEventId': Attr.lastEventId,
  };
  const values: Record<string, unknown> = {
    ':next': result.nextExpectedVersion,
    ':streamId': streamId,
    ':now': createdAt,
    ':count': result.events.length,
    ':lastEventId': result.events.at(-1)?.eventId,
  };
  let set =
    'SET #version = :next, #streamId = :streamId, #count = :count, #lastEventId = :lastEventId, #updatedAt = :now, #createdAt = if_not_exists(#createdAt, :now)';
  const category = categoryOf(streamId);
  if (category !== undefined) {
    // Set on every append with the same value: a KEYS_ONLY index is written only when it changes.
    names['#category'] = Attr.category;
    values[':category'] = category;
    set += ', #category = :category';
  }
  if (result.lastPosition !== null) {
    names['#lastPosition'] = Attr.lastPosition;
    values[':last'] = result.lastPosition;
    set += ', #lastPosition = :last';
  }
  let condition: string;
  if (member.baseVersion === 0) {
    names['#pk'] = Attr.pk;
    condition = 'attribute_not_exists(#pk)';
  } else {
    values[':expected'] = member.baseVersion;
    condition = '#version = :expected';
    if (guardsHead) {
      values[':first'] = result.firstPosition;
      condition += ' AND (attribute_not_exists(#lastPosition) OR #lastPosition < :first)';
    }
  }
  return {
    Update: {
      TableName: tableName,
      Key: { [Attr.pk]: Keys.streamPk(streamId), [Attr.sk]: Keys.headSk },
      UpdateExpression: set,
      ConditionExpression: condition,
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    },
  };
}
