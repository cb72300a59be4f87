import { QueryCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { dynamoCall } from '../dynamo-call.js';
import { ValidationError } from '../errors.js';
import type { StoreContext } from '../store-context.js';
import { Attr, Index, Keys } from '../table.js';
import type { ListStreamsOptions, ListStreamsResult } from '../types.js';
import { listStreamsOptionsSchema, parse } from '../validation.js';

const DEFAULT_LIMIT = 100;

/**
 * One page of a category's streams, by creation time, from the `byCategory`
 * index of stream heads (one small index item per stream, written when the
 * stream is created). The index is eventually consistent: a stream created a
 * moment ago may not be listed yet.
 */
export async function listStreams(
  ctx: StoreContext,
  options: ListStreamsOptions,
): Promise<ListStreamsResult> {
  const { category, limit, cursor, createdAfter, createdBefore, direction } = parse(
    listStreamsOptionsSchema,
    options,
    'options',
  );
  const names: Record<string, string> = { '#category': Attr.category };
  const values: Record<string, unknown> = { ':category': category };
  let condition = '#category = :category';
  if (createdAfter !== undefined || createdBefore !== undefined) {
    names['#createdAt'] = Attr.createdAt;
    if (createdAfter !== undefined) values[':after'] = createdAfter;
    if (createdBefore !== undefined) values[':before'] = createdBefore;
    condition +=
      createdAfter === undefined
        ? ' AND #createdAt <= :before'
        : createdBefore === undefined
          ? ' AND #createdAt >= :after'
          : ' AND #createdAt BETWEEN :after AND :before';
  }
  const input: QueryCommandInput = {
    TableName: ctx.tableName,
    IndexName: Index.byCategory,
    KeyConditionExpression: condition,
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: values,
    ScanIndexForward: direction !== 'backwards',
    Limit: limit ?? DEFAULT_LIMIT,
    ...(cursor !== undefined && { ExclusiveStartKey: decodeCursor(cursor, category) }),
  };
  const page = await dynamoCall(
    `Query of the ${Index.byCategory} index for category '${category}' (a table created before that index needs it added)`,
    () => ctx.doc.send(new QueryCommand(input)),
  );
  return {
    streams: (page.Items ?? []).map((item) => ({
      streamId: Keys.streamIdOf(String(item[Attr.pk])),
      createdAt: String(item[Attr.createdAt]),
    })),
    nextCursor: page.LastEvaluatedKey && encodeCursor(page.LastEvaluatedKey),
  };
}

function encodeCursor(key: Record<string, unknown>): string {
  return Buffer.from(JSON.stringify(key), 'utf8').toString('base64url');
}

/** The cursor is the index's own start key: it must be this category's, with its four keys. */
function decodeCursor(cursor: string, category: string): Record<string, unknown> {
  let key: unknown;
  try {
    key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    key = undefined;
  }
  const k = key as Record<string, unknown> | undefined;
  const valid =
    typeof k === 'object' &&
    k !== null &&
    k[Attr.category] === category &&
    [Attr.pk, Attr.sk, Attr.createdAt].every((name) => typeof k[name] === 'string') &&
    Object.keys(k).length === 4;
  if (!valid) {
    throw new ValidationError(
      'options.cursor',
      `must be the nextCursor of an earlier listStreams page of category '${category}'`,
    );
  }
  return k as Record<string, unknown>;
}
