import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { aggregates } from '../../examples/bank-account/src/aggregates.js';
import { projections } from '../../examples/bank-account/src/projections.js';
import { startLocalRuntime } from '../../local/runtime.js';
import { EventStore } from '../../src/event-store.js';
import { ProjectionStore } from '../../src/projections/projection-store.js';
import { percentile, type Scenario } from '../harness.js';

/**
 * Append -> DynamoDB Local stream -> poller -> projector handler -> document,
 * through the runtime `npm start` runs: from the moment the append resolves
 * to the first read of the document that shows it.
 */
export const projectionLag: Scenario = {
  name: 'projection-lag',
  uses: 'local',
  title: 'append-to-projection lag, 60 appends through the local runtime (plain DynamoDB Local)',
  async run(ctx) {
    const APPENDS = ctx.smoke ? 10 : 60;
    const runtime = await startLocalRuntime({
      port: 0,
      endpoint: ctx.local.endpoint,
      eventsTable: `bench-lag-events-${randomUUID().slice(0, 8)}`,
      readModelTable: `bench-lag-readmodels-${randomUUID().slice(0, 8)}`,
      logLevel: 'SILENT',
      // The example app's modules: since the library split, the runtime projects what it is given.
      projections,
      aggregates,
    });
    try {
      const store = new EventStore({ tableName: runtime.eventsTable, client: ctx.local.client });
      const documents = new ProjectionStore({
        tableName: runtime.readModelTable,
        client: ctx.local.client,
      });
      const id = randomUUID();
      const lags: number[] = [];
      for (let version = 1; version <= APPENDS; version++) {
        const event =
          version === 1
            ? { type: 'AccountOpened', data: { owner: 'bench' } }
            : { type: 'MoneyDeposited', data: { amount: 1 } };
        await store.appendToStream(`account-${id}`, [event], { expectedVersion: version - 1 });
        const appended = performance.now();
        for (;;) {
          const document = await documents.get<{ lastVersion: number }>('account-balances', id);
          if ((document?.state.lastVersion ?? 0) >= version) break;
          if (performance.now() - appended > 10_000)
            throw new Error(`version ${version} not projected in 10 s`);
          await sleep(2);
        }
        lags.push(performance.now() - appended);
        // Appends arrive at uneven moments, not in lockstep with the poller.
        await sleep(Math.random() * 300);
      }
      lags.sort((a, b) => a - b);
      return [
        {
          name: 'lag median',
          value: percentile(lags, 50),
          unit: 'ms',
          target: { op: '<=', value: 1000 },
        },
        { name: 'lag p95', value: percentile(lags, 95), unit: 'ms' },
        { name: 'lag max', value: lags.at(-1) ?? Number.NaN, unit: 'ms' },
      ];
    } finally {
      await runtime.stop();
    }
  },
};
