import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

export interface MainProcess {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves with the exit code (or the signal's name). */
  exited: Promise<number | string>;
}

/**
 * Runs the example's `local.ts` as `npm start` does, minus npm and the tsx wrapper, so a
 * signal sent to `child.pid` reaches main itself. Only the variables given
 * here reach it: the run's DYNAMODB_ENDPOINT must not leak in.
 */
export function startMain(env: Record<string, string>): MainProcess {
  const child = spawn(
    process.execPath,
    ['--conditions=event-store-source', '--import', 'tsx', 'examples/bank-account/local.ts'],
    {
      cwd: repoRoot,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  let err = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    out += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    err += chunk.toString();
  });
  const exited = new Promise<number | string>((resolve) =>
    child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown')),
  );
  return { child, stdout: () => out, stderr: () => err, exited };
}

/** Waits until main printed its start line; fails with what it printed otherwise. */
export async function waitForStartLine(main: MainProcess, timeoutMs: number): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const line = main.stdout().split('\n')[0];
    if (main.stdout().includes('\n') && line) return line;
    if (main.child.exitCode !== null) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`main did not start: stdout=${main.stdout()} stderr=${main.stderr()}`);
}

/** Pids of DynamoDB Local processes whose command line names `dataDir` (they run with -dbPath). */
export function javaProcessesUsing(dataDir: string): number[] {
  const found = spawnSync('pgrep', ['-f', `DynamoDBLocal.jar.*${dataDir}`], { encoding: 'utf8' });
  return found.stdout.split('\n').filter(Boolean).map(Number);
}

/** Stops a main left running by a failed test, by its own pid. */
export async function stopMain(main: MainProcess | undefined): Promise<void> {
  if (!main || main.child.exitCode !== null || main.child.signalCode !== null) return;
  main.child.kill('SIGTERM');
  await main.exited;
}
