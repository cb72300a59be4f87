import { freshStore, percentile, runLanes, type Scenario } from '../harness.js';

const APPENDS = 400;

/**
 * Appends of one event to distinct streams, 1 writer vs 8 writers in one
 * process. Every commit passes through the global counter, so this shows what
 * contention on it costs (DESIGN.md: the counter's limit).
 */
export const appendScaling: Scenario = {
  name: 'append scaling (1 vs 8 writers, distinct streams)',
  async run(ctx) {
    const rate = async (writers: number) => {
      const store = await freshStore(ctx, `bench-append-${writers}`);
      const latencies: number[] = [];
      const ms = await runLanes(APPENDS, writers, async (job) => {
        const started = performance.now();
        await store.appendToStream(`bench-${job}`, [{ type: 'Benchmarked', data: { job } }]);
        latencies.push(performance.now() - started);
      });
      latencies.sort((a, b) => a - b);
      return {
        perSecond: (APPENDS / ms) * 1000,
        p50: percentile(latencies, 50),
        p99: percentile(latencies, 99),
      };
    };
    const one = await rate(1);
    const eight = await rate(8);
    return [
      { name: 'appends/s, 1 writer', value: one.perSecond, unit: '/s' },
      { name: 'append p50 latency, 1 writer', value: one.p50, unit: 'ms' },
      { name: 'appends/s, 8 writers', value: eight.perSecond, unit: '/s' },
      { name: 'append p99 latency, 8 writers', value: eight.p99, unit: 'ms' },
      // Informative: below 1 means contention on the counter costs more than concurrency gains.
      {
        name: 'throughput ratio 8 writers / 1 writer',
        value: eight.perSecond / one.perSecond,
        unit: 'x',
      },
    ];
  },
};
