import { AllStreamLaggingError } from '../errors.js';
import type { StoreLayout } from '../position/counter.js';
import { readSlot, type Slot, writeAbortMarker } from '../position/slots.js';
import type { RangeEntry } from '../position/strategy.js';
import type { StoreContext } from '../store-context.js';
import { Attr } from '../table.js';
import type { PositionedEvent } from '../types.js';
import { itemAtOrBelow } from './all-index.js';
import { readRanges } from './range-reads.js';

/** Positions first..last, resolved together (one transaction's range, or one abort marker's). */
export interface Range {
  readonly first: number;
  readonly last: number;
}

export interface Hole {
  readonly position: number;
  /** The range of the last position resolved before the hole, when known. */
  readonly range: Range | undefined;
  /** How long the reader has been waiting on this position. */
  readonly waitedMs: number;
  readonly maxWaitMs: number;
  /** Whether the index shows anything after the hole: if not, the hole is the end for now. */
  readonly visibleBeyond: boolean;
}

export type HoleResolution =
  | { kind: 'end' }
  | { kind: 'wait' }
  | {
      kind: 'resolved';
      events: PositionedEvent[];
      range: Range;
      resumeAt: number;
      /** This reader marked the position aborted: the gap after it has been in sight as long. */
      abortedHere?: boolean;
    };

/**
 * Reserved mode (DESIGN.md, "Reserved positions: the rules"). A position
 * inside the range of a transaction already seen is committed: its events
 * come from the table. Otherwise the position starts a range, and its slot
 * decides: committed, aborted, or (no slot) an appender still at work, or
 * gone. A gone one is marked aborted after `maxWaitMs`, but only at a proven
 * range start: a marker in the middle of a committed range would skip its
 * events. The marker's condition is the fence: a slow appender that commits
 * first wins, and one that comes later is refused and reserves again.
 */
export async function resolveReservedHole(
  ctx: StoreContext,
  layout: StoreLayout,
  hole: Hole,
): Promise<HoleResolution> {
  const { position, range } = hole;
  if (range && position <= range.last) {
    const slot = await readSlot(ctx.doc, ctx.tableName, range.first);
    if (slot) return fromSlot(ctx, slot, position);
    // The index showed one of its events, so the slot committed with them: it will read soon.
    return hole.visibleBeyond ? { kind: 'wait' } : { kind: 'end' };
  }
  const slot = await readSlot(ctx.doc, ctx.tableName, position);
  if (slot) return fromSlot(ctx, slot, position);
  if (!hole.visibleBeyond) return { kind: 'end' };
  if (hole.waitedMs < hole.maxWaitMs) return { kind: 'wait' };
  // Sequenced mode: blocks are contiguous and never aborted; a missing one below a later one is index lag.
  if (layout.mode === 'sequenced') throw new AllStreamLaggingError(position, hole.waitedMs);
  if (!(await isRangeStart(ctx, layout, position, range))) {
    throw new AllStreamLaggingError(position, hole.waitedMs);
  }
  const marked = await writeAbortMarker(ctx.doc, ctx.tableName, position, 1, layout.pageShards);
  return { ...(await fromSlot(ctx, marked, position)), abortedHere: marked.state === 'aborted' };
}

/**
 * The events of a committed slot (or a sequenced block) from position `from`
 * on, read from the table, with their positions from the slot's entries
 * (sequenced events have none of their own).
 */
export async function fromSlot(
  ctx: StoreContext,
  slot: Slot,
  from: number,
): Promise<Extract<HoleResolution, { kind: 'resolved' }>> {
  const range = { first: slot.first, last: slot.first + slot.count - 1 };
  if (slot.state === 'aborted') {
    return { kind: 'resolved', events: [], range, resumeAt: range.last + 1 };
  }
  const wanted = slot.entries.flatMap((entry): RangeEntry[] => {
    const lo = Math.max(from, entry.firstPosition);
    const hi = Math.min(range.last, entry.firstPosition + entry.count - 1);
    if (lo > hi) return [];
    const skipped = lo - entry.firstPosition;
    return [
      {
        streamId: entry.streamId,
        fromVersion: entry.fromVersion + skipped,
        count: hi - lo + 1,
        firstPosition: lo,
      },
    ];
  });
  const events = await readRanges(ctx, wanted);
  return { kind: 'resolved', events, range, resumeAt: range.last + 1 };
}

/**
 * Whether `position` starts a range: the position before it ends one (an
 * abort marker's last, or the last of a committed transaction's range).
 */
async function isRangeStart(
  ctx: StoreContext,
  layout: StoreLayout,
  position: number,
  known: Range | undefined,
): Promise<boolean> {
  if (position === 1) return true;
  if (known) return known.last === position - 1;
  // A reader that started here has not seen the position before: look it up.
  const before = await itemAtOrBelow(ctx, layout, position - 1);
  if (!before) return false;
  const at = Number(before[Attr.position]);
  const last =
    before[Attr.count] !== undefined
      ? at + Number(before[Attr.count]) - 1
      : Number(before[Attr.rangeLast] ?? at);
  return last === position - 1;
}
