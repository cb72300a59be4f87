import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import {
  CreateTableCommand,
  type DynamoDBClient,
  waitUntilTableExists,
} from '@aws-sdk/client-dynamodb';
import {
  EVENT_TABLE_EVENT_STORE_ID_KEY,
  EVENT_TABLE_INITIAL_EVENT_INDEX_NAME,
  EVENT_TABLE_PK,
  EVENT_TABLE_SK,
  EVENT_TABLE_TIMESTAMP_KEY,
} from '@castore/event-storage-adapter-dynamodb';
import { percentile } from '../harness.js';
import type { FromPeer, PeerPlan, PeerReport, ToPeer } from './peer-protocol.js';

const workerPath = fileURLToPath(new URL('./peer-worker.ts', import.meta.url));
const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

export interface PeerRun {
  /** Successful operations per second of wall time. */
  perSecond: number;
  ops: number;
  failed: number;
  errors: Record<string, number>;
  p50: number;
  p99: number;
}

/** Runs one peer load in its own OS process, as runAppendWorkers runs the store: ready first, then timed. */
export async function runPeer(plan: PeerPlan, timeoutMs = 120_000): Promise<PeerRun> {
  const child = spawn(process.execPath, ['--import', 'tsx', workerPath], {
    cwd: repoRoot,
    env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  try {
    let started = 0;
    const report = await new Promise<PeerReport>((resolve, reject) => {
      child.on('message', (message: FromPeer) => {
        if (message.kind === 'ready') {
          started = performance.now();
          child.send({ kind: 'go' } satisfies ToPeer);
        } else if (message.kind === 'done') resolve(message.report);
        else reject(new Error(`peer worker failed: ${message.error}`));
      });
      child.on('error', reject);
      child.on('close', (code, signal) =>
        reject(new Error(`peer worker exited (${signal ?? code}): ${stderr}`)),
      );
      child.send({ kind: 'plan', plan } satisfies ToPeer);
    });
    const wallMs = performance.now() - started;
    const latencies = [...report.latencies].sort((a, b) => a - b);
    return {
      perSecond: (report.ops / wallMs) * 1000,
      ops: report.ops,
      failed: report.failed,
      errors: report.errors,
      p50: percentile(latencies, 50),
      p99: percentile(latencies, 99),
    };
  } finally {
    clearTimeout(timer);
    if (child.exitCode === null) child.kill('SIGKILL');
  }
}

/** The table Castore's single-table adapter documents: aggregateId + version, and its initialEvents index. */
export async function createCastoreTable(client: DynamoDBClient, tableName: string): Promise<void> {
  await client.send(
    new CreateTableCommand({
      TableName: tableName,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [
        { AttributeName: EVENT_TABLE_PK, AttributeType: 'S' },
        { AttributeName: EVENT_TABLE_SK, AttributeType: 'N' },
        { AttributeName: EVENT_TABLE_EVENT_STORE_ID_KEY, AttributeType: 'S' },
        { AttributeName: EVENT_TABLE_TIMESTAMP_KEY, AttributeType: 'S' },
      ],
      KeySchema: [
        { AttributeName: EVENT_TABLE_PK, KeyType: 'HASH' },
        { AttributeName: EVENT_TABLE_SK, KeyType: 'RANGE' },
      ],
      GlobalSecondaryIndexes: [
        {
          IndexName: EVENT_TABLE_INITIAL_EVENT_INDEX_NAME,
          KeySchema: [
            { AttributeName: EVENT_TABLE_EVENT_STORE_ID_KEY, KeyType: 'HASH' },
            { AttributeName: EVENT_TABLE_TIMESTAMP_KEY, KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'KEYS_ONLY' },
        },
      ],
    }),
  );
  await waitUntilTableExists({ client, maxWaitTime: 60, minDelay: 1 }, { TableName: tableName });
}
