import type { EventDetail, OptionalTimestamp } from '@castore/core';
import {
  type JsonValue,
  type NewEvent,
  type RecordedEvent,
  ValidationError,
} from '../../src/index.js';

/**
 * The stream of a Castore aggregate: `{eventStoreId}-{aggregateId}`, so an
 * event store is a category (`listStreams({ category: eventStoreId })`).
 */
export function streamIdOf(eventStoreId: string, aggregateId: string): string {
  checkEventStoreId(eventStoreId);
  if (typeof aggregateId !== 'string' || aggregateId.length === 0) {
    throw new ValidationError(
      'event.aggregateId',
      `must be a non-empty string (got ${JSON.stringify(aggregateId)})`,
    );
  }
  return `${eventStoreId}-${aggregateId}`;
}

/** An event store id is a category: a stream id's part before its first `-`. */
export function checkEventStoreId(eventStoreId: string): void {
  if (typeof eventStoreId !== 'string' || !/^[^-]+$/.test(eventStoreId)) {
    throw new ValidationError(
      'context.eventStoreId',
      `must be 1 or more characters without '-' (the stream id is '{eventStoreId}-{aggregateId}', and its category the part before the first '-'; got ${JSON.stringify(eventStoreId)})`,
    );
  }
}

export function aggregateIdOf(eventStoreId: string, streamId: string): string {
  return streamId.slice(eventStoreId.length + 1);
}

/**
 * What a Castore event keeps beside its payload, in this store's `metadata`
 * (null when there is nothing to keep): its own metadata, the timestamp it
 * was given (none: the commit's time is its timestamp), and whether it had
 * no payload at all.
 */
interface Envelope {
  castore: { metadata?: JsonValue; timestamp?: string; noPayload?: true };
}

export function toNewEvent(event: OptionalTimestamp<EventDetail>): NewEvent {
  const kept: Envelope['castore'] = {
    ...(event.metadata !== undefined && { metadata: event.metadata as JsonValue }),
    ...(event.timestamp !== undefined && { timestamp: event.timestamp }),
    ...(event.payload === undefined && { noPayload: true as const }),
  };
  return {
    type: event.type,
    data: event.payload === undefined ? null : event.payload,
    ...(Object.keys(kept).length > 0 && { metadata: { castore: kept } }),
  };
}

export function toEventDetail(eventStoreId: string, event: RecordedEvent): EventDetail {
  const kept = (event.metadata as Envelope | null)?.castore ?? {};
  return {
    aggregateId: aggregateIdOf(eventStoreId, event.streamId),
    version: event.version,
    type: event.type,
    timestamp: kept.timestamp ?? event.createdAt,
    ...(kept.noPayload ? {} : { payload: event.data }),
    ...(kept.metadata !== undefined && { metadata: kept.metadata }),
  };
}

/** Castore's `EventAlreadyExistsError` (its `code` is what `isEventAlreadyExistsError` checks). */
export class EventAlreadyExistsError extends Error {
  readonly code = 'EventAlreadyExistsError' as const;

  constructor(
    readonly eventStoreId: string,
    readonly aggregateId: string,
    readonly version: number,
    options?: { cause?: unknown },
  ) {
    super(
      `Event already exists for ${eventStoreId} aggregate ${aggregateId} and version ${version}`,
      options,
    );
    this.name = 'EventAlreadyExistsError';
  }
}
