import { localClient, startDynamoDbLocal } from '../local/dynamodb-local.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

import { type Figure, meets, type Scenario } from './harness.js';
import { appendScaling } from './scenarios/append-scaling.js';
import { projectionLag } from './scenarios/projection-lag.js';
import { readAllThroughput } from './scenarios/read-all.js';
import { readStreamMemory } from './scenarios/read-stream-memory.js';
import { startup } from './scenarios/startup.js';

/**
 * `npm run bench`: each scenario on a fresh in-memory DynamoDB Local jar, so
 * figures do not depend on what ran before. Exits 1 when a target is missed.
 */
const scenarios: Scenario[] = [
  appendScaling,
  readStreamMemory,
  readAllThroughput,
  projectionLag,
  startup,
];

const only = process.argv.slice(2);
let missed = 0;
for (const scenario of scenarios) {
  if (only.length > 0 && !only.some((word) => scenario.name.includes(word))) continue;
  const local = await startDynamoDbLocal();
  const client = localClient(local.endpoint);
  try {
    console.log(`\n${scenario.name}`);
    const figures = await scenario.run({ endpoint: local.endpoint, client });
    for (const figure of figures) {
      if (!meets(figure)) missed++;
      console.log(`  ${format(figure)}`);
    }
  } finally {
    client.destroy();
    await local.stop();
  }
}
console.log(missed === 0 ? '\nall targets met' : `\n${missed} target(s) missed`);
process.exit(missed === 0 ? 0 : 1);

function format(figure: Figure): string {
  const value = Math.abs(figure.value) >= 100 ? figure.value.toFixed(0) : figure.value.toFixed(2);
  const target = figure.target
    ? `  (target ${figure.target.op} ${figure.target.value}: ${meets(figure) ? 'met' : 'MISSED'})`
    : '';
  return `${figure.name.padEnd(48)} ${value.padStart(10)} ${figure.unit}${target}`;
}
