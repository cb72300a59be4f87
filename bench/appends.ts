import { randomUUID } from 'node:crypto';
import { localClient } from '../local/dynamodb-local.js';
import type { ExpectedVersionMode } from '../local/simulation/append-protocol.js';
import { runAppendWorkers } from '../local/simulation/append-workers.js';
import type { PositionMode } from '../src/types.js';
import { appendTable, type BenchContext, formatNumber, percentile } from './harness.js';
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
    accessKeyId: ctx.local.accessKeyId,
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
 * access key id), on tables without a stream (see appendTable), so that
 * nothing it leaves behind slows the databases measured after it.
 */
const WARM_UP_DATABASE = 'benchWarmUp';

/** The loads the warm-up alternates: small transactions with head reads, and group commits of up to 49 appends. */
const WARM_UP_LOADS = [
  { writers: 4, expectedVersion: 'any' },
  { writers: 64, expectedVersion: 'exact' },
] as const;

/**
 * DynamoDB Local compiles its hot paths on first use, and its CPU per append
 * under load stays 4-5x above the settled figure for its first 10-20 s (its
 * JIT compiler at work). The warm-up runs 2 s bursts of each load in turn
 * until each load's CPU per append is within 10% of its burst before, at
 * least 12 s and at most 40 s, once per DynamoDB Local, so figures measure
 * the store, not the JIT. Not reported.
 */
export async function warmUp(ctx: BenchContext): Promise<void> {
  await ctx.memo('warm-up', async () => {
    const client = localClient(ctx.local.endpoint, WARM_UP_DATABASE);
    const burst = async (load: (typeof WARM_UP_LOADS)[number]) => {
      const tableName = await appendTable(client, 'bench-warmup');
      const before = processCpuMs(ctx.local.pid);
      const run = await runAppendWorkers({
        endpoint: ctx.sim.endpoint,
        accessKeyId: WARM_UP_DATABASE,
        tableName,
        processes: 1,
        writersPerProcess: load.writers,
        expectedVersion: load.expectedVersion,
        durationMs: ctx.smoke ? 500 : 2000,
        eventIdPrefix: randomUUID().slice(0, 8),
      });
      return perOk(before, processCpuMs(ctx.local.pid), run.appends.length);
    };
    try {
      if (ctx.smoke) {
        for (const load of WARM_UP_LOADS) await burst(load);
        return;
      }
      const previous = new Map<number, number | undefined>();
      const settled = new Set<number>();
      for (let elapsedMs = 0, i = 0; elapsedMs < 40_000; elapsedMs += 2000, i++) {
        const index = i % WARM_UP_LOADS.length;
        const current = await burst(WARM_UP_LOADS[index] as (typeof WARM_UP_LOADS)[number]);
        const before = previous.get(index);
        const steady = current === undefined || (before !== undefined && current > 0.9 * before);
        if (steady) settled.add(index);
        else settled.delete(index);
        previous.set(index, current);
        if (settled.size === WARM_UP_LOADS.length && elapsedMs >= 12_000) return;
      }
    } finally {
      client.destroy();
    }
  });
}
