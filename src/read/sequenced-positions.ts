import { readMarks } from '../position/marks.js';
import type { StoreContext } from '../store-context.js';
import type { RecordedEvent } from '../types.js';

/**
 * Sequenced mode: events carry no position of their own; the sequencer's
 * marks (one per placed range, in the stream's partition) say where each
 * range went. One small Query per page of events, newest range first,
 * stopping below the page. Events not placed yet keep `null`.
 */
export async function placeEvents(
  ctx: StoreContext,
  streamId: string,
  events: readonly RecordedEvent[],
): Promise<RecordedEvent[]> {
  const versions = events.map((e) => e.version);
  const ranges = await readMarks(ctx.doc, ctx.tableName, streamId, {
    atOrBelow: Math.max(...versions),
    downTo: Math.min(...versions),
  });
  return events.map((event) => {
    const range = ranges.find(
      (r) => event.version >= r.fromVersion && event.version < r.fromVersion + r.count,
    );
    return range
      ? { ...event, position: range.firstPosition + (event.version - range.fromVersion) }
      : event;
  });
}
