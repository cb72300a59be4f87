import { randomUUID } from 'node:crypto';
import { type DynamoDBClient, UpdateTableCommand } from '@aws-sdk/client-dynamodb';
import type { RunningSimulation } from '../local/simulation/service-simulation.js';
import { createTables } from '../src/create-tables.js';
import { EventStore } from '../src/event-store.js';
import type { PositionMode } from '../src/types.js';

export interface Target {
  op: '<=' | '>=';
  value: number;
}

/**
 * One figure a scenario reports. With `target` it passes or fails; without,
 * it is there to explain the others. A ratio names what it divides in `detail`.
 */
export interface Figure {
  name: string;
  value: number;
  unit: string;
  target?: Target;
  detail?: string;
}

export interface BenchContext {
  /**
   * Plain DynamoDB Local (in memory): reads, table setup. `client` signs with
   * `accessKeyId`, which picks the database inside DynamoDB Local; processes
   * that append through the simulation must sign with it too.
   */
  local: { endpoint: string; client: DynamoDBClient; accessKeyId: string; pid: number };
  /** The simulated service (10 ms, the real conflict rule) in front of the same DynamoDB Local. */
  sim: RunningSimulation;
  smoke: boolean;
  /** How long each timed append run lasts. */
  durationMs: number;
  /** A measurement shared by the scenarios of one run (a baseline several rows divide by). */
  memo<T>(key: string, measure: () => Promise<T>): Promise<T>;
  /**
   * Runs `measure` in a database of its own on this warm DynamoDB Local, the
   * simulation's counters reset. DynamoDB Local keeps one database per access
   * key id, and a database slows down as its tables' stream records pile up,
   * which made a figure depend on what ran before it; a new JVM instead
   * would measure its JIT compiler (CPU per append 4-5x higher in its first
   * 10-20 s under load).
   */
  fresh<T>(measure: (ctx: BenchContext) => Promise<T>): Promise<T>;
  log(line: string): void;
}

export interface Scenario {
  /** Short and unique: `npm run bench -- --only <name>`. */
  name: string;
  title: string;
  /**
   * `simulation`: appends through the simulated service, on the DynamoDB Local
   * every such scenario shares (their baselines are shared too). `local`: a
   * fresh DynamoDB Local of its own: a long-lived one slows down as its tables
   * and stream records pile up, which would bend the later figures.
   */
  uses: 'simulation' | 'local';
  run(ctx: BenchContext): Promise<Figure[]>;
}

export const uniqueName = (prefix: string): string => `${prefix}-${randomUUID().slice(0, 8)}`;

export async function freshTable(
  client: DynamoDBClient,
  prefix: string,
  positionMode: PositionMode = 'reserved',
): Promise<string> {
  const eventsTable = uniqueName(prefix);
  await createTables(client, { eventsTable, positionMode });
  return eventsTable;
}

/**
 * A fresh events table for an append figure, without its DynamoDB Stream
 * unless the mode needs one (sequenced: the sequencer reads the heads'
 * records). DynamoDB Local charges every write for the stream records its
 * database already holds (measured: 64 writers fell from 597 to 90 appends/s
 * over five 4 s runs in one database), where the service charges a write
 * nothing for its stream. Castore's table has no stream either.
 */
export async function appendTable(
  client: DynamoDBClient,
  prefix: string,
  positionMode: PositionMode = 'reserved',
): Promise<string> {
  const tableName = await freshTable(client, prefix, positionMode);
  if (positionMode !== 'sequenced') {
    await client.send(
      new UpdateTableCommand({
        TableName: tableName,
        StreamSpecification: { StreamEnabled: false },
      }),
    );
  }
  return tableName;
}

/** A store on a fresh table of plain DynamoDB Local. */
export async function freshStore(ctx: BenchContext, prefix: string): Promise<EventStore> {
  const tableName = await freshTable(ctx.local.client, prefix);
  return new EventStore({ tableName, client: ctx.local.client });
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index] ?? Number.NaN;
}

export function meets(figure: Figure): boolean {
  if (!figure.target) return true;
  return figure.target.op === '<='
    ? figure.value <= figure.target.value
    : figure.value >= figure.target.value;
}

export function ratio(
  name: string,
  measured: number,
  baseline: number,
  target: Target | undefined,
  detail: string,
): Figure {
  return { name, value: measured / baseline, unit: 'x', target, detail };
}

export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  return Math.abs(value) >= 100 ? value.toFixed(0) : value.toFixed(2);
}

/** Runs `worker` on `concurrency` lanes until `total` jobs are done; returns the wall time in ms. */
export async function runLanes(
  total: number,
  concurrency: number,
  worker: (job: number) => Promise<void>,
): Promise<number> {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let job = next++; job < total; job = next++) await worker(job);
    }),
  );
  return performance.now() - started;
}

/** How long `fn` takes, in ms. */
export async function timed(fn: () => Promise<void>): Promise<number> {
  const started = performance.now();
  await fn();
  return performance.now() - started;
}
