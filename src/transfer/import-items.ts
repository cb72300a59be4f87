import type { UpdateCommandInput } from '@aws-sdk/lib-dynamodb';
import type { StoreLayout } from '../position/counter.js';
import { importedPlacement } from '../position/imported-positions.js';
import { buildAbortMarker } from '../position/slots.js';
import { toEventItem } from '../records.js';
import { Attr, Keys, Limits } from '../table.js';
import type { PositionedEvent } from '../types.js';

/** What one chunk of an import writes: its items, then its heads. */
export interface ImportChunkWrites {
  /** Event items and abort markers for the positions the export skipped. */
  items: Record<string, unknown>[];
  heads: UpdateCommandInput[];
  /** The last position the chunk covers. */
  through: number;
}

/**
 * Pure: the writes that reproduce `events` (in position order, all above
 * `after`) at their exported positions. Events of one stream with
 * consecutive positions and one commit time were one append: they get its
 * range, as the append path would have given them. A position the export
 * does not hold (an aborted range) gets an abort marker, so readers of `$all`
 * resolve it at once instead of waiting on a hole.
 */
export function buildImportChunk(
  tableName: string,
  layout: StoreLayout,
  after: number,
  events: readonly PositionedEvent[],
  now = new Date(),
): ImportChunkWrites {
  const items: Record<string, unknown>[] = [];
  let previous = after;
  for (const append of appendsOf(events)) {
    const first = append[0] as PositionedEvent;
    const last = append.at(-1) as PositionedEvent;
    if (first.position > previous + 1) {
      items.push(
        buildAbortMarker(previous + 1, first.position - previous - 1, layout.pageShards, now),
      );
    }
    append.forEach((event, index) => {
      items.push({
        ...toEventItem(event, {
          ...importedPlacement(layout, event.position, {
            first: first.position,
            last: last.position,
          }),
          [Attr.appendIndex]: index,
          [Attr.appendCount]: append.length,
        }),
      });
    });
    previous = last.position;
  }
  return { items, heads: buildHeads(tableName, events), through: previous };
}

/** Pure: the runs of events that were one append (same stream, consecutive positions, one commit time). */
export function appendsOf(events: readonly PositionedEvent[]): PositionedEvent[][] {
  const appends: PositionedEvent[][] = [];
  let current: PositionedEvent[] = [];
  for (const event of events) {
    const before = current.at(-1);
    const sameAppend =
      before !== undefined &&
      before.streamId === event.streamId &&
      before.position + 1 === event.position &&
      before.version + 1 === event.version &&
      before.createdAt === event.createdAt &&
      current.length < Limits.eventsPerAppend;
    if (!sameAppend && current.length > 0) {
      appends.push(current);
      current = [];
    }
    current.push(event);
  }
  if (current.length > 0) appends.push(current);
  return appends;
}

/** One head update per stream, to its last version in the chunk; never moves a head back. */
function buildHeads(tableName: string, events: readonly PositionedEvent[]): UpdateCommandInput[] {
  const lastOf = new Map<string, PositionedEvent>();
  const firstOf = new Map<string, PositionedEvent>();
  for (const event of events) {
    if (!firstOf.has(event.streamId)) firstOf.set(event.streamId, event);
    lastOf.set(event.streamId, event);
  }
  const lastAppendOf = new Map<string, number>();
  for (const append of appendsOf(events)) {
    lastAppendOf.set((append[0] as PositionedEvent).streamId, append.length);
  }
  return [...lastOf.values()].map((last) => ({
    TableName: tableName,
    Key: { [Attr.pk]: Keys.streamPk(last.streamId), [Attr.sk]: Keys.headSk },
    UpdateExpression:
      'SET #version = :version, #streamId = :streamId, #lastPosition = :position, #count = :count, ' +
      '#lastEventId = :lastEventId, ' +
      '#updatedAt = :updatedAt, #createdAt = if_not_exists(#createdAt, :createdAt)',
    ConditionExpression: 'attribute_not_exists(#pk) OR #version < :version',
    ExpressionAttributeNames: {
      '#pk': Attr.pk,
      '#version': Attr.version,
      '#streamId': Attr.streamId,
      '#lastPosition': Attr.lastPosition,
      '#count': Attr.lastAppendCount,
      '#lastEventId': Attr.lastEventId,
      '#updatedAt': Attr.updatedAt,
      '#createdAt': Attr.createdAt,
    },
    ExpressionAttributeValues: {
      ':version': last.version,
      ':streamId': last.streamId,
      ':position': last.position,
      ':count': lastAppendOf.get(last.streamId) ?? 1,
      ':lastEventId': last.eventId,
      ':updatedAt': last.createdAt,
      ':createdAt': (firstOf.get(last.streamId) as PositionedEvent).createdAt,
    },
  }));
}
