import { spawn, spawnSync } from 'node:child_process';
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  statSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LOCK_FILE } from '../../local/data-lock.js';
import { freePort, LocalSetupError } from '../../local/dynamodb-local.js';
import { type LocalRuntime, startLocalRuntime } from '../../local/runtime.js';
import { readRuntimeFile } from '../../local/runtime-file.js';
import type { RecordedEvent } from '../../src/types.js';
import { runCli } from '../cli/run-cli.js';
import { testEndpoint } from '../support/dynamodb.js';
import {
  javaProcessesUsing,
  type MainProcess,
  startMain,
  stopMain,
  waitForStartLine,
} from '../support/main-process.js';

// The runtime as `npm start` runs it, with its own DynamoDB Local jar and a
// data folder on disk: the only file here that starts jars (three in all).
const scratch = mkdtempSync(join(tmpdir(), 'runtime-test-'));
const cleanups: (() => Promise<void> | void)[] = [];

afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
  rmSync(scratch, { recursive: true, force: true });
});

function folder(name: string): string {
  const dir = join(scratch, name);
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** The pid of a process that has already exited: what a runtime killed with -9 leaves in its lock. */
function deadPid(): number {
  return spawnSync(process.execPath, ['-e', '']).pid as number;
}

async function occupiedPort(): Promise<number> {
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const address = server.address();
  return typeof address === 'object' && address ? address.port : 0;
}

async function expectSetupError(started: Promise<LocalRuntime>, message: string) {
  const error = await started.then(
    (runtime) => {
      cleanups.push(() => runtime.stop());
      return undefined;
    },
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(LocalSetupError);
  expect((error as Error).message).toBe(message);
}

const append = (url: string, id: string, type: string) =>
  fetch(`${url}/streams/${id}/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ events: [{ type, data: { type } }] }),
  });

describe('npm start (examples/bank-account/local.ts) with its own DynamoDB Local', () => {
  const dataDir = join(scratch, 'kept');
  let main: MainProcess | undefined;
  cleanups.push(() => stopMain(main));

  it('prints one line, serves the API, and on SIGTERM stops with no java left', async () => {
    // Prepare
    const port = await freePort();
    main = startMain({ PORT: String(port), DATA_DIR: dataDir, POWERTOOLS_LOG_LEVEL: 'SILENT' });

    // Act
    const line = await waitForStartLine(main, 60_000);
    const appended = await append(`http://127.0.0.1:${port}`, 'order-1', 'Placed');
    const javaWhileRunning = javaProcessesUsing(dataDir);
    main.child.kill('SIGTERM');
    const exitCode = await main.exited;

    // Assess
    expect(line).toBe(
      `Event store API on http://localhost:${port} (data in ${dataDir}/, Ctrl-C stops). Try: curl -X POST http://localhost:${port}/streams/order-1/events -d '{"events":[{"type":"OrderPlaced","data":{"total":42}}]}'`,
    );
    expect(main.stdout()).toBe(`${line}\n`);
    expect(main.stderr()).toBe('');
    expect(appended.status).toBe(201);
    expect(javaWhileRunning).toHaveLength(1);
    expect(exitCode).toBe(0);
    expect(javaProcessesUsing(dataDir)).toEqual([]);
  });

  it('keeps every event across a restart on the same data folder, past a stale lock', async () => {
    // Prepare: the folder npm start wrote and stopped above, with the lock a killed runtime left
    writeFileSync(join(dataDir, LOCK_FILE), `${deadPid()}\n`);
    const runtime = await startLocalRuntime({ port: 0, dataDir, logLevel: 'SILENT' });
    cleanups.push(() => runtime.stop());

    // Act
    await append(runtime.url, 'order-1', 'Paid');
    const read = (await (await fetch(`${runtime.url}/streams/order-1/events`)).json()) as {
      events: RecordedEvent[];
    };
    const file = readRuntimeFile(dataDir);
    // The CLI finds the running runtime by its data folder alone.
    const cli = await runCli(['--data-dir', dataDir, '--json', 'head', 'order-1']);
    await runtime.stop();

    // Assess
    expect(read.events.map((e) => [e.type, e.version, e.position])).toEqual([
      ['Placed', 1, 1],
      ['Paid', 2, 2],
    ]);
    expect(file).toEqual({
      pid: process.pid,
      endpoint: runtime.endpoint,
      url: runtime.url,
      eventsTable: runtime.eventsTable,
      readModelTable: runtime.readModelTable,
      snapshotTable: runtime.snapshotTable,
    });
    expect(JSON.parse(cli.stdout)).toMatchObject({ streamId: 'order-1', version: 2 });
    expect(readRuntimeFile(dataDir)).toBeUndefined();
    expect(javaProcessesUsing(dataDir)).toEqual([]);
  });

  it('explains in one line that a data folder with a damaged database is corrupted', async () => {
    // Prepare: a copy of the folder above whose SQLite file lost its second half
    const damaged = folder('damaged');
    const [db] = readdirSync(dataDir).filter((name) => name.endsWith('.db'));
    copyFileSync(join(dataDir, db as string), join(damaged, db as string));
    truncateSync(
      join(damaged, db as string),
      Math.floor(statSync(join(dataDir, db as string)).size / 2),
    );

    // Act, Assess
    await expectSetupError(
      startLocalRuntime({ port: 0, dataDir: damaged, logLevel: 'SILENT' }),
      `The data folder ${damaged} is corrupted (database disk image is malformed): move it away (mv ${damaged} ${damaged}.broken) or delete it, then start again with an empty store`,
    );
    expect(javaProcessesUsing(damaged)).toEqual([]);
  });
});

describe('setup problems, each a one-line LocalSetupError before Java starts', () => {
  it('npm start on a data folder another runtime holds exits with one line naming its pid', async () => {
    // Prepare: a live process holds the folder's lock
    const dataDir = folder('held');
    const holder = spawn('sleep', ['30'], { stdio: 'ignore' });
    cleanups.push(() => void holder.kill());
    writeFileSync(join(dataDir, LOCK_FILE), `${holder.pid}\n`);

    // Act
    const main = startMain({ PORT: '0', DATA_DIR: dataDir, POWERTOOLS_LOG_LEVEL: 'SILENT' });
    const exitCode = await main.exited;

    // Assess
    expect(exitCode).toBe(1);
    expect(main.stderr()).toBe(
      `The data folder ${dataDir} is in use by process ${holder.pid} (another npm start): stop that one, or choose another folder with DATA_DIR=...\n`,
    );
    expect(javaProcessesUsing(dataDir)).toEqual([]);
  });

  it('refuses a port in use', async () => {
    // Prepare
    const port = await occupiedPort();
    const dataDir = folder('port-in-use');

    // Act, Assess
    await expectSetupError(
      startLocalRuntime({ port, dataDir }),
      `Port ${port} is already in use: stop what is listening there, or choose another port (PORT=${port + 1} npm start)`,
    );
    expect(javaProcessesUsing(dataDir)).toEqual([]);
  });

  it('refuses a data folder holding a file that is not a database', async () => {
    // Prepare
    const dataDir = folder('garbage');
    writeFileSync(join(dataDir, 'local_us-east-1.db'), 'not a database at all');

    // Act, Assess
    await expectSetupError(
      startLocalRuntime({ port: 0, dataDir }),
      `The data folder ${dataDir} is corrupted (local_us-east-1.db is not an SQLite database): move it away (mv ${dataDir} ${dataDir}.broken) or delete it, then start again with an empty store`,
    );
  });

  it('refuses a data folder that is a file', async () => {
    // Prepare
    const file = join(scratch, 'a-file');
    writeFileSync(file, '');

    // Act, Assess
    await expectSetupError(
      startLocalRuntime({ port: 0, dataDir: file }),
      `The data folder ${file} is a file: move it away or choose another folder with DATA_DIR=...`,
    );
  });
});

describe('npm start failing', () => {
  it.each([
    [
      'a port in use',
      async () => ({ PORT: String(await occupiedPort()) }),
      /^Port \d+ is already in use: .*npm start\)$/,
    ],
    [
      'a PORT that is not a number',
      async () => ({ PORT: 'http' }),
      /^PORT must be an integer 0\.\.65535 \(got "http"\)$/,
    ],
  ])('prints one line and exits 1 on %s', async (_case, env, message) => {
    // Prepare
    const main = startMain({ ...(await env()), DYNAMODB_ENDPOINT: testEndpoint() });
    cleanups.push(() => stopMain(main));

    // Act
    const exitCode = await main.exited;

    // Assess
    expect(exitCode).toBe(1);
    expect(main.stderr().split('\n')).toEqual([expect.stringMatching(message), '']);
    expect(main.stdout()).toBe('');
  });
  it('prints how to install Java and exits 1 when java is not on PATH', async () => {
    // Prepare: no DYNAMODB_ENDPOINT, so main must start the jar, and no java to start it with.
    const main = startMain({
      PATH: join(scratch, 'no-java-here'),
      PORT: String(await freePort()),
      DATA_DIR: join(scratch, 'no-java-data'),
    });
    cleanups.push(() => stopMain(main));

    // Act
    const exitCode = await main.exited;

    // Assess
    expect(exitCode).toBe(1);
    expect(main.stderr().split('\n')).toEqual([
      expect.stringMatching(
        /^Java 17 or newer is needed .* apt-get install -y openjdk-17-jre-headless/,
      ),
      '',
    ]);
    expect(main.stdout()).toBe('');
  });
});
