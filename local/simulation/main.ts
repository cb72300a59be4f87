import { parseArgs } from 'node:util';
import {
  LocalSetupError,
  type RunningDynamoDbLocal,
  startDynamoDbLocal,
} from '../dynamodb-local.js';
import { startServiceSimulation, type ThrottleError } from './service-simulation.js';

const usage = `Usage: npx tsx local/simulation/main.ts [options]
  --target <url>          a running DynamoDB Local (default: start one, in memory)
  --port <n>              the simulation's port (default: a free one)
  --latency-ms <ms>       per call (default 10)
  --latency-before <0..1> share of it before forwarding (default 0.5)
  --per-item-write-ms <ms> plain writes per item, one per this long (default 1)
  --throttle-rate <0..1>  --throttle-error ThrottlingException|ProvisionedThroughputExceededException
  --lost-reply-rate <0..1>
  --seed <n>`;

/**
 * The real service's behaviour in front of DynamoDB Local, for anything that
 * takes an endpoint: prints it, runs until Ctrl-C.
 */
async function main(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      target: { type: 'string' },
      port: { type: 'string' },
      'latency-ms': { type: 'string' },
      'latency-before': { type: 'string' },
      'per-item-write-ms': { type: 'string' },
      'throttle-rate': { type: 'string' },
      'throttle-error': { type: 'string' },
      'lost-reply-rate': { type: 'string' },
      seed: { type: 'string' },
      help: { type: 'boolean' },
    },
  });
  if (values.help) {
    console.log(usage);
    return;
  }
  // The SDK's notice about Node versions it will drop in 2027 is nothing to act on here.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const local: RunningDynamoDbLocal | undefined = values.target
    ? undefined
    : await startDynamoDbLocal();
  const target = values.target ?? local?.endpoint ?? '';
  const sim = await startServiceSimulation({
    target,
    port: numberOption(values.port, 'port'),
    latencyMs: numberOption(values['latency-ms'], 'latency-ms'),
    latencyBeforeShare: numberOption(values['latency-before'], 'latency-before'),
    perItemWriteMs: numberOption(values['per-item-write-ms'], 'per-item-write-ms'),
    throttleRate: numberOption(values['throttle-rate'], 'throttle-rate'),
    throttleError: values['throttle-error'] as ThrottleError | undefined,
    lostReplyRate: numberOption(values['lost-reply-rate'], 'lost-reply-rate'),
    seed: numberOption(values.seed, 'seed'),
  });
  console.log(
    `DynamoDB service simulation on ${sim.endpoint} -> ${target}${local ? ` (DynamoDB Local pid ${local.pid}, in memory)` : ''}; Ctrl-C stops`,
  );
  const stop = async () => {
    console.log(JSON.stringify(sim.stats()));
    await sim.stop();
    await local?.stop();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

function numberOption(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n)) throw new LocalSetupError(`--${name} must be a number (got ${value})`);
  return n;
}

main(process.argv.slice(2)).catch((error: unknown) => {
  console.error(error instanceof LocalSetupError ? error.message : error);
  process.exit(1);
});
