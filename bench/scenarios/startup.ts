import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from '../../local/dynamodb-local.js';
import type { Scenario } from '../harness.js';

/**
 * `npm start` as a newcomer runs it, on an empty data folder and again on the
 * same folder: from the spawn to the first answered request, and the clean
 * stop after SIGTERM.
 */
export const startup: Scenario = {
  name: 'startup',
  uses: 'local',
  title: 'npm start: spawn to first answered request, empty data folder and restart',
  async run() {
    const dataDir = mkdtempSync(join(tmpdir(), 'bench-start-'));
    try {
      const fresh = await timeStart(dataDir);
      const restart = await timeStart(dataDir);
      return [
        {
          name: 'first start (empty data folder)',
          value: fresh,
          unit: 'ms',
          target: { op: '<=', value: 15_000 },
        },
        {
          name: 'restart (same data folder)',
          value: restart,
          unit: 'ms',
          target: { op: '<=', value: 15_000 },
        },
      ];
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  },
};

async function timeStart(dataDir: string): Promise<number> {
  const port = await freePort();
  const started = performance.now();
  const child = spawn('npm', ['start', '--silent'], {
    env: { ...process.env, PORT: String(port), DATA_DIR: dataDir },
    stdio: 'ignore',
    detached: true,
  });
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`npm start exited with ${child.exitCode}`);
      try {
        const response = await fetch(`http://127.0.0.1:${port}/health`);
        if (response.ok) return performance.now() - started;
      } catch {
        // Not listening yet.
      }
      if (performance.now() - started > 60_000) throw new Error('npm start did not answer in 60 s');
      await sleep(50);
    }
  } finally {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    if (child.exitCode === null) child.kill('SIGTERM');
    await exited;
  }
}
