import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runAppendWorkers } from '../../local/simulation/append-workers.js';
import {
  type RunningSimulation,
  startServiceSimulation,
} from '../../local/simulation/service-simulation.js';
import { EventStore } from '../../src/event-store.js';
import type { PositionedEvent } from '../../src/types.js';
import { createTestTables, testEndpoint, useTestStore } from '../support/dynamodb.js';

const fixture = useTestStore('sim-workers');
let sim: RunningSimulation | undefined;

beforeAll(async () => {
  sim = await startServiceSimulation({ target: testEndpoint(), latencyMs: 10 });
});

afterAll(async () => {
  await sim?.stop();
});

/** Every event of the table's `$all`, read through a store of its own. */
async function readEverything(tableName: string): Promise<PositionedEvent[]> {
  const store = new EventStore({ tableName, client: fixture.client });
  const stored: PositionedEvent[] = [];
  for await (const event of store.readAll()) stored.push(event);
  return stored;
}

it.each([
  ['reserved', 'no append fails; positions increase, each used once', true],
  ['strict', 'positions are gap-free', false],
] as const)(
  '%s mode: 3 processes x 2 writers on 3 shared streams store every acknowledged event exactly once (%s)',
  async (mode, _promise, noneFail) => {
    // Overlap between processes is up to the scheduler: a round in which no transaction happened to
    // be cancelled proved nothing about conflicts, so another round runs (each one fully checked).
    let cancelled = 0;
    for (let round = 0; round < 3 && cancelled === 0; round++) {
      await oneRound(mode, noneFail);
      cancelled = sim!.stats().transactionsCancelledByConflict;
    }
    expect(cancelled).toBeGreaterThan(0);
  },
);

async function oneRound(mode: 'reserved' | 'strict', noneFail: boolean): Promise<void> {
  // Prepare
  const prefix = `w-${randomUUID().slice(0, 8)}`;
  const tables = await createTestTables(`sim-${mode}`, fixture.client, mode);
  sim!.reset();

  // Act
  const run = await runAppendWorkers({
    endpoint: sim!.endpoint,
    tableName: tables.eventsTable,
    processes: 3,
    writersPerProcess: 2,
    appendsPerWriter: 3,
    eventsPerAppend: 2,
    streams: 3,
    eventIdPrefix: prefix,
  });

  // Assess
  const stored = await readEverything(tables.eventsTable);
  const timesStored = new Map<string, number>();
  for (const event of stored)
    timesStored.set(event.eventId, (timesStored.get(event.eventId) ?? 0) + 1);
  const acknowledged = run.appends.filter((a) => a.ok).flatMap((a) => a.eventIds);
  const attempted = new Set(run.appends.flatMap((a) => a.eventIds));
  expect(run.appends).toHaveLength(3 * 2 * 3);
  if (noneFail) expect(run.errors).toEqual({});
  expect(acknowledged.length).toBeGreaterThan(0);
  expect(acknowledged.filter((id) => timesStored.get(id) !== 1)).toEqual([]);
  expect([...timesStored].filter(([id, times]) => times !== 1 || !attempted.has(id))).toEqual([]);
  const positions = stored.map((e) => e.position);
  if (mode === 'strict') expect(positions).toEqual(stored.map((_, i) => i + 1));
  else expect(positions).toEqual([...new Set(positions)].sort((a, b) => a - b));
  // Each stream's versions run 1..n, in version order within $all.
  for (const streamId of new Set(stored.map((e) => e.streamId))) {
    const versions = stored.filter((e) => e.streamId === streamId).map((e) => e.version);
    expect(versions).toEqual(versions.map((_, i) => i + 1));
  }
  await tables.drop();
}
