import { cpuNote, perOk, storeAppends } from '../appends.js';
import { type Figure, formatNumber, ratio, type Scenario, uniqueName } from '../harness.js';
import { processCpuMs } from '../machine.js';
import { createCastoreTable, runPeer } from '../peers/run-peer.js';

const WRITERS = 64;

/**
 * A store without global order: Castore's DynamoDB single-table adapter (one
 * conditional PutItem per event, version 1 of a new aggregate), 64 writers in
 * one process, through the same simulation. Ours: 64 writers in one process,
 * 1-event appends to new streams with expectedVersion 0 (the same condition:
 * "this stream has no event yet"), reserved mode, group commit on.
 */
export const peer64: Scenario = {
  name: 'peer-64',
  uses: 'simulation',
  title: `${WRITERS} writers in one process vs Castore's DynamoDB adapter (no global order), simulated service`,
  async run(ctx) {
    // In a database of its own, as every append figure is (see BenchContext.fresh).
    const castore = await ctx.fresh(async (own) => {
      const tableName = uniqueName('bench-castore');
      await createCastoreTable(own.local.client, tableName);
      own.sim.reset();
      const cpuBefore = processCpuMs(own.local.pid);
      const run = await runPeer({
        endpoint: own.sim.endpoint,
        accessKeyId: own.local.accessKeyId,
        tableName,
        writers: WRITERS,
        durationMs: own.durationMs,
        prefix: uniqueName('castore'),
        load: { kind: 'castore' },
      });
      const cpuMsPerEvent = perOk(cpuBefore, processCpuMs(own.local.pid), run.ops - run.failed);
      own.log(
        `castore 1x${WRITERS}: ${formatNumber(run.perSecond)}/s, ${run.ops} events, ${run.failed} failed, p50 ${formatNumber(run.p50)} ms; requests ${JSON.stringify(own.sim.stats().requests)}${cpuNote(cpuMsPerEvent, 'event')}`,
      );
      return { ...run, cpuMsPerEvent };
    });
    const ours = await storeAppends(ctx, {
      mode: 'reserved',
      processes: 1,
      writers: WRITERS,
      expectedVersion: 'exact',
    });
    const oursAny = await storeAppends(ctx, { mode: 'reserved', processes: 1, writers: WRITERS });
    const sequenced = await storeAppends(ctx, {
      mode: 'sequenced',
      processes: 1,
      writers: WRITERS,
      expectedVersion: 'exact',
    });
    return [
      { name: 'Castore events/s', value: castore.perSecond, unit: '/s' },
      { name: 'our appends/s (expectedVersion 0)', value: ours.perSecond, unit: '/s' },
      ratio(
        'ours / Castore',
        ours.perSecond,
        castore.perSecond,
        { op: '>=', value: 1.5 },
        `${formatNumber(ours.perSecond)}/s over ${formatNumber(castore.perSecond)}/s`,
      ),
      ratio(
        'sequenced / Castore',
        sequenced.perSecond,
        castore.perSecond,
        { op: '>=', value: 0.8 },
        `${formatNumber(sequenced.perSecond)}/s over ${formatNumber(castore.perSecond)}/s`,
      ),
      { name: "our appends/s, expectedVersion 'any'", value: oursAny.perSecond, unit: '/s' },
      {
        name: "ours ('any') / Castore",
        value: oursAny.perSecond / castore.perSecond,
        unit: 'x',
      },
      ...cpuCeiling(ours.backendCpuMsPerAppend, castore.cpuMsPerEvent),
      {
        name: 'failed: ours / Castore',
        value: ours.failed,
        unit: `/ ${castore.failed}`,
        target: { op: '<=', value: 0 },
      },
    ];
  },
};

/**
 * What DynamoDB Local's CPU spends per append against per Castore event.
 * Where its CPU is the limit (about one core here, whatever the store does),
 * that bounds ours / Castore: a transaction's items cost it more than single
 * PutItems, and an append writes its head as well as its event.
 */
function cpuCeiling(ours: number | undefined, castore: number | undefined): Figure[] {
  if (ours === undefined || castore === undefined) return [];
  return [
    {
      name: 'DynamoDB Local CPU: ours per append / Castore per event',
      value: ours / castore,
      unit: 'x',
      detail: `${formatNumber(ours)} ms over ${formatNumber(castore)} ms`,
    },
    {
      name: 'ours / Castore at equal DynamoDB Local CPU',
      value: castore / ours,
      unit: 'x',
    },
  ];
}
