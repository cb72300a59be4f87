import { z } from 'zod';

/**
 * The HTTP API's success bodies. The handler's routes are typed by them, the
 * OpenAPI document is generated from them and the client parses answers with
 * them. Pure zod, no HTTP code.
 */

const isoTime = z.string().describe('ISO-8601 time');
const position = z.number().int().min(1).max(Number.MAX_SAFE_INTEGER);
const version = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

export const recordedEventSchema = z.object({
  streamId: z.string(),
  version: version.min(1).describe('1-based, contiguous within the stream'),
  position: position
    .nullable()
    .describe('Where the event stands in $all; null only in sequenced mode, before it is placed'),
  eventId: z.string(),
  type: z.string(),
  data: z.unknown().describe('Any JSON value'),
  metadata: z.unknown().describe('Any JSON value; null when appended without metadata'),
  createdAt: isoTime,
});

/** An event read from `$all`: its position is always known. */
export const positionedEventSchema = recordedEventSchema.extend({ position });

export const appendResultSchema = z.object({
  streamId: z.string(),
  nextExpectedVersion: version.describe("The stream's version after this append"),
  firstPosition: position.nullable().describe('null in sequenced mode'),
  lastPosition: position.nullable().describe('null in sequenced mode'),
});

export const streamEventsPageSchema = z.object({
  events: z.array(recordedEventSchema),
  nextVersion: position
    .nullable()
    .describe('Pass as fromVersion to read on (same direction); null at the end of the stream'),
});

export const allEventsPageSchema = z.object({
  events: z.array(positionedEventSchema),
  nextPosition: position
    .nullable()
    .describe(
      'Pass as fromPosition to read on; null at the end of $all. Moves on even when events is empty',
    ),
});

export const streamHeadSchema = z.object({
  streamId: z.string(),
  version,
  createdAt: isoTime,
  updatedAt: isoTime,
});

export const snapshotResponseSchema = z.object({
  streamId: z.string(),
  version: version.describe('The stream version the state includes'),
  state: z.unknown(),
  createdAt: isoTime,
});

export const projectionDocumentSchema = z.object({
  projection: z.string(),
  key: z.string(),
  state: z.unknown(),
  streams: z
    .record(z.string(), version)
    .describe('Per source stream, the last version applied to this document'),
  revision: z.number().int().min(0),
  updatedAt: isoTime,
});

export const projectionListSchema = z.object({
  documents: z.array(projectionDocumentSchema),
  nextCursor: z.string().nullable().describe('Pass as cursor to read on; null on the last page'),
});

export const healthSchema = z.object({ ok: z.literal(true) });

export type AppendResponse = z.output<typeof appendResultSchema>;
export type StreamEventsPage = z.output<typeof streamEventsPageSchema>;
export type AllEventsPage = z.output<typeof allEventsPageSchema>;
export type StreamHeadResponse = z.output<typeof streamHeadSchema>;
export type SnapshotResponse = z.output<typeof snapshotResponseSchema>;
export type ProjectionListResponse = z.output<typeof projectionListSchema>;
