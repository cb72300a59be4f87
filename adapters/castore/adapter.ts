import {
  type EventDetail,
  type EventStorageAdapter,
  type EventStoreContext,
  type EventsQueryOptions,
  GroupedEvent,
  type ListAggregateIdsOptions,
  type ListAggregateIdsOutput,
  type OptionalTimestamp,
  type PushEventOptions,
} from '@castore/core';
import {
  type EventStore,
  type RecordedEvent,
  type StreamAppend,
  StreamNotFoundError,
  ValidationError,
  WrongExpectedVersionError,
} from '../../src/index.js';
import {
  aggregateIdOf,
  checkEventStoreId,
  EventAlreadyExistsError,
  streamIdOf,
  toEventDetail,
  toNewEvent,
} from './events.js';

/** Aggregate ids per `listAggregateIds` call when no (or a larger) limit is given. */
const MAX_PAGE = 1000;

interface PageToken {
  limit?: number;
  initialEventAfter?: string;
  initialEventBefore?: string;
  reverse?: boolean;
  cursor: string;
}

/**
 * Castore's `EventStorageAdapter` on this store: each aggregate is the
 * stream `{eventStoreId}-{aggregateId}`, an event's version is its stream
 * version, and every event also gets a global position in `$all`.
 * `pushEvent` is an append at the version before it; `pushEventGroup` is
 * one `appendToStreams` transaction (all or nothing, across event stores).
 */
export class DynamoEventStorageAdapter implements EventStorageAdapter {
  readonly store: EventStore;

  constructor({ store }: { store: EventStore }) {
    this.store = store;
  }

  getEvents = async (
    aggregateId: string,
    { eventStoreId }: EventStoreContext,
    { minVersion, maxVersion, limit, reverse }: EventsQueryOptions = {},
  ): Promise<{ events: EventDetail[] }> => {
    const streamId = streamIdOf(eventStoreId, aggregateId);
    const low = Math.max(1, minVersion ?? 1);
    const span = maxVersion === undefined ? Number.POSITIVE_INFINITY : maxVersion - low + 1;
    const count = Math.min(limit ?? Number.POSITIVE_INFINITY, span);
    const events: RecordedEvent[] = [];
    if (count <= 0) return { events: [] };
    const maxCount = Number.isFinite(count) ? { maxCount: count } : {};
    try {
      const read = reverse
        ? this.store.readStream(streamId, {
            direction: 'backwards',
            ...(maxVersion !== undefined && { fromVersion: maxVersion }),
            ...maxCount,
          })
        : this.store.readStream(streamId, { fromVersion: low, ...maxCount });
      for await (const event of read) {
        // Backwards without a maxVersion, the count cannot stop at minVersion: the version does.
        if (event.version < low) break;
        events.push(event);
      }
    } catch (error) {
      if (!(error instanceof StreamNotFoundError)) throw error;
    }
    return { events: events.map((event) => toEventDetail(eventStoreId, event)) };
  };

  pushEvent = async (
    event: OptionalTimestamp<EventDetail>,
    { eventStoreId, force }: PushEventOptions,
  ): Promise<{ event: EventDetail }> => {
    refuseForce(force);
    const streamId = streamIdOf(eventStoreId, event.aggregateId);
    const version = versionOf(event.version, 'event.version');
    try {
      const result = await this.store.appendToStream(streamId, [toNewEvent(event)], {
        expectedVersion: version - 1,
      });
      return { event: toEventDetail(eventStoreId, result.events[0] as RecordedEvent) };
    } catch (error) {
      throw asAlreadyExists(error, [{ eventStoreId, aggregateId: event.aggregateId, version }]);
    }
  };

  pushEventGroup = async (
    { force }: { force?: boolean },
    ...grouped: [GroupedEvent, ...GroupedEvent[]]
  ): Promise<{ eventGroup: { event: EventDetail }[] }> => {
    refuseForce(force);
    const members = grouped.map((groupedEvent, index) => {
      if (!(groupedEvent.eventStorageAdapter instanceof DynamoEventStorageAdapter)) {
        throw new ValidationError(
          `groupedEvents[${index}]`,
          'must come from an event store on a DynamoEventStorageAdapter (a group is one transaction of one table)',
        );
      }
      if (groupedEvent.eventStorageAdapter.store !== this.store) {
        throw new ValidationError(
          `groupedEvents[${index}]`,
          "must use the adapter's own EventStore: a group is one transaction of one table",
        );
      }
      const eventStoreId = groupedEvent.context?.eventStoreId;
      if (eventStoreId === undefined) {
        throw new ValidationError(
          `groupedEvents[${index}].context`,
          'is missing: group events with eventStore.groupEvent(...)',
        );
      }
      const { event } = groupedEvent;
      return {
        eventStoreId,
        event,
        streamId: streamIdOf(eventStoreId, event.aggregateId),
        version: versionOf(event.version, `groupedEvents[${index}].event.version`),
      };
    });
    const appends = toStreamAppends(members);
    let results: Awaited<ReturnType<EventStore['appendToStreams']>>;
    try {
      results = await this.store.appendToStreams(appends);
    } catch (error) {
      throw asAlreadyExists(
        error,
        members.map(({ eventStoreId, event, version }) => ({
          eventStoreId,
          aggregateId: event.aggregateId,
          version,
        })),
      );
    }
    const recorded = new Map(
      results.flatMap((result) => result.events.map((e) => [`${e.streamId}@${e.version}`, e])),
    );
    return {
      eventGroup: members.map(({ eventStoreId, streamId, version }) => ({
        event: toEventDetail(eventStoreId, recorded.get(`${streamId}@${version}`) as RecordedEvent),
      })),
    };
  };

  groupEvent = (event: OptionalTimestamp<EventDetail>): GroupedEvent =>
    new GroupedEvent({ event, eventStorageAdapter: this });

  listAggregateIds = async (
    { eventStoreId }: EventStoreContext,
    { pageToken, ...given }: ListAggregateIdsOptions = {},
  ): Promise<ListAggregateIdsOutput> => {
    checkEventStoreId(eventStoreId);
    const previous = pageToken === undefined ? undefined : parsePageToken(pageToken);
    const limit = given.limit ?? previous?.limit;
    const initialEventAfter = given.initialEventAfter ?? previous?.initialEventAfter;
    const initialEventBefore = given.initialEventBefore ?? previous?.initialEventBefore;
    const reverse = given.reverse ?? previous?.reverse;
    if (limit !== undefined && !(Number.isInteger(limit) && limit >= 1)) {
      throw new ValidationError('options.limit', `must be an integer >= 1 (got ${limit})`);
    }
    const page = await this.store.listStreams({
      category: eventStoreId,
      limit: Math.min(limit ?? MAX_PAGE, MAX_PAGE),
      ...(previous && { cursor: previous.cursor }),
      ...(initialEventAfter !== undefined && { createdAfter: initialEventAfter }),
      ...(initialEventBefore !== undefined && { createdBefore: initialEventBefore }),
      ...(reverse && { direction: 'backwards' as const }),
    });
    const next: PageToken | undefined = page.nextCursor
      ? { limit, initialEventAfter, initialEventBefore, reverse, cursor: page.nextCursor }
      : undefined;
    return {
      aggregateIds: page.streams.map(({ streamId, createdAt }) => ({
        aggregateId: aggregateIdOf(eventStoreId, streamId),
        initialEventTimestamp: createdAt,
      })),
      ...(next && { nextPageToken: JSON.stringify(next) }),
    };
  };
}

interface PushedEvent {
  eventStoreId: string;
  aggregateId: string;
  version: number;
}

interface Member {
  eventStoreId: string;
  event: OptionalTimestamp<EventDetail>;
  streamId: string;
  version: number;
}

/** Events of one aggregate in a group go in one append; their versions must follow each other. */
function toStreamAppends(members: readonly Member[]): StreamAppend[] {
  const byStream = new Map<string, Member[]>();
  for (const member of members) {
    byStream.set(member.streamId, [...(byStream.get(member.streamId) ?? []), member]);
  }
  return [...byStream.entries()].map(([streamId, list]) => {
    const sorted = [...list].sort((a, b) => a.version - b.version);
    const first = sorted[0] as Member;
    sorted.forEach((member, i) => {
      if (member.version !== first.version + i) {
        throw new ValidationError(
          'groupedEvents',
          `must give the events of aggregate '${member.event.aggregateId}' consecutive versions (got ${sorted.map((m) => m.version).join(', ')})`,
        );
      }
    });
    return {
      streamId,
      events: sorted.map((member) => toNewEvent(member.event)),
      expectedVersion: first.version - 1,
    };
  });
}

/**
 * A stream already at or past the event's version: Castore's
 * EventAlreadyExistsError. A stream below it (a gap) stays this store's
 * WrongExpectedVersionError: versions here have no gaps.
 */
function asAlreadyExists(error: unknown, events: readonly PushedEvent[]): unknown {
  if (!(error instanceof WrongExpectedVersionError)) return error;
  const hit = events
    .filter((e) => streamIdOf(e.eventStoreId, e.aggregateId) === error.streamId)
    .sort((a, b) => a.version - b.version)
    .find((e) => error.actualVersion >= e.version);
  if (!hit) return error;
  return new EventAlreadyExistsError(hit.eventStoreId, hit.aggregateId, hit.version, {
    cause: error,
  });
}

function refuseForce(force: boolean | undefined): void {
  if (force) {
    throw new ValidationError(
      'options.force',
      'is not supported: events here are immutable and positions final, so an event is never overwritten',
    );
  }
}

function versionOf(version: unknown, field: string): number {
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) {
    throw new ValidationError(field, `must be an integer >= 1 (got ${String(version)})`);
  }
  return version;
}

function parsePageToken(token: string): PageToken {
  let parsed: unknown;
  try {
    parsed = JSON.parse(token);
  } catch {
    parsed = undefined;
  }
  if (typeof (parsed as PageToken | undefined)?.cursor !== 'string') {
    throw new ValidationError(
      'options.pageToken',
      'must be the nextPageToken of an earlier listAggregateIds call',
    );
  }
  return parsed as PageToken;
}
