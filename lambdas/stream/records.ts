import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { InvalidStreamRecordError, UndecodableEventError } from '../../src/errors.js';
import type { EventRegistry } from '../../src/events/define.js';
import type { HeadChange } from '../../src/position/sequencer.js';
import { decodeEventItem } from '../../src/records.js';
import { Attr, Keys } from '../../src/table.js';
import type { RecordedEvent } from '../../src/types.js';

/** What one stream record holds for the processors. */
export type ParsedRecord =
  | { kind: 'event'; event: RecordedEvent }
  /** Not an event INSERT (head, snapshot, counter, a REMOVE): nothing to do. */
  | { kind: 'ignored' }
  /** An event INSERT whose image cannot be read: the record fails. */
  | { kind: 'invalid'; error: Error };

/**
 * The event source filter keeps everything but event INSERTs away in AWS;
 * this check keeps a handler safe when it is invoked without that filter.
 */
export function parseRecord(
  record: DynamoDBRecord,
  registry?: EventRegistry | undefined,
): ParsedRecord {
  const sk = record.dynamodb?.Keys?.[Attr.sk]?.S;
  if (record.eventName !== 'INSERT' || sk === undefined || !Keys.isEventSk(sk)) {
    return { kind: 'ignored' };
  }
  const image = record.dynamodb?.NewImage;
  if (!image) {
    return {
      kind: 'invalid',
      error: new InvalidStreamRecordError(
        sequenceOf(record),
        'has no NewImage: the stream must be NEW_IMAGE or NEW_AND_OLD_IMAGES',
      ),
    };
  }
  try {
    // Lambda's AttributeValue type is looser than the SDK's; the wire shape is the same.
    const item = unmarshall(image as Record<string, AttributeValue>);
    assertEventItem(item);
    return { kind: 'event', event: decodeEventItem(item, registry) };
  } catch (error) {
    // Already says which event and why; the stream record adds nothing.
    if (error instanceof UndecodableEventError) return { kind: 'invalid', error };
    return {
      kind: 'invalid',
      error: new InvalidStreamRecordError(
        sequenceOf(record),
        `(${sk}) is not a readable event: ${String(error)}`,
        { cause: error },
      ),
    };
  }
}

/** The attributes every event item has; toRecordedEvent would turn a missing one into 'undefined'. */
function assertEventItem(item: Record<string, unknown>): void {
  for (const name of [Attr.streamId, Attr.eventId, Attr.type, Attr.data, Attr.createdAt]) {
    const value = item[name];
    if (typeof value !== 'string' || value.length === 0) {
      throw new Error(`${name} must be a non-empty string (got ${JSON.stringify(value)})`);
    }
  }
  for (const name of [Attr.version, Attr.position]) {
    const value = item[name];
    // Sequenced mode: an event is written without a position; the sequencer places it later.
    if (name === Attr.position && value === undefined) continue;
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) {
      throw new Error(`${name} must be a positive integer (got ${JSON.stringify(value)})`);
    }
  }
}

/** A head's record as the sequencer reads it; `undefined` for any other record. */
export function parseHeadChange(record: DynamoDBRecord): HeadChange | undefined {
  const sk = record.dynamodb?.Keys?.[Attr.sk]?.S;
  const image = record.dynamodb?.NewImage;
  if (sk !== Keys.headSk || !image || record.eventName === 'REMOVE') return undefined;
  const item = unmarshall(image as Record<string, AttributeValue>);
  const version = item[Attr.version];
  const streamId = item[Attr.streamId];
  if (
    typeof streamId !== 'string' ||
    typeof version !== 'number' ||
    !Number.isSafeInteger(version)
  ) {
    throw new Error(`record ${sequenceOf(record)} is not a readable stream head`);
  }
  return { streamId, version };
}

export function sequenceOf(record: DynamoDBRecord): string {
  return record.dynamodb?.SequenceNumber ?? '(no sequence number)';
}

export interface ParsedBatch {
  events: RecordedEvent[];
  /** `sources[i]` is the record `events[i]` came from. */
  sources: DynamoDBRecord[];
  /** Records that fail before any work: unreadable event images. */
  failures: Map<DynamoDBRecord, unknown>;
}

/** `registry`: the app's event types, decoded and upcast as the store's reads do. */
export function parseBatch(
  records: readonly DynamoDBRecord[],
  registry?: EventRegistry | undefined,
): ParsedBatch {
  const batch: ParsedBatch = { events: [], sources: [], failures: new Map() };
  for (const record of records) {
    const parsed = parseRecord(record, registry);
    if (parsed.kind === 'invalid') batch.failures.set(record, parsed.error);
    if (parsed.kind !== 'event') continue;
    batch.events.push(parsed.event);
    batch.sources.push(record);
  }
  return batch;
}
