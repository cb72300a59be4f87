import { rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { ProjectionStore } from '../../src/projections/projection-store.js';
import { subscribeToAll } from '../../src/projections/subscribe-to-all.js';
import { useTestStore } from '../support/dynamodb.js';
import { writeAppModules } from './app-modules.js';
import { jsonLines, runCli, startCli, storeFlags } from './run-cli.js';

const fixture = useTestStore('cli-projections');
const app = writeAppModules();
afterAll(() => rmSync(app.dir, { recursive: true, force: true }));

/** 20 deposits over 4 accounts; the 12th is poison to the broken projection. */
async function seed(): Promise<void> {
  for (let i = 1; i <= 20; i++) {
    await fixture.store.appendToStream(`acct-${i % 4}`, [
      { type: 'Deposited', data: { amount: i, ...(i === 12 && { poison: true }) } },
    ]);
  }
}

describe('dynamo-event-store projections', () => {
  it('rebuild stops at a failing event, says where, and the same command resumes once the projection is fixed', async () => {
    await seed();
    const flags = storeFlags(fixture.tables);
    const projections = new ProjectionStore({
      tableName: fixture.tables.readModelTable,
      client: fixture.client,
    });

    const failed = await runCli([
      ...flags,
      'projections',
      'rebuild',
      'balances',
      '--app',
      app.broken,
      '--batch-size',
      '5',
    ]);

    expect(failed.status).toBe(1);
    expect(failed.stderr).toBe(
      "error ProjectionFailed: rebuild of projection 'balances' failed at position 12: Error: poisoned deposit; call it again to resume\n",
    );
    expect(await projections.getRebuildCheckpoint('balances')).toEqual({
      position: 10,
      cleared: true,
      done: false,
    });

    const resumed = await runCli([
      ...flags,
      'projections',
      'rebuild',
      'balances',
      '--app',
      app.fixed,
      '--batch-size',
      '5',
    ]);

    expect(resumed.status).toBe(0);
    expect(resumed.stdout).toMatch(
      /^rebuilt balances: 10 event\(s\) read, \d+ document write\(s\), 0 document\(s\) cleared first, up to position 20, in [\d.]+ s \(resumed after position 10\)\n$/,
    );
    // 1+5+9+13+17 for acct-1, and so on; the poison deposit (12, acct-0) counts 0.
    const expected = {
      'acct-0': 4 + 8 + 16 + 20,
      'acct-1': 45,
      'acct-2': 2 + 6 + 10 + 14 + 18,
      'acct-3': 3 + 7 + 11 + 15 + 19,
    };
    for (const [key, balance] of Object.entries(expected)) {
      expect((await projections.get('balances', key))?.state).toEqual({ balance });
    }

    const get = await runCli([...flags, '--json', 'projections', 'get', 'balances', 'acct-1']);
    expect(jsonLines(get.stdout)).toEqual([
      expect.objectContaining({ projection: 'balances', key: 'acct-1', state: { balance: 45 } }),
    ]);

    const list = await runCli([...flags, 'projections', 'list', '--app', app.fixed]);
    expect(list.stdout).toBe(
      'NAME      DOCUMENTS  REBUILD     EVENT TYPES\nbalances  4          done at 20  Deposited\n',
    );
  });

  it('rebuild stops on Ctrl-C saying where it got to, and the same command resumes from there', async () => {
    const flags = storeFlags(fixture.tables);
    const projections = new ProjectionStore({
      tableName: fixture.tables.readModelTable,
      client: fixture.client,
    });
    const rebuild = [
      ...flags,
      'projections',
      'rebuild',
      'balances',
      '--app',
      app.slow,
      '--batch-size',
      '2',
    ];
    const run = await startCli([...rebuild, '--restart']);
    await expect
      .poll(
        async () => {
          // This rebuild's own checkpoint: not done (the one before it finished).
          const checkpoint = await projections.getRebuildCheckpoint('balances');
          return checkpoint?.done === false ? checkpoint.position : 0;
        },
        {
          timeout: 20_000,
          interval: 50,
        },
      )
      .toBeGreaterThanOrEqual(4);

    run.child.kill('SIGINT');
    const interrupted = await run.result;
    const resumed = await runCli(rebuild);

    expect(interrupted.status).toBe(130);
    const reached = Number(/up to position (\d+);/.exec(interrupted.stderr)?.[1]);
    expect(interrupted.stderr).toBe(
      `interrupted: balances is rebuilt up to position ${reached}; run the same command to resume\n`,
    );
    expect(reached).toBeGreaterThanOrEqual(4);
    expect(reached).toBeLessThan(20);
    expect(resumed.status).toBe(0);
    expect(resumed.stdout).toContain(`(resumed after position ${reached})`);
    expect((await projections.get('balances', 'acct-1'))?.state).toEqual({ balance: 45 });
  });

  it('reset deletes the documents and the rebuild checkpoint; get then fails with DocumentNotFound', async () => {
    const flags = storeFlags(fixture.tables);

    const reset = await runCli([...flags, 'projections', 'reset', 'balances']);
    const get = await runCli([...flags, 'projections', 'get', 'balances', 'acct-1']);
    const list = await runCli([...flags, '--json', 'projections', 'list', '--app', app.fixed]);

    expect(reset).toMatchObject({ status: 0 });
    expect(reset.stdout).toBe(
      'reset balances: 4 document(s) deleted; run "projections rebuild balances" to fill it again\n',
    );
    expect(get).toMatchObject({
      status: 1,
      stderr: "error DocumentNotFound: Projection 'balances' has no document with key 'acct-1'\n",
    });
    expect(jsonLines(list.stdout)).toEqual([
      [{ name: 'balances', eventTypes: ['Deposited'], documents: 0, rebuild: null }],
    ]);
  });

  it('names the projections the app defines when asked for another one', async () => {
    const result = await runCli([
      ...storeFlags(fixture.tables),
      'projections',
      'rebuild',
      'nope',
      '--app',
      app.fixed,
    ]);

    expect(result).toMatchObject({
      status: 1,
      stderr: "error ProjectionNotFound: There is no projection 'nope' (known: balances)\n",
    });
  });

  it('subscriptions list shows each checkpoint and its lag; reset moves it; stats counts the store', async () => {
    const projections = new ProjectionStore({
      tableName: fixture.tables.readModelTable,
      client: fixture.client,
    });
    const handled: number[] = [];
    const subscription = subscribeToAll({
      store: fixture.store,
      checkpoints: projections,
      name: 'mailer',
      handler: (event) => {
        handled.push(event.position as number);
      },
      pollIntervalMs: 50,
    });
    await expect.poll(() => handled.length, { timeout: 10_000 }).toBe(20);
    await subscription.stop();
    const flags = storeFlags(fixture.tables);

    const before = await runCli([...flags, '--json', 'subscriptions', 'list']);
    const reset = await runCli([
      ...flags,
      'subscriptions',
      'reset',
      'mailer',
      '--to-position',
      '15',
    ]);
    const after = await runCli([...flags, 'subscriptions', 'list']);
    const stats = await runCli([...flags, '--json', 'stats']);

    expect(jsonLines(before.stdout)).toEqual([
      [{ name: 'mailer', position: 20, lag: 0, updatedAt: expect.any(String) }],
    ]);
    expect(reset.stdout).toBe('reset mailer: handles position 15 next (checkpoint was 20)\n');
    expect(after.stdout).toMatch(/^NAME\s+POSITION\s+LAG\s+UPDATED\nmailer\s+14\s+6\s+\S+\n$/);
    expect(await projections.getCheckpoint('mailer')).toBe(14);
    expect(jsonLines(stats.stdout)).toEqual([
      {
        events: 20,
        streams: 4,
        lastPosition: 20,
        snapshots: 0,
        checkpoints: [{ name: 'mailer', position: 14, lag: 6 }],
      },
    ]);
  });
});
