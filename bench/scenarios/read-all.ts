import { freshStore, runLanes, type Scenario } from '../harness.js';

const STREAMS = 100;
const EVENTS_PER_STREAM = 50;

/** `$all` over many streams: the price of the contiguity check, as events per second. */
export const readAllThroughput: Scenario = {
  name: `read $all (${STREAMS * EVENTS_PER_STREAM} events over ${STREAMS} streams)`,
  async run(ctx) {
    const store = await freshStore(ctx, 'bench-all');
    await runLanes(STREAMS, 4, async (job) => {
      await store.appendToStream(
        `acct-${job}`,
        Array.from({ length: EVENTS_PER_STREAM }, (_, n) => ({ type: 'Filled', data: { n } })),
      );
    });
    let read = 0;
    let previous = 0;
    const started = performance.now();
    for await (const event of store.readAll()) {
      if (event.position !== previous + 1) throw new Error(`gap after position ${previous}`);
      previous = event.position;
      read++;
    }
    const ms = performance.now() - started;
    let filtered = 0;
    const filterStarted = performance.now();
    for await (const _event of store.readAll({ streamPrefix: 'acct-7' })) filtered++;
    const filterMs = performance.now() - filterStarted;
    return [
      { name: '$all events/s', value: (read / ms) * 1000, unit: '/s' },
      {
        name: '$all events read',
        value: read,
        unit: 'events',
        target: { op: '>=', value: STREAMS * EVENTS_PER_STREAM },
      },
      {
        name: '$all with streamPrefix, events/s scanned',
        value: (read / filterMs) * 1000,
        unit: '/s',
      },
      { name: 'events matched by streamPrefix acct-7', value: filtered, unit: 'events' },
    ];
  },
};
