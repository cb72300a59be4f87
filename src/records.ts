import { decodeEvent } from './events/codec.js';
import type { EventRegistry } from './events/define.js';
import { Attr, Keys } from './table.js';
import type { RecordedEvent } from './types.js';

/** The attributes of an event item as stored (data and metadata as JSON text, for exact round-trips). */
export interface EventItem {
  PK: string;
  SK: string;
  streamId: string;
  version: number;
  position?: number;
  positionPage?: string;
  eventId: string;
  type: string;
  data: string;
  metadata?: string;
  createdAt: string;
  /** Reserved mode: the range the event's transaction reserved. */
  rangeFirst?: number;
  rangeLast?: number;
  /** Events of a registered type: the schema version the data was written with. */
  schemaVersion?: number;
}

/**
 * Pure: the item that stores one recorded event. `placement` is what the
 * store's position mode puts on it (sharded index key, reserved range); by
 * default the unsharded index key alone.
 */
export function toEventItem(
  event: RecordedEvent,
  placement: Readonly<Record<string, unknown>> = {},
): EventItem {
  const { position } = event;
  const item: EventItem = {
    [Attr.pk]: Keys.streamPk(event.streamId),
    [Attr.sk]: Keys.versionSk(event.version),
    streamId: event.streamId,
    version: event.version,
    // Sequenced mode: no position yet, so not in the index either.
    ...(position !== null && { position, positionPage: Keys.positionPage(position) }),
    ...placement,
    eventId: event.eventId,
    type: event.type,
    data: JSON.stringify(event.data),
    createdAt: event.createdAt,
  };
  if (event.metadata !== null && event.metadata !== undefined) {
    item.metadata = JSON.stringify(event.metadata);
  }
  return item;
}

/**
 * Pure: the event an item holds as readers get it: with a registry, an event
 * of a registered type in its latest shape (see `decodeEvent`); without one,
 * or of another type, as stored.
 */
export function decodeEventItem(
  item: Record<string, unknown>,
  registry: EventRegistry | undefined,
): RecordedEvent {
  const event = toRecordedEvent(item);
  if (!registry) return event;
  const version = item[Attr.schemaVersion];
  return decodeEvent(registry, event, version === undefined ? undefined : Number(version));
}

/**
 * Pure: the recorded event an item holds, as stored. Accepts plain unmarshalled items,
 * whether they come from a Query, a GetItem or a DynamoDB Streams NEW_IMAGE.
 */
export function toRecordedEvent(item: Record<string, unknown>): RecordedEvent {
  const metadata = item[Attr.metadata];
  return {
    streamId: String(item[Attr.streamId]),
    version: Number(item[Attr.version]),
    position: item[Attr.position] === undefined ? null : Number(item[Attr.position]),
    eventId: String(item[Attr.eventId]),
    type: String(item[Attr.type]),
    data: JSON.parse(String(item[Attr.data])),
    metadata: typeof metadata === 'string' ? JSON.parse(metadata) : null,
    createdAt: String(item[Attr.createdAt]),
  };
}
