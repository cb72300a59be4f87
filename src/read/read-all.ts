import { GetCommand, QueryCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { dynamoCall } from '../dynamo-call.js';
import { AllStreamLaggingError, ValidationError } from '../errors.js';
import { toRecordedEvent } from '../records.js';
import type { StoreContext } from '../store-context.js';
import { Attr, Index, Keys } from '../table.js';
import type { ReadAllOptions, RecordedEvent } from '../types.js';
import { parse, readAllOptionsSchema } from '../validation.js';

/** First pause when the index lags; doubles up to LAG_MAX_DELAY_MS. Real GSI lag is usually well under a second. */
const LAG_BASE_DELAY_MS = 20;
const LAG_MAX_DELAY_MS = 250;

export interface AllReadPlan {
  fromPosition: number;
  maxCount: number;
  eventTypes: ReadonlySet<string> | undefined;
  streamPrefix: string | undefined;
}

/**
 * Pure: the byPosition Query for the index page that holds `position`,
 * starting at it. No FilterExpression: a filtered-out position would look
 * exactly like a hole the index has not filled yet.
 */
export function buildReadAllQuery(
  tableName: string,
  position: number,
  limit: number,
): QueryCommandInput {
  return {
    TableName: tableName,
    IndexName: Index.byPosition,
    KeyConditionExpression: '#page = :page AND #position >= :position',
    ExpressionAttributeNames: { '#page': Attr.positionPage, '#position': Attr.position },
    ExpressionAttributeValues: { ':page': Keys.positionPage(position), ':position': position },
    ScanIndexForward: true,
    Limit: limit,
  };
}

/**
 * The `$all` stream: every event in position order, lazily, one index page at
 * a time. It never skips a position. Positions are gap-free, so when the index
 * (eventually consistent) shows p+k but not p, or the global counter says p is
 * handed out but the index does not show it, p is committed and the reader
 * waits and reads again, up to `ctx.allStreamMaxWaitMs` per position, then
 * throws AllStreamLaggingError. Filters apply after that check, on the client.
 *
 * Options are validated at the call: a bad option throws ValidationError
 * synchronously, before any iteration.
 */
export function readAll(
  ctx: StoreContext,
  options: ReadAllOptions = {},
): AsyncIterable<RecordedEvent> {
  const parsed = parse(readAllOptionsSchema, options ?? {}, 'options');
  if (parsed.eventTypes?.length === 0) {
    // An empty list would read the whole store to return nothing; say so instead.
    throw new ValidationError('options.eventTypes', 'must list at least one type (got [])');
  }
  return readPositions(ctx, {
    fromPosition: parsed.fromPosition ?? 1,
    maxCount: parsed.maxCount ?? Number.POSITIVE_INFINITY,
    eventTypes: parsed.eventTypes && new Set(parsed.eventTypes),
    streamPrefix: parsed.streamPrefix,
  });
}

async function* readPositions(ctx: StoreContext, plan: AllReadPlan): AsyncGenerator<RecordedEvent> {
  const filtered = plan.eventTypes !== undefined || plan.streamPrefix !== undefined;
  const lag = lagWait(ctx.allStreamMaxWaitMs);
  let expected = plan.fromPosition;
  // Every position up to here is known to be committed (from the counter, or
  // because the index showed a later one).
  let committed = 0;
  let returned = 0;
  while (returned < plan.maxCount) {
    // With client-side filters we cannot know how many items make maxCount.
    const limit = filtered
      ? ctx.readPageSize
      : Math.min(ctx.readPageSize, plan.maxCount - returned);
    const queried = expected;
    const page = await dynamoCall(
      `Query of the ${Index.byPosition} index at position ${queried}`,
      () => ctx.doc.send(new QueryCommand(buildReadAllQuery(ctx.tableName, queried, limit))),
    );
    let hole = false;
    for (const item of page.Items ?? []) {
      const position = Number(item[Attr.position]);
      if (position !== expected) {
        hole = true;
        committed = Math.max(committed, position);
        break;
      }
      expected++;
      lag.reset();
      if (!matches(plan, item)) continue;
      yield toRecordedEvent(item);
      returned++;
      if (returned >= plan.maxCount) return;
    }
    const moreInIndex =
      page.LastEvaluatedKey !== undefined ||
      Keys.positionPage(expected) !== Keys.positionPage(queried);
    if (!hole && moreInIndex) continue;
    // The index does not show `expected` now: the end, or an index that lags.
    if (expected > committed) {
      committed = await readCounter(ctx);
      if (expected > committed) return;
    }
    await lag.wait(expected);
  }
}

function matches(plan: AllReadPlan, item: Record<string, unknown>): boolean {
  if (plan.eventTypes && !plan.eventTypes.has(String(item[Attr.type]))) return false;
  if (plan.streamPrefix && !String(item[Attr.streamId]).startsWith(plan.streamPrefix)) return false;
  return true;
}

/** The last position handed out, read strongly consistent: everything up to it is committed. */
async function readCounter(ctx: StoreContext): Promise<number> {
  const { Item } = await dynamoCall('GetItem of the global position counter', () =>
    ctx.doc.send(
      new GetCommand({
        TableName: ctx.tableName,
        Key: { [Attr.pk]: Keys.globalPk, [Attr.sk]: Keys.positionSk },
        ConsistentRead: true,
      }),
    ),
  );
  return Item ? Number(Item[Attr.position]) : 0;
}

/** Backoff for one awaited position; the bound restarts when the reader moves on. */
function lagWait(maxWaitMs: number) {
  let since: number | undefined;
  let attempt = 0;
  return {
    reset(): void {
      since = undefined;
      attempt = 0;
    },
    async wait(position: number): Promise<void> {
      const now = Date.now();
      since ??= now;
      const waited = now - since;
      if (waited >= maxWaitMs) throw new AllStreamLaggingError(position, waited);
      const delay = Math.min(
        LAG_BASE_DELAY_MS * 2 ** attempt,
        LAG_MAX_DELAY_MS,
        maxWaitMs - waited,
      );
      attempt++;
      await new Promise((resolve) => setTimeout(resolve, delay));
    },
  };
}
