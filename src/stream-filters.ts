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
