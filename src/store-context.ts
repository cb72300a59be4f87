import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { PreparedAppend } from './append/validate-append.js';
import { ValidationError } from './errors.js';
import { type EventRegistry, isEventRegistry } from './events/define.js';
import { StorePositions } from './position/store-positions.js';
import { defaultSnapshotTableName } from './table.js';
import type { AppendResult, EventStoreOptions, RetryOptions } from './types.js';
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
  readonly groupCommit: boolean;
  /** Decodes (and upcasts) reads, validates appends; undefined: events as stored. */
  readonly events: EventRegistry | undefined;
  /** Hands out global positions; knows the store's mode and index layout once loaded. */
  readonly positions: StorePositions;
  /** The store's group commit queue, made on the first append. */
  appends?: AppendQueue;
}

/** Where validated appends go to be committed (see append/committer.ts). */
export interface AppendQueue {
  submit(append: PreparedAppend, timeoutMs: number): Promise<AppendResult>;
  /** All of `appends` in one transaction, or none of them. */
  submitGroup(appends: readonly PreparedAppend[], timeoutMs: number): Promise<AppendResult[]>;
}

export const defaults = {
  retry: { timeoutMs: 10_000, maxAttempts: 1000, baseDelayMs: 5, maxDelayMs: 200 },
  allStreamMaxWaitMs: 5000,
  readPageSize: 1000,
  groupCommit: true,
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
    positions: new StorePositions(doc, options.tableName, options.positionMode),
    retry: { ...defaults.retry, ...options.retry },
    allStreamMaxWaitMs: options.allStreamMaxWaitMs ?? defaults.allStreamMaxWaitMs,
    readPageSize: options.readPageSize ?? defaults.readPageSize,
    groupCommit: options.groupCommit ?? defaults.groupCommit,
    events: eventsOf(options.events),
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

function eventsOf(events: unknown): EventRegistry | undefined {
  if (events === undefined) return undefined;
  if (!isEventRegistry(events)) {
    throw new ValidationError(
      'options.events',
      `must be a defineEvents(...) registry (got ${typeof events === 'object' ? JSON.stringify(events) : typeof events})`,
    );
  }
  return events;
}
