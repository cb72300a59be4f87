import type { JsonValue } from '../../src/types.js';

/** Which stream each append goes to. */
export type StreamChoice =
  /** A new stream per append: only the global counter is shared. */
  | 'distinct'
  /** One stream for every writer of every process. */
  | 'shared'
  /** This many streams, writers taking them in turn. */
  | number;

/** `'any'`: no condition. `'exact'`: the version the writer last saw for the stream (0 at first; a WrongExpectedVersion tells it the actual one). */
export type ExpectedVersionMode = 'any' | 'exact';

/** What one worker process runs, sent by the parent. */
export interface WorkerPlan {
  endpoint: string;
  /** The DynamoDB Local database (its access key id); default the one `localClient` uses. */
  accessKeyId?: string;
  tableName: string;
  processIndex: number;
  writers: number;
  /** Appends per writer; or keep appending for `durationMs`. */
  appendsPerWriter?: number;
  durationMs?: number;
  eventsPerAppend: number;
  streams: StreamChoice;
  expectedVersion: ExpectedVersionMode;
  storeOptions: { [key: string]: JsonValue };
  /** Event ids are `${eventIdPrefix}-${process}-${writer}-${append}-${event}`; stream ids start with it too. */
  eventIdPrefix: string;
  /**
   * Each append goes to this many streams at once (`appendToStreams`, one
   * transaction), taken in turn from the `streams` pool (a number, at least
   * this many); member m gets 1 + (append + m) % eventsPerAppend events.
   */
  multiStream?: number;
  /** A failed multi-stream append is sent again with the same event ids (at the versions the writer knows) until it is acknowledged. */
  retryUntilStored?: boolean;
  /** The worker's DynamoDBClient `maxAttempts` (the SDK's own resends); default the SDK's. */
  sdkMaxAttempts?: number;
}

/** One stream's part of a multi-stream append. */
export interface MemberOutcome {
  streamId: string;
  eventIds: string[];
  nextExpectedVersion?: number;
  firstPosition?: number;
  lastPosition?: number;
}

/** One append as its writer saw it. */
export interface AppendOutcome {
  processIndex: number;
  writerIndex: number;
  streamId: string;
  eventIds: string[];
  ok: boolean;
  nextExpectedVersion?: number;
  firstPosition?: number;
  lastPosition?: number;
  /** The store error's `code`, else the error's name. */
  errorCode?: string;
  errorMessage?: string;
  latencyMs: number;
  /** When it started, in ms after "go". */
  startedAtMs: number;
  /** A multi-stream append's members (`streamId` is the first one's, `eventIds` all of theirs). */
  members?: MemberOutcome[];
  /** Tries it took (with `retryUntilStored`). */
  tries?: number;
  /** The error codes of the tries before the last one. */
  failedTries?: string[];
}

export type ToWorker = { kind: 'plan'; plan: WorkerPlan } | { kind: 'go' };
export type FromWorker =
  | { kind: 'ready' }
  | { kind: 'done'; appends: AppendOutcome[] }
  | { kind: 'failed'; error: string };

export function streamFor(
  plan: Pick<WorkerPlan, 'streams' | 'eventIdPrefix' | 'processIndex' | 'writers'>,
  writerIndex: number,
  appendIndex: number,
): string {
  const { streams, eventIdPrefix: prefix, processIndex: p } = plan;
  if (streams === 'distinct') return `${prefix}-${p}-${writerIndex}-${appendIndex}`;
  if (streams === 'shared') return `${prefix}-shared`;
  const writer = p * plan.writers + writerIndex;
  return `${prefix}-${(writer + appendIndex) % streams}`;
}

/** The streams of a multi-stream append: `count` in a row of the pool, from where `streamFor` would start. */
export function streamsFor(
  plan: Pick<WorkerPlan, 'streams' | 'eventIdPrefix' | 'processIndex' | 'writers'>,
  writerIndex: number,
  appendIndex: number,
  count: number,
): string[] {
  const pool = plan.streams;
  if (typeof pool !== 'number' || pool < count) {
    throw new Error(`multiStream ${count} needs a pool of at least ${count} streams (got ${pool})`);
  }
  const start = plan.processIndex * plan.writers + writerIndex + appendIndex;
  return Array.from({ length: count }, (_, m) => `${plan.eventIdPrefix}-${(start + m) % pool}`);
}
