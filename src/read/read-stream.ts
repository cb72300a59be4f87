import { QueryCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { dynamoCall } from '../dynamo-call.js';
import { StreamNotFoundError } from '../errors.js';
import { decodeEventItem } from '../records.js';
import type { StoreContext } from '../store-context.js';
import { Attr, Keys, Limits } from '../table.js';
import type { ReadDirection, ReadStreamOptions, RecordedEvent } from '../types.js';
import { parse, readStreamOptionsSchema, streamIdSchema } from '../validation.js';
import { placeEvents } from './sequenced-positions.js';
import { getStreamHead } from './stream-head.js';

/** The highest version a zero-padded sort key can hold; bounds every range. */
const MAX_VERSION = 10 ** Limits.versionDigits - 1;

export interface StreamReadPlan {
  streamId: string;
  direction: ReadDirection;
  fromVersion: number | undefined;
  maxCount: number | undefined;
}

/** Pure: the inclusive version range a read covers; `low > high` means nothing can match. */
export function versionRange(plan: StreamReadPlan): { low: number; high: number } {
  if (plan.direction === 'forwards') return { low: plan.fromVersion ?? 1, high: MAX_VERSION };
  // Backwards with no fromVersion starts at the top of the key range, which is
  // the stream's last version, without reading the head first.
  return { low: 1, high: Math.min(plan.fromVersion ?? MAX_VERSION, MAX_VERSION) };
}

/**
 * Pure: one page's Query. BETWEEN on VERSION# keys keeps the HEAD and SNAPSHOT
 * items of the same partition out; strongly consistent so a reader sees its
 * own appends.
 */
export function buildReadStreamQuery(
  tableName: string,
  plan: StreamReadPlan,
  limit: number,
  exclusiveStartKey?: Record<string, unknown>,
): QueryCommandInput {
  const { low, high } = versionRange(plan);
  return {
    TableName: tableName,
    KeyConditionExpression: '#pk = :pk AND #sk BETWEEN :low AND :high',
    ExpressionAttributeNames: { '#pk': Attr.pk, '#sk': Attr.sk },
    ExpressionAttributeValues: {
      ':pk': Keys.streamPk(plan.streamId),
      ':low': Keys.versionSk(low),
      ':high': Keys.versionSk(high),
    },
    ScanIndexForward: plan.direction === 'forwards',
    ConsistentRead: true,
    Limit: limit,
    ...(exclusiveStartKey && { ExclusiveStartKey: exclusiveStartKey }),
  };
}

/**
 * The stream's events, one Query page at a time (at most `ctx.readPageSize`
 * items, and DynamoDB stops a page at 1 MB), so a long stream never sits in
 * memory. Nothing is sent before the first `next()`.
 *
 * Arguments are validated here, at the call: a bad stream id or option throws
 * ValidationError synchronously, before any iteration.
 *
 * Throws StreamNotFoundError (on iteration) when the stream does not exist; a
 * range of an existing stream that holds no events is just empty.
 */
export function readStream(
  ctx: StoreContext,
  streamId: string,
  options: ReadStreamOptions = {},
): AsyncIterable<RecordedEvent> {
  const id = parse(streamIdSchema, streamId, 'streamId');
  const parsed = parse(readStreamOptionsSchema, options ?? {}, 'options');
  return readPages(ctx, {
    streamId: id,
    direction: parsed.direction ?? 'forwards',
    fromVersion: parsed.fromVersion,
    maxCount: parsed.maxCount,
  });
}

async function* readPages(ctx: StoreContext, plan: StreamReadPlan): AsyncGenerator<RecordedEvent> {
  const { low, high } = versionRange(plan);
  const maxCount = plan.maxCount ?? Number.POSITIVE_INFINITY;
  let yielded = 0;
  let startKey: Record<string, unknown> | undefined;
  while (low <= high && yielded < maxCount) {
    // Asking for no more than is still wanted keeps `maxCount: 5` one small read.
    const limit = Math.min(ctx.readPageSize, maxCount - yielded);
    const input = buildReadStreamQuery(ctx.tableName, plan, limit, startKey);
    const page = await dynamoCall(`Query of stream '${plan.streamId}'`, () =>
      ctx.doc.send(new QueryCommand(input)),
    );
    let events = (page.Items ?? []).map((item) => decodeEventItem(item, ctx.events));
    if (events.some((event) => event.position === null)) {
      events = await placeEvents(ctx, plan.streamId, events);
    }
    for (const event of events) {
      yield event;
      yielded++;
    }
    startKey = page.LastEvaluatedKey;
    if (!startKey) break;
  }
  // Without a filter an empty first page means an empty range; only the head
  // tells an absent stream from a range past its end.
  if (yielded === 0 && !(await getStreamHead(ctx, plan.streamId))) {
    throw new StreamNotFoundError(plan.streamId);
  }
}
