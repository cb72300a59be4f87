import { type AppendRun, storeAppends } from '../appends.js';
import { type Figure, formatNumber, ratio, type Scenario } from '../harness.js';

/** The baseline of the rows below: one process, one writer, reserved mode (the default). */
const oneWriter = { mode: 'reserved', processes: 1, writers: 1 } as const;

function failures(failed: number, appends: number): Figure {
  return {
    name: 'failed appends',
    value: failed,
    unit: `of ${appends}`,
    target: { op: '<=', value: 0 },
  };
}

/** Where the run's ceiling is: DynamoDB Local runs writes about one at a time, the real service does not. */
function busy(label: string, run: AppendRun): Figure[] {
  const figures: Figure[] = [
    {
      name: `DynamoDB Local busy, ${label}`,
      value: Math.round(100 * run.backendBusy),
      unit: '% of the run',
    },
  ];
  if (run.backendCpuMsPerAppend !== undefined && run.backendCores !== undefined) {
    figures.push({
      name: `DynamoDB Local CPU per append, ${label}`,
      value: run.backendCpuMsPerAppend,
      unit: 'ms',
      detail: `${formatNumber(run.backendCores)} cores over the run`,
    });
  }
  return figures;
}

function scaling(processes: number, writers: number, target: number): Scenario {
  return {
    name: `processes-${processes}x${writers}`,
    uses: 'simulation',
    title: `${processes} processes x ${writers} writer(s), distinct streams, vs 1 process x 1 writer (reserved, simulated service)`,
    async run(ctx) {
      const one = await storeAppends(ctx, oneWriter);
      const many = await storeAppends(ctx, { mode: 'reserved', processes, writers });
      return [
        { name: 'appends/s, 1 x 1', value: one.perSecond, unit: '/s' },
        { name: `appends/s, ${processes} x ${writers}`, value: many.perSecond, unit: '/s' },
        ratio(
          `throughput ${processes} x ${writers} / 1 x 1`,
          many.perSecond,
          one.perSecond,
          { op: '>=', value: target },
          `${formatNumber(many.perSecond)}/s over ${formatNumber(one.perSecond)}/s`,
        ),
        failures(many.failed, many.appends),
        ...busy('1 x 1', one),
        ...busy(`${processes} x ${writers}`, many),
      ];
    },
  };
}

export const processes8x1 = scaling(8, 1, 4);
export const processes4x16 = scaling(4, 16, 8);

/** Tail latency under 8 processes against the median of a lone writer. */
export const latency8x1: Scenario = {
  name: 'p99-8x1',
  uses: 'simulation',
  title:
    'append p99 latency, 8 processes x 1 writer, vs p50 of 1 writer (reserved, simulated service)',
  async run(ctx) {
    const one = await storeAppends(ctx, oneWriter);
    const many = await storeAppends(ctx, { mode: 'reserved', processes: 8, writers: 1 });
    return [
      { name: 'p50, 1 x 1', value: one.p50, unit: 'ms' },
      { name: 'p99, 8 x 1', value: many.p99, unit: 'ms' },
      ratio(
        'p99 8 x 1 / p50 1 x 1',
        many.p99,
        one.p50,
        { op: '<=', value: 5 },
        `${formatNumber(many.p99)} ms over ${formatNumber(one.p50)} ms`,
      ),
    ];
  },
};
