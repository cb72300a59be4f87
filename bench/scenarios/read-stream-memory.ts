import { freshStore, type Scenario } from '../harness.js';

const BATCH = 98;
const PAYLOAD = 'x'.repeat(1000);

/**
 * Reads a long stream end to end and samples the retained heap while
 * iterating (npm run bench exposes gc): a lazy reader keeps it near one query
 * page, whatever the stream's length.
 */
export const readStreamMemory: Scenario = {
  name: 'read-memory',
  uses: 'local',
  title: 'readStream of a 20,000-event stream of 1 KB events: retained heap (plain DynamoDB Local)',
  async run(ctx) {
    const EVENTS = ctx.smoke ? 3000 : 20_000;
    const store = await freshStore(ctx, 'bench-read');
    const streamId = 'long-1';
    for (let version = 0; version < EVENTS; version += BATCH) {
      const count = Math.min(BATCH, EVENTS - version);
      await store.appendToStream(
        streamId,
        Array.from({ length: count }, (_, i) => ({
          type: 'Filled',
          data: { n: version + i, payload: PAYLOAD },
        })),
        { expectedVersion: version },
      );
    }
    // First pass for speed alone; the second samples memory, and its collections cost time.
    let read = 0;
    const started = performance.now();
    for await (const _event of store.readStream(streamId)) read++;
    const ms = performance.now() - started;
    if (read !== EVENTS) throw new Error(`read ${read} events, expected ${EVENTS}`);

    if (!global.gc) throw new Error('run with node --expose-gc (npm run bench does)');
    global.gc();
    const baseline = process.memoryUsage().heapUsed;
    let peak = baseline;
    read = 0;
    for await (const _event of store.readStream(streamId)) {
      read++;
      // Collect first: what counts is what the reader keeps alive, not garbage V8 has yet to sweep.
      if (read % 2000 === 0) {
        global.gc?.();
        peak = Math.max(peak, process.memoryUsage().heapUsed);
      }
    }
    const payloadMb = (EVENTS * PAYLOAD.length) / 1024 / 1024;
    const growthMb = (peak - baseline) / 1024 / 1024;
    return [
      { name: 'stream read events/s', value: (read / ms) * 1000, unit: '/s' },
      { name: 'stream payload', value: payloadMb, unit: 'MB' },
      { name: 'retained heap growth while reading', value: growthMb, unit: 'MB' },
      // A reader that loaded everything would hold at least the whole payload.
      {
        name: 'retained heap growth / stream payload',
        value: growthMb / payloadMb,
        unit: 'x',
        target: { op: '<=', value: 0.5 },
      },
    ];
  },
};
