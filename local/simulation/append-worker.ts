import { EventStoreError, WrongExpectedVersionError } from '../../src/errors.js';
import { EventStore } from '../../src/event-store.js';
import type { EventStoreOptions } from '../../src/types.js';
import { localClient } from '../dynamodb-local.js';
import {
  type AppendOutcome,
  type FromWorker,
  streamFor,
  type ToWorker,
  type WorkerPlan,
} from './append-protocol.js';
import { appendToStreamsOnce } from './append-streams-once.js';

/**
 * One process of `runAppendWorkers` (a Lambda container, say): gets its plan,
 * says ready, and on "go" runs its writers concurrently through one
 * EventStore and one client, then reports every append.
 */
function tell(message: FromWorker, last = false): void {
  process.send?.(message, undefined, {}, () => {
    if (last) process.disconnect();
  });
}

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

let go: (() => void) | undefined;
const started = new Promise<void>((resolve) => {
  go = resolve;
});

process.on('message', (message: ToWorker) => {
  if (message.kind === 'go') go?.();
  else
    run(message.plan).then(
      (appends) => tell({ kind: 'done', appends }, true),
      (error: unknown) =>
        tell({ kind: 'failed', error: String((error as Error)?.stack ?? error) }, true),
    );
});

async function run(plan: WorkerPlan): Promise<AppendOutcome[]> {
  const client = localClient(
    plan.endpoint,
    plan.accessKeyId,
    plan.sdkMaxAttempts === undefined ? {} : { maxAttempts: plan.sdkMaxAttempts },
  );
  const store = new EventStore({
    ...(plan.storeOptions as Partial<EventStoreOptions>),
    tableName: plan.tableName,
    client,
  });
  tell({ kind: 'ready' });
  await started;
  const t0 = performance.now();
  const deadline = plan.durationMs === undefined ? Infinity : t0 + plan.durationMs;
  const appends: AppendOutcome[] = [];
  const writer = async (writerIndex: number) => {
    const known = new Map<string, number>();
    for (let i = 0; ; i++) {
      if (plan.appendsPerWriter !== undefined && i >= plan.appendsPerWriter) break;
      if (performance.now() >= deadline) break;
      const once = plan.multiStream === undefined ? appendOnce : appendToStreamsOnce;
      appends.push(await once(store, plan, writerIndex, i, known, t0));
    }
  };
  try {
    await Promise.all(Array.from({ length: plan.writers }, (_, w) => writer(w)));
  } finally {
    client.destroy();
  }
  return appends;
}

async function appendOnce(
  store: EventStore,
  plan: WorkerPlan,
  writerIndex: number,
  appendIndex: number,
  known: Map<string, number>,
  t0: number,
): Promise<AppendOutcome> {
  const streamId = streamFor(plan, writerIndex, appendIndex);
  const id = `${plan.eventIdPrefix}-${plan.processIndex}-${writerIndex}-${appendIndex}`;
  const eventIds = Array.from({ length: plan.eventsPerAppend }, (_, e) => `${id}-${e}`);
  const events = eventIds.map((eventId, e) => ({
    type: 'Simulated',
    eventId,
    data: { process: plan.processIndex, writer: writerIndex, append: appendIndex, event: e },
  }));
  const expectedVersion = plan.expectedVersion === 'any' ? 'any' : (known.get(streamId) ?? 0);
  const base = { processIndex: plan.processIndex, writerIndex, streamId, eventIds };
  const startedAt = performance.now();
  try {
    const result = await store.appendToStream(streamId, events, { expectedVersion });
    known.set(streamId, result.nextExpectedVersion);
    return {
      ...base,
      ok: true,
      nextExpectedVersion: result.nextExpectedVersion,
      firstPosition: result.firstPosition ?? undefined,
      lastPosition: result.lastPosition ?? undefined,
      latencyMs: performance.now() - startedAt,
      startedAtMs: startedAt - t0,
    };
  } catch (error) {
    if (error instanceof WrongExpectedVersionError) known.set(streamId, error.actualVersion);
    const e = error as Error;
    return {
      ...base,
      ok: false,
      errorCode: error instanceof EventStoreError ? error.code : e?.name,
      errorMessage: e?.message,
      latencyMs: performance.now() - startedAt,
      startedAtMs: startedAt - t0,
    };
  }
}
