import type { TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import type { PositionReservation, TransactItem } from '../position/position-assigner.js';
import { toEventItem } from '../records.js';
import { Attr, Keys } from '../table.js';
import type { AppendResult, RecordedEvent } from '../types.js';
import type { PreparedEvent } from './validate-append.js';

/**
 * Where each action sits in the append's transaction. CancellationReasons
 * come back in the same order, so this is also how a failure is read.
 */
export const TxIndex = { counter: 0, head: 1, firstEvent: 2 } as const;

export interface AppendPlan {
  readonly tableName: string;
  readonly streamId: string;
  readonly events: readonly PreparedEvent[];
  readonly createdAt: string;
  /** The version the head must be at for the append to commit (0: no head yet). */
  readonly baseVersion: number;
  readonly positions: Pick<PositionReservation, 'firstPosition' | 'action'>;
}

export interface AppendTransaction {
  readonly input: TransactWriteCommandInput;
  /** What the caller gets back if the transaction commits. */
  readonly result: AppendResult;
}

/** Pure: the one TransactWriteItems an append attempt sends, and its result if it commits. */
export function buildAppendTransaction(plan: AppendPlan): AppendTransaction {
  const { tableName, streamId, createdAt, baseVersion } = plan;
  const { firstPosition } = plan.positions;
  const events: RecordedEvent[] = plan.events.map((event, i) => ({
    streamId,
    version: baseVersion + i + 1,
    position: firstPosition + i,
    eventId: event.eventId,
    type: event.type,
    data: event.data,
    metadata: event.metadata,
    createdAt,
  }));
  const nextVersion = baseVersion + events.length;
  const items: TransactItem[] = [
    plan.positions.action,
    buildHeadUpdate(tableName, streamId, baseVersion, nextVersion, createdAt),
    ...events.map(
      (event): TransactItem => ({
        Put: {
          TableName: tableName,
          Item: { ...toEventItem(event) },
          ConditionExpression: 'attribute_not_exists(#pk)',
          ExpressionAttributeNames: { '#pk': Attr.pk },
        },
      }),
    ),
  ];
  return {
    input: { TransactItems: items },
    result: {
      streamId,
      nextExpectedVersion: nextVersion,
      firstPosition,
      lastPosition: firstPosition + events.length - 1,
      events,
    },
  };
}

/**
 * The head is the one item every append writes, whatever the position mode:
 * its condition is the expected-version check. `streamId` is kept on it so a
 * reader of its stream records (the later sequencer) needs no key parsing.
 */
function buildHeadUpdate(
  tableName: string,
  streamId: string,
  baseVersion: number,
  nextVersion: number,
  now: string,
): TransactItem {
  const names = {
    '#version': Attr.version,
    '#streamId': Attr.streamId,
    '#createdAt': Attr.createdAt,
    '#updatedAt': Attr.updatedAt,
  };
  const values = { ':next': nextVersion, ':streamId': streamId, ':now': now };
  return {
    Update: {
      TableName: tableName,
      Key: { [Attr.pk]: Keys.streamPk(streamId), [Attr.sk]: Keys.headSk },
      UpdateExpression:
        'SET #version = :next, #streamId = :streamId, #updatedAt = :now, #createdAt = if_not_exists(#createdAt, :now)',
      ...(baseVersion === 0
        ? {
            ConditionExpression: 'attribute_not_exists(#pk)',
            ExpressionAttributeNames: { ...names, '#pk': Attr.pk },
            ExpressionAttributeValues: values,
          }
        : {
            ConditionExpression: '#version = :expected',
            ExpressionAttributeNames: names,
            ExpressionAttributeValues: { ...values, ':expected': baseVersion },
          }),
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    },
  };
}
