import { formatNumber, ratio, type Scenario, timed } from '../harness.js';
import { longStream } from './reads.js';

const RUNS = 3;

interface Balance {
  balance: number;
  deposits: number;
}

const fold = {
  initialState: (): Balance => ({ balance: 0, deposits: 0 }),
  evolve: (state: Balance, event: { data: unknown }): Balance => ({
    balance: state.balance + ((event.data as { amount?: number }).amount ?? 0),
    deposits: state.deposits + 1,
  }),
};

/** aggregateStream of a long stream from a snapshot 100 events before its end, vs folding it all. */
export const aggregateSnapshot: Scenario = {
  name: 'aggregate-snapshot',
  uses: 'local',
  title:
    'aggregateStream of 10,000 events, snapshot at 9,900, vs without snapshot (plain DynamoDB Local)',
  async run(ctx) {
    const long = await longStream(ctx);
    const at = long.events - 100;
    const full = await long.store.aggregateStream(long.streamId, fold);
    // The state at `at`, as a snapshotter would have saved it.
    const partial = await long.store.aggregateStream(long.streamId, { ...fold, toVersion: at });
    await long.store.saveSnapshot({ streamId: long.streamId, version: at, state: partial.state });
    let withMs = Number.POSITIVE_INFINITY;
    let withoutMs = Number.POSITIVE_INFINITY;
    for (let i = 0; i < RUNS; i++) {
      withoutMs = Math.min(
        withoutMs,
        await timed(async () => {
          const r = await long.store.aggregateStream(long.streamId, fold);
          if (r.eventsRead !== long.events) throw new Error(`read ${r.eventsRead} events`);
        }),
      );
      withMs = Math.min(
        withMs,
        await timed(async () => {
          const r = await long.store.aggregateStream(long.streamId, { ...fold, snapshot: true });
          if (r.fromSnapshotVersion !== at || r.eventsRead !== 100)
            throw new Error(`snapshot not used: ${JSON.stringify(r)}`);
          if (r.state.deposits !== full.state.deposits) throw new Error('states differ');
        }),
      );
    }
    return [
      { name: `without snapshot (${long.events} events)`, value: withoutMs, unit: 'ms' },
      { name: `with snapshot at ${at}`, value: withMs, unit: 'ms' },
      ratio(
        'with / without snapshot',
        withMs,
        withoutMs,
        { op: '<=', value: 0.1 },
        `${formatNumber(withMs)} ms over ${formatNumber(withoutMs)} ms`,
      ),
    ];
  },
};
