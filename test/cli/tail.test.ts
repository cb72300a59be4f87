import { describe, expect, it } from 'vitest';
import { useTestStore } from '../support/dynamodb.js';
import { jsonLines, startCli, storeFlags } from './run-cli.js';

const fixture = useTestStore('cli-tail');

describe('dynamo-event-store tail', () => {
  it('follows $all live with its filters, one line per event, and exits cleanly on Ctrl-C', async () => {
    await fixture.store.appendToStream('acct-1', [{ type: 'Deposited', data: { amount: 1 } }]);
    await fixture.store.appendToStream('user-1', [{ type: 'Deposited', data: { amount: 2 } }]);
    const run = await startCli([
      ...storeFlags(fixture.tables),
      '--json',
      'tail',
      '--from-position',
      '1',
      '--type',
      'Deposited',
      '--prefix',
      'acct-',
      '--poll',
      '50',
    ]);
    await expect.poll(() => jsonLines(run.stdout).length, { timeout: 20_000 }).toBe(1);

    await fixture.store.appendToStream('acct-2', [
      { type: 'Withdrawn', data: { amount: 3 } },
      { type: 'Deposited', data: { amount: 4 } },
    ]);
    await expect.poll(() => jsonLines(run.stdout).length, { timeout: 20_000 }).toBe(2);
    run.child.kill('SIGINT');
    const result = await run.result;

    expect(result.status).toBe(0);
    expect(result.stderr).toBe('');
    expect(jsonLines(result.stdout)).toEqual([
      expect.objectContaining({ streamId: 'acct-1', type: 'Deposited', position: 1 }),
      expect.objectContaining({ streamId: 'acct-2', type: 'Deposited', position: 4 }),
    ]);
  });

  it('starts at the end of $all by default, in human lines', async () => {
    const run = await startCli([...storeFlags(fixture.tables), 'tail', '--poll', '50']);
    await expect
      .poll(() => run.stderr, { timeout: 20_000 })
      .toMatch(/^following \$all from position \d+ \(Ctrl-C stops\)\n$/);

    await fixture.store.appendToStream('acct-9', [{ type: 'Opened', data: { owner: 'Ada' } }]);
    await expect.poll(() => run.stdout, { timeout: 20_000 }).toContain('acct-9@1');
    run.child.kill('SIGINT');
    const result = await run.result;

    expect(result.status).toBe(0);
    expect(result.stdout.trimEnd().split('\n')).toEqual([
      expect.stringMatching(/^\s+\d+ {2}Opened\s+acct-9@1\s+\{"owner":"Ada"\}$/),
    ]);
  });
});
