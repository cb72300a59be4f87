import { z } from 'zod';
import { ValidationError } from './errors.js';
import { Attr, Limits, SnapshotKeys } from './table.js';
import type { SaveSnapshotInput, Snapshot } from './types.js';
import { describe, jsonValueSchema, parse, streamIdSchema } from './validation.js';

const positiveInt = z
  .number({ error: (issue) => `must be an integer >= 1 (got ${describe(issue.input)})` })
  .int({ error: (issue) => `must be an integer >= 1 (got ${describe(issue.input)})` })
  .min(1, { error: (issue) => `must be an integer >= 1 (got ${describe(issue.input)})` })
  .max(Number.MAX_SAFE_INTEGER);

const saveSnapshotInputSchema = z.object(
  {
    streamId: streamIdSchema,
    version: positiveInt,
    state: jsonValueSchema,
    stateVersion: positiveInt.optional(),
  },
  {
    error: (issue) =>
      `must be an object with streamId, version and state (got ${describe(issue.input)})`,
  },
);

/** DynamoDB counts a number as at most 21 bytes; counting the most keeps the estimate safe. */
const NUMBER_BYTES = 21;

export interface SnapshotItem {
  PK: string;
  SK: string;
  streamId: string;
  version: number;
  /** JSON text, like event data: it round-trips any JSON value exactly. */
  state: string;
  stateVersion: number;
  createdAt: string;
}

/** Pure: the item that stores a validated snapshot. */
export function toSnapshotItem(
  input: Required<SaveSnapshotInput<unknown>>,
  createdAt: string,
): SnapshotItem {
  return {
    [Attr.pk]: SnapshotKeys.pk(input.streamId),
    [Attr.sk]: SnapshotKeys.sk,
    streamId: input.streamId,
    version: input.version,
    state: JSON.stringify(input.state),
    stateVersion: input.stateVersion,
    createdAt,
  };
}

/** Pure: the item's size as DynamoDB counts it (UTF-8 names and strings; numbers at their maximum). */
export function snapshotItemBytes(item: SnapshotItem): number {
  let bytes = 0;
  for (const [name, value] of Object.entries(item)) {
    bytes += Buffer.byteLength(name, 'utf8');
    bytes += typeof value === 'number' ? NUMBER_BYTES : Buffer.byteLength(String(value), 'utf8');
  }
  return bytes;
}

/**
 * Pure: the item for a snapshot to save, checked as `saveSnapshot` checks it:
 * a state too large for one item is a ValidationError on `state`, the
 * caller's input that does not fit.
 */
export function prepareSnapshotItem<State>(
  input: SaveSnapshotInput<State>,
  createdAt: string,
): SnapshotItem {
  const parsed = parse(saveSnapshotInputSchema, input, 'snapshot');
  const item = toSnapshotItem(
    {
      streamId: parsed.streamId,
      version: parsed.version,
      state: parsed.state,
      stateVersion: parsed.stateVersion ?? 1,
    },
    createdAt,
  );
  const bytes = snapshotItemBytes(item);
  if (bytes > Limits.itemBytes) {
    throw new ValidationError(
      'snapshot.state',
      `must fit in one DynamoDB item: the snapshot item would be ${bytes} bytes; the limit is ${Limits.itemBytes} bytes`,
    );
  }
  return item;
}

/** Pure: the snapshot a stored item holds. */
export function toSnapshot<State>(item: Record<string, unknown>): Snapshot<State> {
  return {
    streamId: String(item[Attr.streamId]),
    version: Number(item[Attr.version]),
    state: JSON.parse(String(item[Attr.state])) as State,
    stateVersion: Number(item[Attr.stateVersion]),
    createdAt: String(item[Attr.createdAt]),
  };
}
