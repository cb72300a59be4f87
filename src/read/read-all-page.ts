import { z } from 'zod';
import type { EventStoreApi } from '../event-store-api.js';
import type { ReadAllPageOptions, ReadAllPageResult, RecordedEvent } from '../types.js';
import { describe, eventTypeSchema, parse, wholeNumber } from '../validation.js';

export const ReadAllPageDefaults = { limit: 100, maxExamined: 5000 } as const;

const optionsSchema = z.object({
  fromPosition: wholeNumber(1, Number.MAX_SAFE_INTEGER).optional(),
  limit: wholeNumber(1, 10_000).optional(),
  eventTypes: z
    .array(eventTypeSchema)
    .min(1, { error: 'must list at least one type (got [])' })
    .optional(),
  streamPrefix: z.string().optional(),
  maxExamined: wholeNumber(1, 1_000_000).optional(),
  maxBytes: wholeNumber(1, Number.MAX_SAFE_INTEGER).optional(),
  sizeOf: z
    .custom<(event: RecordedEvent) => number>((value) => typeof value === 'function', {
      error: (issue) => `must be a function of an event (got ${describe(issue.input)})`,
    })
    .optional(),
});

const jsonBytes = (event: RecordedEvent): number =>
  Buffer.byteLength(JSON.stringify(event), 'utf8');

/**
 * One page of `$all` whose cost is bounded: it looks at no more than
 * `maxExamined` items, filtered or not, and answers with the matches so far
 * (possibly none) and a `nextPosition` past everything it looked at. A
 * filter that matches rarely therefore costs the caller several calls, never
 * one endless scan. Filters are applied here, on the unfiltered `readAll`,
 * which keeps its promise never to skip a committed position.
 *
 * Positions need not be contiguous (aborted ranges are gaps), so the next
 * position is always taken from an event seen, never computed from counts.
 * Built on the store's own `readAll`, so every store pages alike.
 */
export async function readAllPage(
  store: Pick<EventStoreApi, 'readAll'>,
  options: ReadAllPageOptions = {},
): Promise<ReadAllPageResult> {
  const parsed = parse(optionsSchema, options ?? {}, 'options');
  const limit = parsed.limit ?? ReadAllPageDefaults.limit;
  const maxExamined = parsed.maxExamined ?? ReadAllPageDefaults.maxExamined;
  const maxBytes = parsed.maxBytes ?? Number.POSITIVE_INFINITY;
  const sizeOf = parsed.sizeOf ?? jsonBytes;
  const types = parsed.eventTypes && new Set(parsed.eventTypes);
  const prefix = parsed.streamPrefix;
  const matches = (event: RecordedEvent) =>
    (!types || types.has(event.type)) && (!prefix || event.streamId.startsWith(prefix));

  const events: RecordedEvent[] = [];
  let used = 0;
  let examined = 0;
  let lastExamined: number | undefined;
  const all = store.readAll({
    ...(parsed.fromPosition !== undefined && { fromPosition: parsed.fromPosition }),
    maxCount: maxExamined,
  });
  for await (const event of all) {
    if (matches(event)) {
      const size = sizeOf(event);
      // Full: this event, not taken, is where the next page starts.
      if (events.length === limit || (events.length > 0 && used + size > maxBytes)) {
        return { events, nextPosition: event.position };
      }
      events.push(event);
      used += size;
    }
    examined++;
    lastExamined = event.position;
  }
  // Fewer than maxExamined items means readAll reached the end of $all.
  if (examined < maxExamined || lastExamined === undefined) {
    return { events, nextPosition: undefined };
  }
  return { events, nextPosition: lastExamined + 1 };
}
