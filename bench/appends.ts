import { randomUUID } from 'node:crypto';
import { localClient } from '../local/dynamodb-local.js';
import type { ExpectedVersionMode } from '../local/simulation/append-protocol.js';
import { runAppendWorkers } from '../local/simulation/append-workers.js';
import type { PositionMode } from '../src/types.js';
import { appendTable, type BenchContext, formatNumber, freshTable, percentile } from './harness.js';
import { processCpuMs } from './machine.js';

export interface AppendShape {
  mode: PositionMode;
  processes: number;
  writers: number;
  groupCommit?: boolean;
  /** `'exact'` on distinct streams: expectedVersion 0 on a fresh stream, like 'no_stream' (no read first). Default 'any'. */
  expectedVersion?: ExpectedVersionMode;
}

/** What one timed run of the store gave, under the simulation. */
export interface AppendRun {
  label: string;
  /** Committed appends per second of wall time (1-event appends: events/s as well). */
  perSecond: number;
  appends: number;
  failed: number;
  errors: Record<string, number>;
  p50: number;
  p99: number;
  /** Requests the simulation saw, by operation. */
  requests: Record<string, number>;
  cancelledByConflict: number;
  /** Share of the run (0..1) during which DynamoDB Local had a request: near 1, it is the limit, not the store. */
  backendBusy: number;
  /** CPU time DynamoDB Local spent per committed append (undefined without /proc). */
  backendCpuMsPerAppend: number | undefined;
  /** DynamoDB Local's CPU time over the run's wall time: about 1 (of 2 cores here) is all it can use. */
  backendCores: number | undefined;
}

export const shapeLabel = (s: AppendShape): string =>
  `${s.processes}x${s.writers} ${s.mode}${s.groupCommit === false ? ' gc-off' : ''}${s.expectedVersion === 'exact' ? ' exact' : ''}`;

/**
 * The store appending 1-event appends to distinct streams for
 * `ctx.durationMs`, from `processes` OS processes (runAppendWorkers) through
 * the simulation, on a fresh table. Memoized per shape: rows that share a
 * baseline divide by the same measurement.
 */
export function storeAppends(ctx: BenchContext, shape: AppendShape): Promise<AppendRun> {
  const label = shapeLabel(shape);
  return ctx.memo(`appends ${label}`, () => ctx.fresh((own) => measureAppends(own, shape, label)));
}

async function measureAppends(
  ctx: BenchContext,
  shape: AppendShape,
  label: string,
): Promise<AppendRun> {
  const tableName = await appendTable(ctx.local.client, 'bench-append', shape.mode);
  ctx.sim.reset();
  const cpuBefore = processCpuMs(ctx.local.pid);
  const run = await runAppendWorkers({
    endpoint: ctx.sim.endpoint,
    tableName,
    processes: shape.processes,
    writersPerProcess: shape.writers,
    durationMs: ctx.durationMs,
    expectedVersion: shape.expectedVersion ?? 'any',
    storeOptions: { groupCommit: shape.groupCommit ?? true },
    eventIdPrefix: randomUUID().slice(0, 8),
  });
  const cpuAfter = processCpuMs(ctx.local.pid);
  const stats = ctx.sim.stats();
  const latencies = run.appends.map((a) => a.latencyMs).sort((a, b) => a - b);
  const result: AppendRun = {
    label,
    perSecond: run.okPerSecond,
    appends: run.appends.length,
    failed: run.failed,
    errors: run.errors,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    requests: stats.requests,
    cancelledByConflict: stats.transactionsCancelledByConflict,
    backendBusy: stats.backendBusyMs / run.wallMs,
    backendCpuMsPerAppend: perOk(cpuBefore, cpuAfter, run.appends.length - run.failed),
    backendCores: perOk(cpuBefore, cpuAfter, run.wallMs),
  };
  ctx.log(describeRun(result));
  return result;
}

export function describeRun(run: AppendRun): string {
  const requests = Object.entries(run.requests)
    .map(([op, n]) => `${op} ${n}`)
    .join(', ');
  const errors = run.failed > 0 ? ` errors ${JSON.stringify(run.errors)}` : '';
  return `${run.label}: ${formatNumber(run.perSecond)}/s, ${run.appends} appends, ${run.failed} failed${errors}, p50 ${formatNumber(run.p50)} ms, p99 ${formatNumber(run.p99)} ms; requests: ${requests}; cancelled by conflict ${run.cancelledByConflict}; DynamoDB Local busy ${Math.round(100 * run.backendBusy)}%${cpuNote(run.backendCpuMsPerAppend, 'append')}${coresNote(run.backendCores)}`;
}

/** CPU ms per operation between two readings; undefined without both or without operations. */
export function perOk(
  before: number | undefined,
  after: number | undefined,
  operations: number,
): number | undefined {
  if (before === undefined || after === undefined || operations === 0) return undefined;
  return (after - before) / operations;
}

export function coresNote(cores: number | undefined): string {
  return cores === undefined ? '' : ` (${formatNumber(cores)} cores)`;
}

export function cpuNote(ms: number | undefined, per: string): string {
  return ms === undefined ? '' : `, its CPU ${formatNumber(ms)} ms per ${per}`;
}

/**
 * The warm-up writes in a database of its own (DynamoDB Local keeps one per
 * access key id): every write to a stream-enabled table costs DynamoDB Local
 * time that grows with the stream records its database already holds
 * (README, "Performance"), so a warm-up in the measured database would slow
 * the measurement it warms up for.
 */
const WARM_UP_DATABASE = 'benchWarmUp';

/**
 * DynamoDB Local compiles its hot paths on first use, and a fresh JVM's
 * compiler takes most of a core for its first 10-20 s: warm-up bursts run
 * until its CPU per append stops falling (within 15% of the burst before),
 * at least 2 s and at most 12 s, so figures measure the store, not the JIT.
 * Not reported.
 */
export async function warmUp(ctx: BenchContext): Promise<void> {
  await ctx.memo('warm-up', async () => {
    const client = localClient(ctx.local.endpoint, WARM_UP_DATABASE);
    const tableName = await freshTable(client, 'bench-warmup');
    client.destroy();
    const burst = () => {
      const before = processCpuMs(ctx.local.pid);
      return runAppendWorkers({
        endpoint: ctx.sim.endpoint,
        accessKeyId: WARM_UP_DATABASE,
        tableName,
        processes: 1,
        writersPerProcess: 4,
        durationMs: ctx.smoke ? 500 : 1000,
        eventIdPrefix: randomUUID().slice(0, 8),
      }).then((run) => perOk(before, processCpuMs(ctx.local.pid), run.appends.length));
    };
    if (ctx.smoke) return void (await burst());
    let previous = await burst();
    for (let elapsedMs = 1000; elapsedMs < 12_000; elapsedMs += 1000) {
      const current = await burst();
      const settled = current === undefined || previous === undefined || current > 0.85 * previous;
      if (settled && elapsedMs >= 2000) return;
      previous = current;
    }
  });
}
