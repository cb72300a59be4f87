import { BatchGetCommand } from '@aws-sdk/lib-dynamodb';
import { readEventsFrom, toStoredEvent } from '../append/idempotency.js';
import type { StoredEvent } from '../append/same-append.js';
import { backoff } from '../backoff.js';
import { dynamoCall } from '../dynamo-call.js';
import { decodeEvent } from '../events/codec.js';
import type { RangeEntry } from '../position/strategy.js';
import type { StoreContext } from '../store-context.js';
import { Attr, Keys } from '../table.js';
import type { PositionedEvent } from '../types.js';

/** Ranges this short are fetched by key (BatchGetItem, 100 keys a call); longer ones by Query. */
const BY_KEY_MAX = 3;
const KEYS_PER_BATCH = 100;
/** Calls in flight at once for one read of `$all`. */
const CONCURRENCY = 8;

/**
 * The events of `ranges` (each a stream's versions placed at `firstPosition`
 * onwards), in position order, with those positions: short ranges by key in
 * batches, long ones by Query, a few calls at a time. Strongly consistent.
 */
export async function readRanges(
  ctx: StoreContext,
  ranges: readonly RangeEntry[],
): Promise<PositionedEvent[]> {
  const calls: (() => Promise<PositionedEvent[]>)[] = [];
  const byKey: RangeEntry[] = [];
  for (const range of ranges) {
    if (range.count <= BY_KEY_MAX) byKey.push(range);
    else
      calls.push(async () =>
        place(
          ctx,
          range,
          await readEventsFrom(ctx, range.streamId, range.fromVersion, range.count),
        ),
      );
  }
  const keys = byKey.flatMap((range) =>
    Array.from({ length: range.count }, (_, i) => ({ range, version: range.fromVersion + i })),
  );
  for (let i = 0; i < keys.length; i += KEYS_PER_BATCH) {
    const chunk = keys.slice(i, i + KEYS_PER_BATCH);
    calls.push(() => batchGet(ctx, chunk));
  }
  const events: PositionedEvent[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(CONCURRENCY, calls.length) }, async () => {
      for (let call = next++; call < calls.length; call = next++) {
        events.push(...(await (calls[call] as () => Promise<PositionedEvent[]>)()));
      }
    }),
  );
  return events.sort((a, b) => a.position - b.position);
}

/** The events of a placed range as a reader gets them: positioned, in their type's latest shape. */
function place(
  ctx: StoreContext,
  range: RangeEntry,
  events: readonly StoredEvent[],
): PositionedEvent[] {
  return events.map((stored) => {
    const { appendIndex: _i, appendCount: _c, schemaVersion, ...event } = stored;
    const positioned = {
      ...event,
      position: range.firstPosition + (event.version - range.fromVersion),
    };
    return decodeEvent(ctx.events, positioned, schemaVersion);
  });
}

async function batchGet(
  ctx: StoreContext,
  wanted: readonly { range: RangeEntry; version: number }[],
): Promise<PositionedEvent[]> {
  const byKey = new Map(
    wanted.map((w) => [`${Keys.streamPk(w.range.streamId)}\u0000${Keys.versionSk(w.version)}`, w]),
  );
  let keys: Record<string, unknown>[] = wanted.map((w) => ({
    [Attr.pk]: Keys.streamPk(w.range.streamId),
    [Attr.sk]: Keys.versionSk(w.version),
  }));
  const events: PositionedEvent[] = [];
  for (let attempt = 1; keys.length > 0; attempt++) {
    const page = await dynamoCall('BatchGetItem of placed events', () =>
      ctx.doc.send(
        new BatchGetCommand({
          RequestItems: { [ctx.tableName]: { Keys: keys, ConsistentRead: true } },
        }),
      ),
    );
    for (const item of page.Responses?.[ctx.tableName] ?? []) {
      const found = byKey.get(`${String(item[Attr.pk])}\u0000${String(item[Attr.sk])}`);
      if (found) events.push(...place(ctx, found.range, [toStoredEvent(item)]));
    }
    // DynamoDB may hand back part of a batch unprocessed under load: ask again for those.
    keys = (page.UnprocessedKeys?.[ctx.tableName]?.Keys ?? []) as Record<string, unknown>[];
    if (keys.length > 0) await backoff(attempt);
  }
  return events;
}
