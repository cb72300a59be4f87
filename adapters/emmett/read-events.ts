import type {
  Event,
  ReadEvent,
  ReadEventMetadataWithGlobalPosition,
} from '@event-driven-io/emmett';
import type { RecordedEvent } from '../../src/index.js';

/** The metadata Emmett's readers get: this store's event id, stream, version and position. */
export type DynamoDBReadEventMetadata = ReadEventMetadataWithGlobalPosition;

export type DynamoDBReadEvent<EventType extends Event = Event> = ReadEvent<
  EventType,
  DynamoDBReadEventMetadata
>;

/**
 * A recorded event as Emmett reads it: the event's own metadata (if any)
 * merged with `messageId` (the event id), `streamName`, `streamPosition`
 * (the version) and `globalPosition` (its `$all` position). In sequenced
 * mode an event the sequencer has not placed yet has no `globalPosition`.
 */
export function toEmmettReadEvent<EventType extends Event = Event>(
  event: RecordedEvent,
): DynamoDBReadEvent<EventType> {
  const own = isObject(event.metadata) ? event.metadata : {};
  return {
    type: event.type,
    data: event.data,
    kind: 'Event',
    metadata: {
      ...own,
      messageId: event.eventId,
      streamName: event.streamId,
      streamPosition: BigInt(event.version),
      ...(event.position !== null && { globalPosition: BigInt(event.position) }),
    },
  } as unknown as DynamoDBReadEvent<EventType>;
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
