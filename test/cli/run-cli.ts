import { spawn } from 'node:child_process';
import { mkdirSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import type { TestTables } from '../support/dynamodb.js';
import { testEndpoint } from '../support/dynamodb.js';

const repoRoot = join(import.meta.dirname, '../..');
let bundled: Promise<string> | undefined;

/**
 * The CLI's entry (cli/main.ts) bundled once per test process with esbuild
 * from the sources, packages left to node_modules: a child starts in ~0.3 s
 * where tsx takes ~2 s, and the built bin (`dist/`) may be stale or absent.
 */
export function cliBundle(): Promise<string> {
  bundled ??= (async () => {
    const dir = join(repoRoot, 'node_modules/.cache/dynamo-event-store-cli');
    mkdirSync(dir, { recursive: true });
    // One file for every worker: each builds the same sources and renames its build over it, atomically.
    const file = join(dir, 'main.mjs');
    await build({
      entryPoints: [join(repoRoot, 'cli/main.ts')],
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      packages: 'external',
      conditions: ['event-store-source'],
      outfile: `${file}.${process.pid}.tmp`,
      logLevel: 'silent',
    });
    renameSync(`${file}.${process.pid}.tmp`, file);
    return file;
  })();
  return bundled;
}

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

export interface CliRun {
  child: ReturnType<typeof spawn>;
  result: Promise<CliResult>;
  /** What it wrote so far. */
  readonly stdout: string;
  readonly stderr: string;
}

/** Starts the CLI as its own process; `input` is written to its stdin, which is then closed. */
export async function startCli(
  args: readonly string[],
  options: { input?: string; env?: NodeJS.ProcessEnv; keepStdinOpen?: boolean } = {},
): Promise<CliRun> {
  const child = spawn(process.execPath, [await cliBundle(), ...args], {
    cwd: repoRoot,
    env: { ...process.env, NO_COLOR: '1', DYNAMODB_ENDPOINT: '', ...options.env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString('utf8');
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
  });
  if (options.input !== undefined) child.stdin.write(options.input);
  if (!options.keepStdinOpen) child.stdin.end();
  const result = new Promise<CliResult>((resolve) => {
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
  return {
    child,
    result,
    get stdout() {
      return stdout;
    },
    get stderr() {
      return stderr;
    },
  };
}

export async function runCli(
  args: readonly string[],
  options: { input?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<CliResult> {
  return (await startCli(args, options)).result;
}

/** The global flags that point the CLI at a test's tables on the run's DynamoDB Local. */
export function storeFlags(tables: Pick<TestTables, 'eventsTable' | 'readModelTable'>): string[] {
  return [
    '--endpoint',
    testEndpoint(),
    '--table',
    tables.eventsTable,
    '--read-model-table',
    tables.readModelTable,
  ];
}

/** The lines of a --json output, parsed. */
export function jsonLines(stdout: string): unknown[] {
  return stdout
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line));
}
