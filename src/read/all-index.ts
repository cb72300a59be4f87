import { QueryCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { dynamoCall } from '../dynamo-call.js';
import type { StoreLayout } from '../position/counter.js';
import type { StoreContext } from '../store-context.js';
import { Attr, Index, Keys, Limits } from '../table.js';

export type IndexItem = Record<string, unknown>;

/**
 * Pure: the byPosition Query of one index partition, from `position` up (or
 * down, `backwards`). No FilterExpression: a filtered-out position would look
 * exactly like a hole the index has not filled yet.
 */
export function buildIndexQuery(
  tableName: string,
  partition: string,
  position: number,
  limit: number,
  backwards = false,
): QueryCommandInput {
  return {
    TableName: tableName,
    IndexName: Index.byPosition,
    KeyConditionExpression: `#page = :page AND #position ${backwards ? '<=' : '>='} :position`,
    ExpressionAttributeNames: { '#page': Attr.positionPage, '#position': Attr.position },
    ExpressionAttributeValues: { ':page': partition, ':position': position },
    ScanIndexForward: !backwards,
    Limit: limit,
  };
}

export interface IndexWindow {
  /** Indexed items at positions from..through, in position order. */
  readonly items: IndexItem[];
  /** Every position up to here that the index holds now is in `items`. */
  readonly through: number;
}

/**
 * The index from `from` to the end of its page, merged over the page's
 * partitions. A partition cut off by `limit` bounds the window at its last
 * item: past it, that partition's items were not read yet.
 */
export async function readIndexWindow(
  ctx: StoreContext,
  layout: StoreLayout,
  from: number,
  limit: number,
): Promise<IndexWindow> {
  const page = Keys.pageOf(from);
  let through = (page + 1) * Limits.positionPageSize;
  const parts = await Promise.all(
    Keys.pagePartitions(page, layout.pageShards).map((partition) =>
      dynamoCall(`Query of the ${Index.byPosition} index at position ${from}`, () =>
        ctx.doc.send(new QueryCommand(buildIndexQuery(ctx.tableName, partition, from, limit))),
      ),
    ),
  );
  const items: IndexItem[] = [];
  for (const part of parts) {
    const found = part.Items ?? [];
    const last = found.at(-1);
    if (part.LastEvaluatedKey && last) through = Math.min(through, Number(last[Attr.position]));
    items.push(...found);
  }
  const inWindow = items.filter((item) => Number(item[Attr.position]) <= through);
  inWindow.sort((a, b) => Number(a[Attr.position]) - Number(b[Attr.position]));
  return { items: inWindow, through };
}

/** Whether the index holds anything on the page after `position`'s. */
export async function anythingOnNextPage(
  ctx: StoreContext,
  layout: StoreLayout,
  position: number,
): Promise<boolean> {
  const next = (Keys.pageOf(position) + 1) * Limits.positionPageSize + 1;
  const window = await readIndexWindow(ctx, layout, next, 1);
  return window.items.length > 0;
}

/** The indexed item with the highest position at or below `position` on its page or the one before. */
export async function itemAtOrBelow(
  ctx: StoreContext,
  layout: StoreLayout,
  position: number,
): Promise<IndexItem | undefined> {
  for (const page of [Keys.pageOf(position), Keys.pageOf(position) - 1]) {
    if (page < 0) break;
    const parts = await Promise.all(
      Keys.pagePartitions(page, layout.pageShards).map((partition) =>
        dynamoCall(`Query of the ${Index.byPosition} index below position ${position}`, () =>
          ctx.doc.send(
            new QueryCommand(buildIndexQuery(ctx.tableName, partition, position, 1, true)),
          ),
        ),
      ),
    );
    const found = parts.flatMap((part) => part.Items ?? []);
    if (found.length > 0) {
      return found.reduce((a, b) => (Number(a[Attr.position]) >= Number(b[Attr.position]) ? a : b));
    }
  }
  return undefined;
}
