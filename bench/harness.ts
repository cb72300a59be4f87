import { randomUUID } from 'node:crypto';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createTables } from '../src/create-tables.js';
import { EventStore } from '../src/event-store.js';

/** One figure a scenario reports; `target` makes it pass/fail, otherwise it is informative. */
export interface Figure {
  name: string;
  value: number;
  unit: string;
  target?: { op: '<=' | '>='; value: number };
}

export interface ScenarioContext {
  endpoint: string;
  client: DynamoDBClient;
}

export interface Scenario {
  name: string;
  run(ctx: ScenarioContext): Promise<Figure[]>;
}

export async function freshStore(ctx: ScenarioContext, prefix: string): Promise<EventStore> {
  const eventsTable = `${prefix}-${randomUUID().slice(0, 8)}`;
  await createTables(ctx.client, { eventsTable });
  return new EventStore({ tableName: eventsTable, client: ctx.client });
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
