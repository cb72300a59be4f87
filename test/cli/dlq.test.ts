import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { startStreamProcessing } from '../../local/stream-poller.js';
import type { ProjectionDefinition } from '../../src/projections/define.js';
import { ProjectionStore } from '../../src/projections/projection-store.js';
import { useTestStore } from '../support/dynamodb.js';
import { writeAppModules } from './app-modules.js';
import { jsonLines, runCli, storeFlags } from './run-cli.js';

const fixture = useTestStore('cli-dlq');
const app = writeAppModules();
const dataDir = mkdtempSync(join(tmpdir(), 'cli-dlq-data-'));
afterAll(() => {
  rmSync(app.dir, { recursive: true, force: true });
  rmSync(dataDir, { recursive: true, force: true });
});

describe('dynamo-event-store dlq', () => {
  it('lists what the local projector dead-lettered, keeps what still fails, and redrives it once the projection is fixed', async () => {
    // The local runtime's stream poller, with the broken projection and no retries.
    const { projections } = (await import(pathToFileURL(app.broken).href)) as {
      projections: ProjectionDefinition[];
    };
    const processing = await startStreamProcessing({
      client: fixture.client,
      eventsTable: fixture.tables.eventsTable,
      readModelTable: fixture.tables.readModelTable,
      dataDir,
      projections,
      maxRetries: 0,
      pollIntervalMs: 50,
      log: () => {},
    });
    const deadLetters = join(
      dataDir,
      'streams',
      `${fixture.tables.eventsTable}.projector.dead-letters.jsonl`,
    );
    try {
      await fixture.store.appendToStream('acct-1', [{ type: 'Deposited', data: { amount: 5 } }]);
      await fixture.store.appendToStream('acct-1', [
        { type: 'Deposited', data: { amount: 7, poison: true } },
      ]);
      await fixture.store.appendToStream('acct-2', [{ type: 'Deposited', data: { amount: 11 } }]);
      await expect
        .poll(() => existsSync(deadLetters) && readFileSync(deadLetters, 'utf8'), {
          timeout: 20_000,
        })
        .toContain('"projector"');
      const projectionStore = new ProjectionStore({
        tableName: fixture.tables.readModelTable,
        client: fixture.client,
      });
      await expect
        .poll(async () => (await projectionStore.get('balances', 'acct-2'))?.state, {
          timeout: 20_000,
        })
        .toEqual({ balance: 11 });
    } finally {
      await processing.stop();
    }
    const flags = [...storeFlags(fixture.tables), '--data-dir', dataDir];

    const list = await runCli([...flags, '--json', 'dlq', 'list']);
    const human = await runCli([...flags, 'dlq', 'list', '--processor', 'projector']);
    const stillBroken = await runCli([
      ...flags,
      'dlq',
      'redrive',
      'projector',
      '--app',
      app.broken,
    ]);

    expect(jsonLines(list.stdout)).toEqual([
      [
        {
          id: expect.any(String),
          consumer: 'projector',
          at: expect.any(String),
          attempts: 1,
          coordinates: expect.stringMatching(/^sequence \d+$/),
        },
      ],
    ]);
    expect(human.stdout).toMatch(
      /^PROCESSOR\s+AT\s+ATTEMPTS\s+RECORDS\nprojector\s+\S+\s+1\s+sequence \d+\n$/,
    );
    expect(stillBroken).toMatchObject({
      status: 1,
      stdout: 'redrove 0 of 1 dead letter(s) of the projector; 1 still failing, kept\n',
      stderr:
        'error ProjectionFailed: 1 dead letter(s) still fail and were kept; the first: poisoned deposit\n',
    });

    const redriven = await runCli([...flags, 'dlq', 'redrive', 'projector', '--app', app.fixed]);
    const after = await runCli([...flags, '--json', 'dlq', 'list']);
    const document = await runCli([...flags, '--json', 'projections', 'get', 'balances', 'acct-1']);

    expect(redriven).toMatchObject({
      status: 0,
      stdout: 'redrove 1 of 1 dead letter(s) of the projector\n',
    });
    expect(jsonLines(after.stdout)).toEqual([[]]);
    expect(existsSync(deadLetters)).toBe(false);
    // The poison deposit counts 0 in the fixed projection; the one before it was applied live.
    expect(jsonLines(document.stdout)).toEqual([
      expect.objectContaining({ state: { balance: 5 }, streams: { 'acct-1': 2 } }),
    ]);
  });

  it('refuses a processor it cannot redrive, naming those it can', async () => {
    const result = await runCli([
      ...storeFlags(fixture.tables),
      '--data-dir',
      dataDir,
      'dlq',
      'redrive',
      'sequencer',
      '--app',
      app.fixed,
    ]);

    expect(result).toMatchObject({
      status: 2,
      stderr:
        "error ValidationError: <processor> must be one of projector, snapshotter (got 'sequencer'; the sequencer's sweeper recovers its own records)\n",
    });
  });
});
