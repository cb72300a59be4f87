import { InvalidDefinitionError } from './errors.js';
import { Attr, Keys } from './table.js';

/**
 * Lambda event-filtering patterns for the events table's stream, written once:
 * the CDK event source mappings pass them to `FilterCriteria.filter(...)` and
 * the local stream poller evaluates the very same objects, so what reaches a
 * handler locally is what reaches it in AWS.
 *
 * Pattern syntax (a subset of EventBridge's): an object matches when every
 * key matches; a leaf is an array of alternatives, each a literal or
 * `{ prefix: string }`.
 */
export type FilterLeaf = string | number | boolean | { readonly prefix: string };

export interface FilterPattern {
  readonly [key: string]: FilterPattern | readonly FilterLeaf[];
}

/** Event INSERTs only: heads, snapshots and the global counter are not events. */
export const eventInsertFilter = {
  eventName: ['INSERT'],
  dynamodb: {
    Keys: {
      [Attr.sk]: { S: [{ prefix: Keys.versionPrefix }] },
    },
  },
} as const satisfies FilterPattern;

/** Stream heads written (sequenced mode: each says how far its stream went). */
export const headChangeFilter = {
  eventName: ['INSERT', 'MODIFY'],
  dynamodb: {
    Keys: {
      [Attr.sk]: { S: [Keys.headSk] },
    },
  },
} as const satisfies FilterPattern;

/** The filters of each stream consumer, by consumer name (the CDK construct and `local/` use these names). */
export const StreamFilters = {
  projector: [eventInsertFilter],
  snapshotter: [eventInsertFilter],
  sequencer: [headChangeFilter],
} as const satisfies Record<string, readonly FilterPattern[]>;

export type StreamConsumerName = keyof typeof StreamFilters;

/** Which events a consumer of the events table's stream receives. */
export interface EventFilterOptions {
  /** Only these event types. Default: every type. */
  readonly eventTypes?: readonly string[];
  /** Only streams whose id starts with one of these (e.g. `account-`). Default: every stream. */
  readonly streamPrefixes?: readonly string[];
}

/**
 * The Lambda event-filtering pattern for event INSERTs of the given types and
 * stream prefixes: the one builder behind the construct's own consumers, an
 * app's consumer (`EventStoreConstruct.addConsumer`) and the local poller.
 * Lambda drops the records it does not match before invoking (and before
 * billing) the function.
 */
export function streamEventFilter(options: EventFilterOptions = {}): FilterPattern {
  const { eventTypes, streamPrefixes } = options;
  for (const [field, list] of [
    ['eventTypes', eventTypes],
    ['streamPrefixes', streamPrefixes],
  ] as const) {
    if (list === undefined) continue;
    if (list.length === 0 || list.some((item) => typeof item !== 'string' || item.length === 0)) {
      throw new InvalidDefinitionError(
        'stream event filter',
        field,
        'must be a non-empty list of non-empty strings, or left out for all',
      );
    }
  }
  const image: Record<string, FilterPattern> = {
    ...(eventTypes && { [Attr.type]: { S: [...eventTypes] } }),
    ...(streamPrefixes && {
      [Attr.streamId]: { S: streamPrefixes.map((prefix) => ({ prefix })) },
    }),
  };
  return {
    ...eventInsertFilter,
    dynamodb: {
      ...eventInsertFilter.dynamodb,
      ...(Object.keys(image).length > 0 && { NewImage: image }),
    },
  };
}
