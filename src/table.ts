/**
 * Every key format, attribute name, index name and limit of the data model,
 * written once. Tests, `local/` and `infra/` import these instead of spelling
 * them again.
 */

export const Attr = {
  pk: 'PK',
  sk: 'SK',
  streamId: 'streamId',
  version: 'version',
  position: 'position',
  positionPage: 'positionPage',
  eventId: 'eventId',
  type: 'type',
  data: 'data',
  metadata: 'metadata',
  createdAt: 'createdAt',
  updatedAt: 'updatedAt',
  state: 'state',
  stateVersion: 'stateVersion',
  /** Head: the last position of the stream's newest append (reserved mode keeps stream order with it). */
  lastPosition: 'lastPosition',
  /** Head: the id of its newest event (an `any` append reads it to tell a retry from a new append). */
  lastEventId: 'lastEventId',
  /** Head: how many events its newest append added (the sequencer reads the range from the head's record). */
  lastAppendCount: 'lastAppendCount',
  /** Event (reserved mode): the range its transaction reserved, so a reader knows its neighbours are committed too. */
  rangeFirst: 'rangeFirst',
  rangeLast: 'rangeLast',
  /**
   * Event: the version of its type's schema it was written with (only events
   * of a type in the store's registry; absent means version 1).
   */
  schemaVersion: 'schemaVersion',
  /** Event: its place in the append that wrote it, so a retry is recognised only as that whole append. */
  appendIndex: 'appendIndex',
  appendCount: 'appendCount',
  /** Counter: how positions are handed out, and how many partitions each index page is spread over. */
  positionMode: 'positionMode',
  /** Counter (sequenced mode): every block up to here has its streams' marks written. */
  appliedThrough: 'appliedThrough',
  /** Mark (sequenced mode): where a stream's range starts in `$all`. */
  firstPosition: 'firstPosition',
  pageShards: 'pageShards',
  epoch: 'epoch',
  /** Slot: `committed` or `aborted`, how many positions it covers, and (committed) what it holds. */
  slotState: 'slotState',
  count: 'count',
  entries: 'entries',
  txId: 'txId',
  /** Head: the stream's category (its id before the first `-`), the `byCategory` index's key. */
  category: 'category',
} as const;

export const Index = {
  byPosition: 'byPosition',
  /** Stream heads by category, oldest first: lists a category's streams (KEYS_ONLY). */
  byCategory: 'byCategory',
} as const;

export const Limits = {
  /** DynamoDB TransactWriteItems: at most 100 actions. */
  transactionActions: 100,
  /** Two of the actions are the global counter and the stream head. */
  eventsPerAppend: 98,
  /** DynamoDB TransactWriteItems: 4 MB aggregate payload. */
  transactionBytes: 4 * 1024 * 1024,
  /** DynamoDB item size limit (409,600 bytes, names and values). */
  itemBytes: 400 * 1024,
  streamIdBytes: 512,
  /** DynamoDB: a sort key value is 1..1024 UTF-8 bytes (a projection document's key is one). */
  sortKeyBytes: 1024,
  eventTypeChars: 256,
  eventIdChars: 128,
  /** Nesting of `data` and `metadata`: deeper JSON would overflow the stack of whatever walks it. */
  jsonDepth: 100,
  /** Events per `$all` index partition: bounds each partition's size and heat. */
  positionPageSize: 1000,
  /** Digits of a zero-padded version in a sort key: 12 keeps lexical = numeric order. */
  versionDigits: 12,
  /** Partitions each `$all` index page is spread over in a new store (DESIGN.md "Hot partitions"). */
  pageShards: 8,
} as const;

const STREAM_PREFIX = 'STREAM#';
const VERSION_PREFIX = 'VERSION#';
const PAGE_PREFIX = 'PAGE#';

export const Keys = {
  streamPk: (streamId: string): string => `${STREAM_PREFIX}${streamId}`,
  versionPrefix: VERSION_PREFIX,
  versionSk: (version: number): string =>
    `${VERSION_PREFIX}${String(version).padStart(Limits.versionDigits, '0')}`,
  headSk: 'HEAD',
  globalPk: '$GLOBAL',
  positionSk: 'POSITION',
  /**
   * The index partition of a position: its page, spread over `shards`
   * partitions by position. One shard is the unsharded format of stores made
   * before sharding (`PAGE#3`), so their items stay readable.
   */
  positionPage: (position: number, shards = 1): string => {
    const page = `${PAGE_PREFIX}${Math.floor((position - 1) / Limits.positionPageSize)}`;
    return shards === 1 ? page : `${page}#${position % shards}`;
  },
  /** Every index partition of page `page`: the S shards, or the one unsharded key. */
  pagePartitions: (page: number, shards: number): string[] =>
    shards === 1
      ? [`${PAGE_PREFIX}${page}`]
      : Array.from({ length: shards }, (_, shard) => `${PAGE_PREFIX}${page}#${shard}`),
  /** The page number of a position (its index partitions share it). */
  pageOf: (position: number): number => Math.floor((position - 1) / Limits.positionPageSize),
  /** A reserved range's slot: says whether positions first.. were committed, and where they went. */
  slotPk: (first: number): string => `$SLOT#${first}`,
  slotSk: 'SLOT',
  /** Sequenced mode: a stream's range the sequencer placed, by its first version (the stream's mark). */
  sequencedSk: (fromVersion: number): string =>
    `SEQ#${String(fromVersion).padStart(Limits.versionDigits, '0')}`,
  sequencedPrefix: 'SEQ#',
  isEventSk: (sk: string): boolean => sk.startsWith(VERSION_PREFIX),
  /** The stream id of a stream partition key (`STREAM#order-1` -> `order-1`). */
  streamIdOf: (pk: string): string => pk.slice(STREAM_PREFIX.length),
} as const;

/**
 * A stream's category: its id before the first `-` (`order-42` -> `order`),
 * as EventStoreDB's `$ce-` and Emmett name them. None when the id has no `-`
 * or starts with one: such streams are not listed by category.
 */
export function categoryOf(streamId: string): string | undefined {
  const dash = streamId.indexOf('-');
  return dash > 0 ? streamId.slice(0, dash) : undefined;
}

/**
 * Keys of the snapshot table. Snapshots have a table of their own so that the
 * snapshotter's role can write them without being able to write the events
 * table: IAM cannot condition on sort keys, and an item of a snapshot's shape
 * at `$GLOBAL/POSITION` or `STREAM#x/HEAD` would be a valid PutItem there.
 */
export const SnapshotKeys = {
  pk: (streamId: string): string => `SNAPSHOT#${streamId}`,
  sk: 'SNAPSHOT',
} as const;

/**
 * The snapshot table a store uses when its options name none. `createTables`,
 * the local runtime and the CDK construct name it the same way, so a store
 * built from the events table's name alone finds its snapshots.
 */
export const defaultSnapshotTableName = (eventsTable: string): string => `${eventsTable}-snapshots`;

/** DynamoDB table names: 3..255 of these characters. */
export const tableNamePattern = /^[A-Za-z0-9_.-]{3,255}$/;

/** Keys of the read-model table: projection documents and subscription checkpoints. */
export const ReadModelKeys = {
  projectionPk: (name: string): string => `PROJECTION#${name}`,
  checkpointPk: (name: string): string => `CHECKPOINT#${name}`,
  checkpointSk: 'CHECKPOINT',
  /** A projection rebuild's own checkpoint, so a rebuild that failed midway resumes. */
  rebuildPk: (projection: string): string => `REBUILD#${projection}`,
  rebuildSk: 'REBUILD',
} as const;

/** Attributes of read-model items (projection documents and checkpoints), besides PK/SK. */
export const ReadModelAttr = {
  /** The document's state, as JSON text. */
  state: 'state',
  /**
   * Source stream id -> last version applied to the document, as JSON text:
   * the SDK's marshalling drops a map key named `__proto__`, which is a valid
   * stream id. Items written before hold a DynamoDB map, still read.
   */
  streams: 'streams',
  /** Bumped by every write; informative only, since it restarts when a rebuild recreates the document. */
  revision: 'revision',
  /**
   * A fresh random token per write; the condition that makes concurrent writers take turns.
   * Unlike `revision` it never repeats, so a writer that read before a rebuild cannot match after it.
   */
  etag: 'etag',
  /** A checkpoint's last handled `$all` position. */
  position: 'position',
  /** A rebuild checkpoint: whether the clear finished, and whether the replay did. */
  cleared: 'cleared',
  done: 'done',
  updatedAt: 'updatedAt',
} as const;

export type KeyType = 'S' | 'N';

export interface KeySchema {
  readonly name: string;
  readonly type: KeyType;
}

/** A table's shape, independent of the SDK and of CDK, so both build from it. */
export interface TableSchema {
  readonly partitionKey: KeySchema;
  readonly sortKey: KeySchema;
  readonly globalSecondaryIndexes: readonly {
    readonly indexName: string;
    readonly partitionKey: KeySchema;
    readonly sortKey: KeySchema;
    /** ALL copies whole items; KEYS_ONLY the keys alone (an update of other attributes then costs the index nothing). */
    readonly projection: 'ALL' | 'KEYS_ONLY';
  }[];
  readonly stream: 'NEW_IMAGE' | undefined;
}

export const eventsTableSchema: TableSchema = {
  partitionKey: { name: Attr.pk, type: 'S' },
  sortKey: { name: Attr.sk, type: 'S' },
  globalSecondaryIndexes: [
    {
      indexName: Index.byPosition,
      partitionKey: { name: Attr.positionPage, type: 'S' },
      sortKey: { name: Attr.position, type: 'N' },
      projection: 'ALL',
    },
    {
      indexName: Index.byCategory,
      partitionKey: { name: Attr.category, type: 'S' },
      sortKey: { name: Attr.createdAt, type: 'S' },
      projection: 'KEYS_ONLY',
    },
  ],
  stream: 'NEW_IMAGE',
};

export const readModelTableSchema: TableSchema = {
  partitionKey: { name: Attr.pk, type: 'S' },
  sortKey: { name: Attr.sk, type: 'S' },
  globalSecondaryIndexes: [],
  stream: undefined,
};

/** No stream: nothing consumes snapshot writes. */
export const snapshotTableSchema: TableSchema = {
  partitionKey: { name: Attr.pk, type: 'S' },
  sortKey: { name: Attr.sk, type: 'S' },
  globalSecondaryIndexes: [],
  stream: undefined,
};

/** Environment variable names the edges (lambdas/, local/, infra/) agree on. `src/` never reads them. */
export const EnvVar = {
  eventsTable: 'EVENTS_TABLE_NAME',
  readModelTable: 'READ_MODEL_TABLE_NAME',
  /** Optional: default the events table's name + `-snapshots`. */
  snapshotTable: 'SNAPSHOT_TABLE_NAME',
  dynamodbEndpoint: 'DYNAMODB_ENDPOINT',
  /** Optional: the position mode every client of the store names (default: the table's). */
  positionMode: 'POSITION_MODE',
} as const;
