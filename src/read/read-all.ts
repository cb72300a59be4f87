import { AllStreamLaggingError } from '../errors.js';
import type { StoreLayout } from '../position/counter.js';
import { readCounterItem } from '../position/counter.js';
import { isAbortMarker, toSlot } from '../position/slots.js';
import { decodeEventItem } from '../records.js';
import type { StoreContext } from '../store-context.js';
import { Attr } from '../table.js';
import type { PositionedEvent, ReadAllOptions, RecordedEvent } from '../types.js';
import { parseReadAllOptions } from '../validation.js';
import { anythingOnNextPage, type IndexItem, itemAtOrBelow, readIndexWindow } from './all-index.js';
import { fromSlot, type Range, resolveReservedHole } from './reserved-holes.js';

export { buildIndexQuery } from './all-index.js';

/** First pause at a hole; doubles up to LAG_MAX_DELAY_MS. Real GSI lag is usually well under a second. */
const LAG_BASE_DELAY_MS = 20;
const LAG_MAX_DELAY_MS = 250;

export interface AllReadPlan {
  fromPosition: number;
  maxCount: number;
  eventTypes: ReadonlySet<string> | undefined;
  streamPrefix: string | undefined;
}

/**
 * The `$all` stream: every event in position order, lazily, one index page at
 * a time, never skipping a committed position. Positions are resolved
 * strictly in order: an event, or (reserved mode) an abort marker that says a
 * range holds nothing. A position the index does not show yet is a hole:
 * - strict mode: positions are contiguous, so a hole below the counter is
 *   committed and the index lags: wait, up to `allStreamMaxWaitMs`, then
 *   AllStreamLaggingError;
 * - reserved mode: the hole's slot says committed (read the events from the
 *   table, not waiting for the index) or aborted (pass it); a range start with
 *   no slot after `allStreamMaxWaitMs` is marked aborted: its appender is gone.
 * A hole with nothing after it is the end for now. Filters apply after all
 * this, on the client.
 *
 * Options are validated at the call: a bad option throws ValidationError
 * synchronously, before any iteration.
 */
export function readAll(
  ctx: StoreContext,
  options: ReadAllOptions = {},
): AsyncIterable<PositionedEvent> {
  const parsed = parseReadAllOptions(options);
  return readPositions(ctx, {
    fromPosition: parsed.fromPosition ?? 1,
    maxCount: parsed.maxCount ?? Number.POSITIVE_INFINITY,
    eventTypes: parsed.eventTypes && new Set(parsed.eventTypes),
    streamPrefix: parsed.streamPrefix,
  });
}

async function* readPositions(
  ctx: StoreContext,
  plan: AllReadPlan,
): AsyncGenerator<PositionedEvent> {
  const layout = await ctx.positions.readLayout();
  if (!layout) return;
  const filtered = plan.eventTypes !== undefined || plan.streamPrefix !== undefined;
  const lag = lagWait(ctx.allStreamMaxWaitMs);
  let expected = plan.fromPosition;
  // The range of the last position resolved: its neighbours up to `last` committed with it.
  let range: Range | undefined;
  let returned = 0;
  const emit = function* (event: PositionedEvent) {
    if (!matches(plan, event)) return;
    returned++;
    yield event;
  };
  while (returned < plan.maxCount) {
    // With client-side filters we cannot know how many items make maxCount.
    const limit = filtered
      ? ctx.readPageSize
      : Math.min(ctx.readPageSize, plan.maxCount - returned);
    const window = await readIndexWindow(ctx, layout, expected, limit);
    let holeBeforeVisible = false;
    for (const item of window.items) {
      const position = Number(item[Attr.position]);
      if (position < expected) continue;
      if (position > expected) {
        holeBeforeVisible = true;
        break;
      }
      lag.reset();
      range = rangeOf(item, layout);
      if (isAbortMarker(item)) {
        expected = range.last + 1;
        continue;
      }
      const block = toSlot(item);
      if (block) {
        // Sequenced mode: a block lists where its positions went; read them from the table.
        for (const event of (await fromSlot(ctx, block, expected)).events) {
          expected = event.position + 1;
          yield* emit(event);
          if (returned >= plan.maxCount) return;
        }
        expected = range.last + 1;
        continue;
      }
      // An event's range ends after it when it shares a transaction: the next position is its neighbour.
      expected = position + 1;
      yield* emit(decodeEventItem(item, ctx.events) as PositionedEvent);
      if (returned >= plan.maxCount) return;
    }
    if (!holeBeforeVisible && expected > window.through) continue;

    // The index does not show `expected` now.
    if (layout.mode === 'strict') {
      if (!holeBeforeVisible && !(await strictCommitted(ctx, expected))) return;
      await lag.wait(expected);
      continue;
    }
    // A reader that starts inside a range (a sequenced block, an abort marker) sees no index
    // item at its first position: the range's one item is below it.
    range ??= expected > 1 ? await rangeCovering(ctx, layout, expected) : undefined;
    const resolved = await resolveReservedHole(ctx, layout, {
      position: expected,
      range,
      waitedMs: lag.waited(),
      maxWaitMs: ctx.allStreamMaxWaitMs,
      visibleBeyond: holeBeforeVisible || (await anythingOnNextPage(ctx, layout, expected)),
    });
    if (resolved.kind === 'end') return;
    if (resolved.kind === 'wait') {
      await lag.wait(expected, true);
      continue;
    }
    // A dead range is marked one position at a time; the positions after the one just
    // marked have been in sight, below a later one, as long: they need no new wait.
    if (!resolved.abortedHere) lag.reset();
    range = resolved.range;
    for (const event of resolved.events) {
      if (event.position < expected) continue;
      expected = event.position + 1;
      yield* emit(event);
      if (returned >= plan.maxCount) return;
    }
    expected = Math.max(expected, resolved.resumeAt);
  }
}

/** The positions an index item vouches for: its transaction's range, or the abort marker's. */
function rangeOf(item: IndexItem, layout: StoreLayout): Range {
  const position = Number(item[Attr.position]);
  if (item[Attr.slotState] !== undefined) {
    // An abort marker, or a sequenced block: both cover `count` positions from their own.
    return { first: position, last: position + Number(item[Attr.count]) - 1 };
  }
  if (layout.mode === 'strict' || item[Attr.rangeFirst] === undefined) {
    return { first: position, last: position };
  }
  return { first: Number(item[Attr.rangeFirst]), last: Number(item[Attr.rangeLast]) };
}

/** The range of the index item at or below `position`, when it reaches `position`. */
async function rangeCovering(
  ctx: StoreContext,
  layout: StoreLayout,
  position: number,
): Promise<Range | undefined> {
  const item = await itemAtOrBelow(ctx, layout, position);
  const range = item && rangeOf(item, layout);
  return range && range.last >= position ? range : undefined;
}

function matches(plan: AllReadPlan, event: RecordedEvent): boolean {
  if (plan.eventTypes && !plan.eventTypes.has(event.type)) return false;
  if (plan.streamPrefix && !event.streamId.startsWith(plan.streamPrefix)) return false;
  return true;
}

/** Strict mode: positions are contiguous, so one at or below the counter is committed. */
async function strictCommitted(ctx: StoreContext, position: number): Promise<boolean> {
  const counter = await readCounterItem(ctx.doc, ctx.tableName);
  return Number(counter?.[Attr.position] ?? 0) >= position;
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
    waited(): number {
      return since === undefined ? 0 : Date.now() - since;
    },
    /** `patient`: the caller decides what happens past the bound (reserved mode aborts the hole). */
    async wait(position: number, patient = false): Promise<void> {
      const now = Date.now();
      since ??= now;
      const waited = now - since;
      if (waited >= maxWaitMs && !patient) throw new AllStreamLaggingError(position, waited);
      const delay = Math.min(
        LAG_BASE_DELAY_MS * 2 ** attempt,
        LAG_MAX_DELAY_MS,
        Math.max(LAG_BASE_DELAY_MS, maxWaitMs - waited),
      );
      attempt++;
      await new Promise((resolve) => setTimeout(resolve, delay));
    },
  };
}
