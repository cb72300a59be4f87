import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ValidationError } from './errors.js';
import { CounterPositionAssigner } from './position/counter-position-assigner.js';
import type { PositionAssigner } from './position/position-assigner.js';
import { defaultSnapshotTableName } from './table.js';
import type { EventStoreOptions, RetryOptions } from './types.js';
import { eventStoreOptionsSchema, parse } from './validation.js';

/** What every operation module needs; built once per EventStore from its options. */
export interface StoreContext {
  readonly client: DynamoDBClient;
  readonly doc: DynamoDBDocumentClient;
  readonly tableName: string;
  /** Snapshots only; the events table is never written by snapshot code. */
  readonly snapshotTableName: string;
  readonly retry: Required<RetryOptions>;
  readonly allStreamMaxWaitMs: number;
  readonly readPageSize: number;
  /** Hands out global positions to appends; holds this store's cached counter value. */
  readonly positions: PositionAssigner;
}

export const defaults = {
  retry: { maxAttempts: 12, baseDelayMs: 5, maxDelayMs: 500 },
  allStreamMaxWaitMs: 5000,
  readPageSize: 1000,
} as const;

/** Validates the options once, at construction, so a typo fails there and not at the first read. */
export function createStoreContext(input: EventStoreOptions): StoreContext {
  const options = { ...input, ...parse(eventStoreOptionsSchema, input, 'options') };
  const client = options.client ?? new DynamoDBClient({});
  const doc = DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true },
  });
  return {
    client,
    doc,
    tableName: options.tableName,
    snapshotTableName: snapshotTableNameOf(options.tableName, options.snapshotTableName),
    positions: new CounterPositionAssigner(doc, options.tableName),
    retry: { ...defaults.retry, ...options.retry },
    allStreamMaxWaitMs: options.allStreamMaxWaitMs ?? defaults.allStreamMaxWaitMs,
    readPageSize: options.readPageSize ?? defaults.readPageSize,
  };
}

function snapshotTableNameOf(tableName: string, given: string | undefined): string {
  if (given !== undefined) return given;
  const name = defaultSnapshotTableName(tableName);
  if (name.length > 255) {
    throw new ValidationError(
      'options.snapshotTableName',
      `must be given when tableName is longer than ${255 - (name.length - tableName.length)} characters: the default '${tableName}…-snapshots' would pass DynamoDB's 255`,
    );
  }
  return name;
}
