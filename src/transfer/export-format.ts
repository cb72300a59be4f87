import { z } from 'zod';
import { ValidationError } from '../errors.js';
import type { PositionedEvent, PositionMode } from '../types.js';
import { eventIdSchema, eventTypeSchema, streamIdSchema, wholeNumber } from '../validation.js';

/**
 * An export is newline-delimited JSON: a header line, one line per event in
 * position order (a `RecordedEvent` as the SDK returns it), and an end line.
 * A file without its end line was cut short.
 */
export const EXPORT_FORMAT = 'dynamo-event-store/export';
export const EXPORT_FORMAT_VERSION = 1;

export interface ExportHeader {
  format: typeof EXPORT_FORMAT;
  version: typeof EXPORT_FORMAT_VERSION;
  /** The first position the export asked for. */
  fromPosition: number;
  /** The store's last position when the export started: how far it will get, at most. */
  lastPosition: number;
  positionMode: PositionMode;
  exportedAt: string;
}

export interface ExportEnd {
  end: true;
  events: number;
  /** The last exported event's position; null when none was. */
  lastPosition: number | null;
}

export type ExportLine =
  | { kind: 'header'; header: ExportHeader }
  | { kind: 'event'; event: PositionedEvent }
  | { kind: 'end'; end: ExportEnd };

const headerSchema = z.object({
  format: z.literal(EXPORT_FORMAT),
  version: z.literal(EXPORT_FORMAT_VERSION),
  fromPosition: wholeNumber(1, Number.MAX_SAFE_INTEGER),
  lastPosition: wholeNumber(0, Number.MAX_SAFE_INTEGER),
  positionMode: z.enum(['reserved', 'strict', 'sequenced']),
  exportedAt: z.string(),
});

const endSchema = z.object({
  end: z.literal(true),
  events: wholeNumber(0, Number.MAX_SAFE_INTEGER),
  lastPosition: wholeNumber(1, Number.MAX_SAFE_INTEGER).nullable(),
});

const eventSchema = z.object({
  streamId: streamIdSchema,
  version: wholeNumber(1, Number.MAX_SAFE_INTEGER),
  position: wholeNumber(1, Number.MAX_SAFE_INTEGER),
  eventId: eventIdSchema,
  type: eventTypeSchema,
  data: z.unknown(),
  metadata: z.unknown(),
  createdAt: z.iso.datetime({ offset: true }),
});

/** The lines of an export, one at a time: `lineNumber` (1-based) names the line in an error. */
export function parseExportLine(text: string, lineNumber: number): ExportLine {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new ValidationError(`line ${lineNumber}`, 'is not JSON');
  }
  if (typeof value === 'object' && value !== null && 'format' in value) {
    return { kind: 'header', header: check(headerSchema, value, lineNumber, 'a header') };
  }
  if (typeof value === 'object' && value !== null && 'end' in value) {
    return { kind: 'end', end: check(endSchema, value, lineNumber, 'an end line') as ExportEnd };
  }
  const event = check(eventSchema, value, lineNumber, 'an event');
  return {
    kind: 'event',
    event: { ...event, data: event.data ?? null, metadata: event.metadata ?? null },
  };
}

function check<T>(schema: z.ZodType<T>, value: unknown, lineNumber: number, what: string): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const where = issue?.path.length ? `.${issue.path.join('.')}` : '';
  throw new ValidationError(
    `line ${lineNumber}${where}`,
    `is not ${what} of a ${EXPORT_FORMAT} v${EXPORT_FORMAT_VERSION} file: ${issue?.message ?? 'invalid'}`,
  );
}

export function headerLine(header: Omit<ExportHeader, 'format' | 'version'>): string {
  return JSON.stringify({ format: EXPORT_FORMAT, version: EXPORT_FORMAT_VERSION, ...header });
}

export function endLine(end: Omit<ExportEnd, 'end'>): string {
  return JSON.stringify({ end: true, ...end });
}
