import { storeAppends } from '../appends.js';
import type { BenchContext } from '../harness.js';
import {
  appendTable,
  type Figure,
  formatNumber,
  ratio,
  type Scenario,
  uniqueName,
} from '../harness.js';
import type { PeerLoad } from '../peers/peer-protocol.js';
import { type PeerRun, runPeer } from '../peers/run-peer.js';

/**
 * One writer, 1-event appends to new streams (expectedVersion 0, as
 * 'no_stream': nothing is read first), against the very transaction the
 * store sends for it (built by its own builders, sent bare from one writer):
 * strict, counter + head + event; reserved, slot + head + event. The
 * reserved store also reserves its positions with an UpdateItem before the
 * transaction; the bare "reservation + transaction" is reported beside it.
 */
export const rawTransaction: Scenario = {
  name: 'raw-transaction',
  uses: 'simulation',
  title:
    '1 writer, 1-event appends vs raw TransactWriteItems of the same items (simulated service), both modes',
  async run(ctx) {
    const figures: Figure[] = [];
    for (const mode of ['strict', 'reserved'] as const) {
      const store = await storeAppends(ctx, {
        mode,
        processes: 1,
        writers: 1,
        expectedVersion: 'exact',
      });
      const raw = await raw1(ctx, { kind: 'raw-transaction', mode, reserve: false });
      figures.push(
        { name: `${mode}: store appends/s`, value: store.perSecond, unit: '/s' },
        { name: `${mode}: raw transactions/s`, value: raw.perSecond, unit: '/s' },
        ratio(
          `${mode}: store / raw transaction`,
          store.perSecond,
          raw.perSecond,
          { op: '>=', value: 0.5 },
          `${formatNumber(store.perSecond)}/s over ${formatNumber(raw.perSecond)}/s`,
        ),
      );
      if (mode === 'reserved') {
        const both = await raw1(ctx, { kind: 'raw-transaction', mode, reserve: true });
        figures.push(
          { name: 'reserved: raw reservation + transaction/s', value: both.perSecond, unit: '/s' },
          {
            name: 'reserved: store / raw reservation + transaction',
            value: store.perSecond / both.perSecond,
            unit: 'x',
          },
        );
      }
    }
    return figures;
  },
};

function raw1(
  shared: BenchContext,
  load: PeerLoad & { kind: 'raw-transaction' },
): Promise<PeerRun> {
  // In a database of its own, as every append figure is (see BenchContext.fresh).
  return shared.fresh((ctx) => rawOn(ctx, load));
}

async function rawOn(
  ctx: BenchContext,
  load: PeerLoad & { kind: 'raw-transaction' },
): Promise<PeerRun> {
  const tableName = await appendTable(ctx.local.client, 'bench-raw', load.mode);
  ctx.sim.reset();
  const run = await runPeer({
    endpoint: ctx.sim.endpoint,
    accessKeyId: ctx.local.accessKeyId,
    tableName,
    writers: 1,
    durationMs: ctx.durationMs,
    prefix: uniqueName('raw'),
    load,
  });
  ctx.log(
    `raw ${load.mode}${load.reserve ? ' reserve+tx' : ' tx'} 1x1: ${formatNumber(run.perSecond)}/s, ${run.ops} ok, ${run.failed} failed ${JSON.stringify(run.errors)}, p50 ${formatNumber(run.p50)} ms; requests ${JSON.stringify(ctx.sim.stats().requests)}`,
  );
  if (run.failed > 0) throw new Error(`raw transactions failed: ${JSON.stringify(run.errors)}`);
  return run;
}
