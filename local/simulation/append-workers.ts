import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { JsonValue } from '../../src/types.js';
import type {
  AppendOutcome,
  ExpectedVersionMode,
  FromWorker,
  StreamChoice,
  ToWorker,
  WorkerPlan,
} from './append-protocol.js';

export type {
  AppendOutcome,
  ExpectedVersionMode,
  MemberOutcome,
  StreamChoice,
} from './append-protocol.js';

export interface AppendWorkersOptions {
  /** Where every process's DynamoDBClient points: usually a service simulation's endpoint. */
  endpoint: string;
  /**
   * The access key id every process signs with: DynamoDB Local keeps one
   * database per key. Default the one `localClient` uses.
   */
  accessKeyId?: string;
  /** An events table that exists (createTables). */
  tableName: string;
  /** OS processes, each with its own EventStore and client (a Lambda container each). Default 1. */
  processes?: number;
  /** Concurrent writers per process, sharing its EventStore. Default 1. */
  writersPerProcess?: number;
  /** Appends per writer; or give `durationMs` instead. */
  appendsPerWriter?: number;
  /** Each writer keeps appending for this long. */
  durationMs?: number;
  /** Default 1. */
  eventsPerAppend?: number;
  /** Default 'distinct' (a new stream per append). */
  streams?: StreamChoice;
  /** Default 'any'. */
  expectedVersion?: ExpectedVersionMode;
  /** Passed to `new EventStore({ ...storeOptions, tableName, client })` in each process (JSON). */
  storeOptions?: { [key: string]: JsonValue };
  /** Prefix of event and stream ids; make it unique per run. Default 'sim'. */
  eventIdPrefix?: string;
  /** Each append goes to this many streams of the `streams` pool at once (`appendToStreams`). */
  multiStream?: number;
  /** A failed multi-stream append is sent again with the same event ids until acknowledged. */
  retryUntilStored?: boolean;
  /** Each process's DynamoDBClient `maxAttempts` (1: every lost reply reaches the store). */
  sdkMaxAttempts?: number;
  /** The run fails (and its processes are killed) after this long. Default 120 s. */
  timeoutMs?: number;
}

export interface AppendWorkersResult {
  /** Every append, in the order each process reported them. */
  appends: AppendOutcome[];
  /** From "go" to the last process's report (with `durationMs`, appends still running then finish first). */
  wallMs: number;
  /** Appends attempted (ok or not) per second of wall time. */
  appendsPerSecond: number;
  okPerSecond: number;
  failed: number;
  /** Failed appends by error code. */
  errors: Record<string, number>;
}

const workerPath = fileURLToPath(new URL('./append-worker.ts', import.meta.url));
const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

/**
 * Appends from several OS processes at once, as Lambda containers would:
 * each process runs `writersPerProcess` concurrent writers through its own
 * EventStore. Processes start up first and wait; timing starts when all are
 * ready and told to go, so it measures the load only.
 */
export async function runAppendWorkers(
  options: AppendWorkersOptions,
): Promise<AppendWorkersResult> {
  const processes = options.processes ?? 1;
  if (options.appendsPerWriter === undefined && options.durationMs === undefined) {
    throw new Error('runAppendWorkers needs appendsPerWriter or durationMs');
  }
  const children = Array.from({ length: processes }, () =>
    spawn(process.execPath, ['--import', 'tsx', workerPath], {
      cwd: repoRoot,
      env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    }),
  );
  const timer = setTimeout(() => {
    for (const child of children) child.kill('SIGKILL');
  }, options.timeoutMs ?? 120_000);
  try {
    const workers = children.map((child, processIndex) => {
      const worker = watch(child);
      const plan: WorkerPlan = {
        endpoint: options.endpoint,
        accessKeyId: options.accessKeyId,
        tableName: options.tableName,
        processIndex,
        writers: options.writersPerProcess ?? 1,
        appendsPerWriter: options.appendsPerWriter,
        durationMs: options.durationMs,
        eventsPerAppend: options.eventsPerAppend ?? 1,
        streams: options.streams ?? 'distinct',
        expectedVersion: options.expectedVersion ?? 'any',
        storeOptions: options.storeOptions ?? {},
        eventIdPrefix: options.eventIdPrefix ?? 'sim',
        multiStream: options.multiStream,
        retryUntilStored: options.retryUntilStored,
        sdkMaxAttempts: options.sdkMaxAttempts,
      };
      child.send({ kind: 'plan', plan } satisfies ToWorker);
      return worker;
    });
    await Promise.all(workers.map((w) => w.ready));
    const started = performance.now();
    for (const child of children) child.send({ kind: 'go' } satisfies ToWorker);
    const reports = await Promise.all(workers.map((w) => w.done));
    const wallMs = performance.now() - started;
    return summarize(reports.flat(), wallMs);
  } finally {
    clearTimeout(timer);
    for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  }
}

function watch(child: ChildProcess): { ready: Promise<void>; done: Promise<AppendOutcome[]> } {
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  let onReady!: () => void;
  const ready = new Promise<void>((resolve) => {
    onReady = resolve;
  });
  const done = new Promise<AppendOutcome[]>((resolve, reject) => {
    const fail = (why: string) => reject(new Error(`append worker (pid ${child.pid}) ${why}`));
    child.on('message', (message: FromWorker) => {
      if (message.kind === 'ready') onReady();
      else if (message.kind === 'done') resolve(message.appends);
      else fail(`failed: ${message.error}`);
    });
    child.on('error', (error) => fail(String(error)));
    child.on('close', (code, signal) => fail(`exited (${signal ?? code}): ${stderr}`));
  });
  // A worker that dies before it is ready must not leave the run waiting forever.
  return { ready: Promise.race([ready, done.then(() => {})]), done };
}

function summarize(appends: AppendOutcome[], wallMs: number): AppendWorkersResult {
  const errors: Record<string, number> = {};
  let failed = 0;
  for (const append of appends) {
    if (append.ok) continue;
    failed++;
    const code = append.errorCode ?? 'Unknown';
    errors[code] = (errors[code] ?? 0) + 1;
  }
  const seconds = wallMs / 1000;
  return {
    appends,
    wallMs,
    appendsPerSecond: appends.length / seconds,
    okPerSecond: (appends.length - failed) / seconds,
    failed,
    errors,
  };
}
