import type { UpdateCommandInput } from '@aws-sdk/lib-dynamodb';
import { Attr, Keys } from '../table.js';
import { counterKey, type StoreLayout } from './counter.js';

/** Positions one imported append held in the store it was exported from. */
export interface ImportedRange {
  readonly first: number;
  readonly last: number;
}

/**
 * Pure: the position attributes of an imported event at its original
 * position, in the target's layout (its index key, and in reserved mode the
 * range a reader takes as committed alongside it).
 */
export function importedPlacement(
  layout: StoreLayout,
  position: number,
  range: ImportedRange,
): Record<string, unknown> {
  return {
    [Attr.position]: position,
    [Attr.positionPage]: Keys.positionPage(position, layout.pageShards),
    ...(layout.mode === 'reserved' && {
      [Attr.rangeFirst]: range.first,
      [Attr.rangeLast]: range.last,
    }),
  };
}

/**
 * Pure: moves the counter from `from` to `to` after an imported chunk. The
 * condition makes an appender that slipped in during the import fail the
 * import instead of sharing positions with it.
 */
export function buildCounterMove(tableName: string, from: number, to: number): UpdateCommandInput {
  return {
    TableName: tableName,
    Key: counterKey,
    UpdateExpression: 'SET #position = :to',
    ConditionExpression: '#position = :from',
    ExpressionAttributeNames: { '#position': Attr.position },
    ExpressionAttributeValues: { ':from': from, ':to': to },
  };
}
