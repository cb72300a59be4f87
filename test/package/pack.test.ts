import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEndpoint, uniqueName } from '../support/dynamodb.js';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const fixture = fileURLToPath(new URL('./consumer-app', import.meta.url));
/** The version this repository installed (and so the npm cache holds). */
const versionOf = (name: string): string =>
  (
    JSON.parse(readFileSync(join(repoRoot, 'node_modules', name, 'package.json'), 'utf8')) as {
      version: string;
    }
  ).version;

/** What a consumer adds beside the package: the peers it uses, esbuild for the construct, types. */
const consumerDependencies = [
  '@aws-sdk/client-dynamodb',
  '@aws-sdk/lib-dynamodb',
  '@aws-sdk/util-dynamodb',
  '@aws-sdk/client-dynamodb-streams',
  '@aws-lambda-powertools/batch',
  '@aws-lambda-powertools/logger',
  '@aws-lambda-powertools/metrics',
  'aws-cdk-lib',
  'constructs',
  // The optional peers of the ./emmett and ./castore subpaths (the SDK itself needs neither: see below).
  '@event-driven-io/emmett',
  '@castore/core',
];
const consumerDevDependencies = ['esbuild', '@types/node', '@types/aws-lambda'];

function run(command: string, args: string[], cwd: string, env: Record<string, string> = {}) {
  return execFileSync(command, args, {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    maxBuffer: 64 * 1024 * 1024,
  });
}

describe('the packed package, installed into a fresh app', () => {
  let app: string;
  const timings: Record<string, number> = {};
  const timed = <T>(step: string, work: () => T): T => {
    const started = Date.now();
    try {
      return work();
    } finally {
      timings[step] = Date.now() - started;
    }
  };

  beforeAll(() => {
    app = mkdtempSync(join(tmpdir(), 'event-store-consumer-'));
    // `prepare` builds dist/ (incrementally); the tarball is what `npm publish` would upload.
    const packed = timed('npm pack', () =>
      JSON.parse(
        run('npm', ['pack', '--json', '--pack-destination', app, '--loglevel=error'], repoRoot),
      ),
    ) as { filename: string }[];
    const tarball = join(app, packed[0]!.filename);
    cpSync(fixture, app, { recursive: true });
    const pinned = (names: string[]) =>
      Object.fromEntries(names.map((name) => [name, versionOf(name)]));
    writeFileSync(
      join(app, 'package.json'),
      JSON.stringify({
        name: 'consumer-app',
        private: true,
        type: 'module',
        dependencies: { 'dynamo-event-store': `file:${tarball}`, ...pinned(consumerDependencies) },
        devDependencies: pinned(consumerDevDependencies),
      }),
    );
    writeFileSync(
      join(app, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          target: 'ES2022',
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          strict: true,
          skipLibCheck: true,
          types: ['node'],
          outDir: 'dist',
        },
        include: ['*.ts'],
      }),
    );
    // The versions this repository installed are in the npm cache: no download when warm.
    timed('npm install', () =>
      run(
        'npm',
        ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'],
        app,
      ),
    );
  }, 180_000);

  afterAll(() => {
    console.log(`pack test steps (ms): ${JSON.stringify(timings)}`);
    if (app) rmSync(app, { recursive: true, force: true });
  });

  it('type-checks the app against the installed declarations of every subpath', () => {
    const tsc = join(repoRoot, 'node_modules/typescript/bin/tsc');
    const output = timed('tsc', () => {
      try {
        return run(process.execPath, [tsc, '-p', app], app);
      } catch (error) {
        return String((error as { stdout?: string }).stdout ?? error);
      }
    });
    expect(output).toBe('');
  }, 120_000);

  it('resolves each subpath export at run time', () => {
    const printed = run(process.execPath, ['dist/subpaths.js'], app);
    expect(JSON.parse(printed)).toEqual({
      '.': 'function',
      './lambda': ['function', 'function', 'function'],
      './cdk': 'function',
      './client': 'function',
      './local': 'function',
      './emmett': 'function',
      './castore': 'function',
      './testing': 'function',
    });
  });

  it('keeps Emmett and Castore out of the SDK core: no file of dist/src imports them', () => {
    const dist = join(app, 'node_modules/dynamo-event-store/dist/src');
    const files = readdirSync(dist, { recursive: true, encoding: 'utf8' }).filter((f) =>
      f.endsWith('.js'),
    );
    const importers = files.filter((f) =>
      /from '(@event-driven-io|@castore)\//.test(readFileSync(join(dist, f), 'utf8')),
    );
    expect(files.length).toBeGreaterThan(20);
    expect(importers).toEqual([]);
  });
  const consumerTable = uniqueName('consumer-events');

  it('appends and reads through the SDK against DynamoDB Local', () => {
    const printed = timed('program', () =>
      run(process.execPath, ['dist/program.js'], app, {
        DYNAMODB_ENDPOINT: testEndpoint(),
        EVENTS_TABLE_NAME: consumerTable,
      }),
    );
    expect(JSON.parse(printed)).toEqual({
      nextExpectedVersion: 1,
      conflict: 'WrongExpectedVersion',
      read: [{ version: 1, type: 'OrderPlaced', data: { total: 42 } }],
    });
  }, 60_000);

  it('runs a domain test on the in-memory store with no DynamoDB to reach', () => {
    const printed = timed('domain', () =>
      run(process.execPath, ['dist/domain.js'], app, { DYNAMODB_ENDPOINT: '' }),
    );
    expect(JSON.parse(printed)).toEqual({
      loaded: { state: { total: 42 }, version: 1, eventsRead: 1 },
      conflict: 'WrongExpectedVersion',
      positionMode: 'strict',
    });
  });
  it('runs the installed dynamo-event-store bin (the built CLI) on what the program appended', () => {
    const bin = join(app, 'node_modules/.bin/dynamo-event-store');
    const printed = timed('bin', () =>
      run(
        bin,
        ['--endpoint', testEndpoint(), '--table', consumerTable, '--json', 'read', 'order-1'],
        app,
      ),
    );
    expect(JSON.parse(printed)).toMatchObject({
      streamId: 'order-1',
      version: 1,
      type: 'OrderPlaced',
    });
  }, 60_000);

  it("synthesizes a CDK app whose projector bundles the app's own projection module", () => {
    const outdir = join(app, 'cdk.out');
    timed('cdk synth', () => run(process.execPath, ['dist/cdk-app.js', outdir], app));
    const template = JSON.parse(readFileSync(join(outdir, 'OrdersStore.template.json'), 'utf8'));
    const functions = Object.entries(
      template.Resources as Record<string, { Type: string; Properties: Record<string, unknown> }>,
    ).filter(([, r]) => r.Type === 'AWS::Lambda::Function');
    const projector = functions.find(([id]) => id.includes('Projector'));
    // Projector and API; no snapshotter without an aggregates module.
    expect(functions.map(([id]) => id.replace(/[0-9A-F]{8}$/, '')).sort()).toEqual([
      'EventStoreApiHandler',
      'EventStoreProjectorHandler',
    ]);
    const key = (projector![1].Properties.Code as { S3Key: string }).S3Key.replace(/\.zip$/, '');
    const bundle = readFileSync(join(outdir, `asset.${key}`, 'index.mjs'), 'utf8');
    expect(bundle).toContain('order-totals');
    expect(readdirSync(outdir)).toContain('manifest.json');
  }, 120_000);
});
