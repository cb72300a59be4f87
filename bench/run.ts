import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { localClient, startDynamoDbLocal } from '../local/dynamodb-local.js';
import { startServiceSimulation } from '../local/simulation/service-simulation.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

import { warmUp } from './appends.js';
import { type BenchContext, type Figure, formatNumber, meets, type Scenario } from './harness.js';
import { machine } from './machine.js';
import { aggregateSnapshot } from './scenarios/aggregate-snapshot.js';
import { groupCommit16 } from './scenarios/group-commit.js';
import { peer64 } from './scenarios/peer.js';
import { latency8x1, processes4x16, processes8x1 } from './scenarios/processes.js';
import { projectionLag } from './scenarios/projection-lag.js';
import { rawTransaction } from './scenarios/raw-transaction.js';
import { readStreamMemory } from './scenarios/read-stream-memory.js';
import { readAllVsQuery, readStreamVsQuery } from './scenarios/reads.js';
import { sequenced4x16, sequencedReadAll, sequencingLag } from './scenarios/sequenced.js';
import { startup } from './scenarios/startup.js';

const usage = `npm run bench [-- options]
  --only <name>[,<name>]  run these scenarios alone (repeatable); --list names them
  --smoke                 short runs (1 s per append run, smaller data): a quick check, not figures
  --duration-ms <n>       length of each timed append run (default 5000; smoke 1000)
  --latency-ms <n>        the simulated service's latency per call (default 10)
  --out <file>            where the results go (default bench/results.json for a full run,
                          bench/results.partial.json with --only or --smoke)
  --list                  the scenarios' names and titles`;

/** Append scenarios (simulated service) first, then reads and the rest (plain DynamoDB Local). */
const scenarios: Scenario[] = [
  processes8x1,
  processes4x16,
  latency8x1,
  groupCommit16,
  peer64,
  rawTransaction,
  sequenced4x16,
  readStreamVsQuery,
  readAllVsQuery,
  sequencedReadAll,
  sequencingLag,
  aggregateSnapshot,
  readStreamMemory,
  projectionLag,
  startup,
];

const { values } = parseArgs({
  args: process.argv.slice(2),
  options: {
    only: { type: 'string', multiple: true },
    smoke: { type: 'boolean', default: false },
    'duration-ms': { type: 'string' },
    'latency-ms': { type: 'string', default: '10' },
    out: { type: 'string' },
    list: { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
});
if (values.help) {
  console.log(usage);
  process.exit(0);
}
if (values.list) {
  for (const s of scenarios) console.log(`${s.name.padEnd(20)} ${s.title}`);
  process.exit(0);
}
const only = (values.only ?? []).flatMap((v) => v.split(',')).filter(Boolean);
const unknown = only.filter((name) => !scenarios.some((s) => s.name === name));
if (unknown.length > 0) {
  console.error(`unknown scenario(s): ${unknown.join(', ')}; --list names them`);
  process.exit(2);
}
const chosen = only.length > 0 ? scenarios.filter((s) => only.includes(s.name)) : scenarios;
const smoke = values.smoke;
const durationMs = Number(values['duration-ms'] ?? (smoke ? 1000 : 5000));
const latencyMs = Number(values['latency-ms']);
const partial = smoke || only.length > 0;
const out =
  values.out ??
  fileURLToPath(new URL(partial ? './results.partial.json' : './results.json', import.meta.url));

const biome = createRequire(import.meta.url).resolve('@biomejs/biome/bin/biome');

interface ScenarioResult {
  name: string;
  title: string;
  seconds: number;
  figures: Figure[];
  error?: string;
}

const startedAt = new Date();
const before = machine();
console.log(
  `dynamo-event-store bench${smoke ? ' (smoke)' : ''}: ${before.cpus} x ${before.cpuModel}, load ${before.loadAverage.join(' ')}; ` +
    `append runs ${durationMs} ms under the simulation (${latencyMs} ms per call)`,
);

interface Backend {
  ctx: BenchContext;
  stop(): Promise<void>;
}

/** A DynamoDB Local (in memory) with the simulation in front of it, and a context over them. */
async function startBackend(memos: Map<string, Promise<unknown>> = new Map()): Promise<Backend> {
  const local = await startDynamoDbLocal();
  const sim = await startServiceSimulation({ target: local.endpoint, latencyMs });
  const clients: DynamoDBClient[] = [];
  let databases = 0;
  const contextFor = (accessKeyId: string): BenchContext => {
    const client = localClient(local.endpoint, accessKeyId);
    clients.push(client);
    const ctx: BenchContext = {
      local: { endpoint: local.endpoint, client, accessKeyId, pid: local.pid },
      sim,
      smoke,
      durationMs,
      memo: <T>(key: string, measure: () => Promise<T>) => {
        if (!memos.has(key)) memos.set(key, measure());
        return memos.get(key) as Promise<T>;
      },
      fresh: async <T>(measure: (own: BenchContext) => Promise<T>): Promise<T> => {
        await warmUp(ctx);
        sim.reset();
        // Access key ids are letters and digits only.
        return measure(contextFor(`benchDatabase${++databases}`));
      },
      log: (line) => console.log(`    · ${line}`),
    };
    return ctx;
  };
  return {
    ctx: contextFor('local'),
    stop: async () => {
      for (const client of clients) client.destroy();
      await sim.stop();
      await local.stop();
    },
  };
}

const results: ScenarioResult[] = [];
// Every append scenario shares one DynamoDB Local and simulation, so rows can share baselines.
let shared: Backend | undefined;
try {
  for (const [index, scenario] of chosen.entries()) {
    if (shared && !chosen.slice(index).some((later) => later.uses === 'simulation')) {
      // Idle, it still runs background jobs over every table it holds, on the cores the rest share.
      await shared.stop();
      shared = undefined;
    }
    console.log(`\n${scenario.name}: ${scenario.title}`);
    const t0 = performance.now();
    const result: ScenarioResult = {
      name: scenario.name,
      title: scenario.title,
      seconds: 0,
      figures: [],
    };
    const own = scenario.uses === 'local' ? await startBackend() : undefined;
    try {
      shared ??= own ? undefined : await startBackend();
      const ctx = (own ?? shared)?.ctx as BenchContext;
      result.figures = await scenario.run(ctx);
    } catch (error) {
      result.error = String((error as Error)?.stack ?? error);
      console.log(`  FAILED TO RUN: ${result.error}`);
    } finally {
      await own?.stop();
    }
    result.seconds = (performance.now() - t0) / 1000;
    for (const figure of result.figures) console.log(`  ${formatLine(figure)}`);
    results.push(result);
  }
} finally {
  await shared?.stop();
}

const targeted = results.flatMap((r) =>
  r.figures.filter((f) => f.target).map((f) => ({ scenario: r.name, figure: f })),
);
const missed = targeted.filter((t) => !meets(t.figure));
const broken = results.filter((r) => r.error);
console.log(`\n${summaryTable(results)}`);
writeFileSync(
  out,
  `${JSON.stringify(
    {
      date: startedAt.toISOString(),
      smoke,
      only: only.length > 0 ? only : undefined,
      settings: { durationMs, latencyMs },
      machine: { ...before, loadAverageAfter: machine().loadAverage },
      totalSeconds: Math.round((Date.now() - startedAt.getTime()) / 1000),
      targets: {
        total: targeted.length,
        met: targeted.length - missed.length,
        missed: missed.length,
      },
      scenarios: results.map((r) => ({
        ...r,
        figures: r.figures.map((f) => ({ ...f, met: f.target ? meets(f) : undefined })),
      })),
    },
    null,
    2,
  )}\n`,
);
// In Biome's own layout, so `npm test` (biome check) accepts the committed file as it is written.
spawnSync(process.execPath, [biome, 'format', '--write', out], { stdio: 'ignore' });
console.log(
  `\n${targeted.length - missed.length} of ${targeted.length} targets met` +
    (broken.length > 0 ? `; ${broken.length} scenario(s) failed to run` : '') +
    `; results in ${out}`,
);
process.exit(missed.length === 0 && broken.length === 0 ? 0 : 1);

function formatLine(figure: Figure): string {
  const target = figure.target
    ? `  (target ${figure.target.op} ${figure.target.value}: ${meets(figure) ? 'met' : 'MISSED'})`
    : '';
  const detail = figure.detail ? `  [${figure.detail}]` : '';
  return `${figure.name.padEnd(52)} ${formatNumber(figure.value).padStart(10)} ${figure.unit}${target}${detail}`;
}

/** The figures with a target, as a Markdown table (the README's performance table is this). */
function summaryTable(all: ScenarioResult[]): string {
  const lines = ['| scenario | figure | value | target | |', '| --- | --- | --- | --- | --- |'];
  for (const r of all) {
    if (r.error) lines.push(`| ${r.name} | failed to run | | | MISSED |`);
    for (const f of r.figures) {
      if (!f.target) continue;
      const value = `${formatNumber(f.value)} ${f.unit}${f.detail ? ` (${f.detail})` : ''}`;
      lines.push(
        `| ${r.name} | ${f.name} | ${value} | ${f.target.op} ${f.target.value} | ${meets(f) ? 'met' : 'MISSED'} |`,
      );
    }
  }
  return lines.join('\n');
}
