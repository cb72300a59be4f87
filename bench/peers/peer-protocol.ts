/**
 * What a peer worker process runs: a load that is not our EventStore, timed
 * the same way as `runAppendWorkers` (its own process and client, started
 * together on "go", every writer looping until `durationMs` has passed).
 */
export type PeerLoad =
  /** Castore's DynamoDB single-table adapter: `pushEvent` of version 1 to a new aggregate (one conditional PutItem). */
  | { kind: 'castore' }
  /**
   * The very TransactWriteItems our store sends for a 1-event append to a new
   * stream, built by the store's own pure builders and sent bare: strict, the
   * counter + head + event; reserved, slot + head + event (`reserve` adds the
   * reservation UpdateItem before it, as the store does).
   */
  | { kind: 'raw-transaction'; mode: 'strict' | 'reserved'; reserve: boolean };

export interface PeerPlan {
  endpoint: string;
  /** The DynamoDB Local database (its access key id); default the one `localClient` uses. */
  accessKeyId?: string;
  tableName: string;
  writers: number;
  durationMs: number;
  /** Stream / aggregate ids and event ids start with it. */
  prefix: string;
  load: PeerLoad;
}

export interface PeerReport {
  ops: number;
  failed: number;
  errors: Record<string, number>;
  latencies: number[];
  wallMs: number;
}

export type ToPeer = { kind: 'plan'; plan: PeerPlan } | { kind: 'go' };
export type FromPeer =
  | { kind: 'ready' }
  | { kind: 'done'; report: PeerReport }
  | { kind: 'failed'; error: string };
