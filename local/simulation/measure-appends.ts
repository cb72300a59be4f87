import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { createTables } from '../../src/create-tables.js';
import { localClient, type RunningDynamoDbLocal, startDynamoDbLocal } from '../dynamodb-local.js';
import { runAppendWorkers } from './append-workers.js';
import { startServiceSimulation } from './service-simulation.js';

const usage = `Usage: npx tsx local/simulation/measure-appends.ts [options]
  --shapes 1x1,8x1,4x4   processes x writers per process, one run each (default)
  --duration-ms 5000     per run
  --latency-ms 10
  --events 1             events per append
  --warmup-ms 2000       one writer first, not reported (DynamoDB Local's JIT)
  --mode reserved        the position mode of each run's table (reserved | strict)
  --group-commit true    EventStore groupCommit (true | false)
  --expected any         any (read the stream first) | exact (the version the writer knows, 0 for a new stream)
  --target <url>         a running DynamoDB Local (default: start one, in memory)`;

/**
 * Today's EventStore under the simulated service, from several processes:
 * one line of JSON per run (appends/s, failures by code, conflicts). A fresh
 * table per run. Figures, not a test: run it on a quiet machine.
 */
async function main(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      shapes: { type: 'string', default: '1x1,8x1,4x4' },
      'duration-ms': { type: 'string', default: '5000' },
      'latency-ms': { type: 'string', default: '10' },
      events: { type: 'string', default: '1' },
      'warmup-ms': { type: 'string', default: '2000' },
      target: { type: 'string' },
      mode: { type: 'string', default: 'reserved' },
      'group-commit': { type: 'string', default: 'true' },
      expected: { type: 'string', default: 'any' },
      help: { type: 'boolean' },
    },
  });
  if (values.help) return console.log(usage);
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const local: RunningDynamoDbLocal | undefined = values.target
    ? undefined
    : await startDynamoDbLocal();
  const target = values.target ?? local?.endpoint ?? '';
  const sim = await startServiceSimulation({ target, latencyMs: Number(values['latency-ms']) });
  const client = localClient(target);
  try {
    const warmup = Number(values['warmup-ms']);
    const shapes = values.shapes.split(',');
    for (const shape of warmup > 0 ? ['warmup', ...shapes] : shapes) {
      const [processes, writers] = shape === 'warmup' ? [1, 1] : shape.split('x').map(Number);
      const tableName = `measure-${randomUUID().slice(0, 8)}`;
      await createTables(client, {
        eventsTable: tableName,
        positionMode: values.mode === 'strict' ? 'strict' : 'reserved',
      });
      sim.reset();
      const run = await runAppendWorkers({
        endpoint: sim.endpoint,
        tableName,
        processes,
        writersPerProcess: writers,
        durationMs: shape === 'warmup' ? warmup : Number(values['duration-ms']),
        eventsPerAppend: Number(values.events),
        expectedVersion: values.expected === 'exact' ? 'exact' : 'any',
        eventIdPrefix: randomUUID().slice(0, 8),
        storeOptions: { groupCommit: values['group-commit'] !== 'false' },
      });
      if (shape === 'warmup') continue;
      const latencies = run.appends.map((a) => a.latencyMs).sort((a, b) => a - b);
      const stats = sim.stats();
      console.log(
        JSON.stringify({
          shape,
          appends: run.appends.length,
          wallMs: Math.round(run.wallMs),
          appendsPerSecond: round(run.appendsPerSecond),
          okPerSecond: round(run.okPerSecond),
          failedPercent: round((100 * run.failed) / Math.max(1, run.appends.length)),
          errors: run.errors,
          p50LatencyMs: Math.round(latencies[Math.floor(latencies.length / 2)] ?? 0),
          transactions: stats.requests.TransactWriteItems ?? 0,
          cancelledByConflict: stats.transactionsCancelledByConflict,
          // Calls per append, by operation: each is a round trip on the real service.
          callsPerAppend: Object.fromEntries(
            Object.entries(stats.requests).map(([op, n]) => [
              op,
              round(n / Math.max(1, run.appends.length)),
            ]),
          ),
          // Share of the run during which DynamoDB Local had a request: near 1, it is the limit.
          backendBusyShare: Math.round((100 * stats.backendBusyMs) / run.wallMs) / 100,
          // Mean ms per call spent in DynamoDB Local (and the item write queue), by operation.
          backendMsPerCall: Object.fromEntries(
            Object.entries(stats.backendMs).map(([op, ms]) => [
              op,
              round(ms / Math.max(1, stats.requests[op] ?? 1)),
            ]),
          ),
        }),
      );
    }
  } finally {
    client.destroy();
    await sim.stop();
    await local?.stop();
  }
}

const round = (n: number) => Math.round(n * 10) / 10;

main(process.argv.slice(2)).catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
