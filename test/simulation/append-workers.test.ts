import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runAppendWorkers } from '../../local/simulation/append-workers.js';
import {
  type RunningSimulation,
  startServiceSimulation,
} from '../../local/simulation/service-simulation.js';
import type { RecordedEvent } from '../../src/types.js';
import { testEndpoint, useTestStore } from '../support/dynamodb.js';

const fixture = useTestStore('sim-workers');
let sim: RunningSimulation | undefined;

beforeAll(async () => {
  sim = await startServiceSimulation({ target: testEndpoint(), latencyMs: 10 });
});

afterAll(async () => {
  await sim?.stop();
});

it('stores every acknowledged event of 3 processes x 2 writers exactly once, under real conflicts', async () => {
  const prefix = `w-${randomUUID().slice(0, 8)}`;

  const run = await runAppendWorkers({
    endpoint: sim!.endpoint,
    tableName: fixture.tables.eventsTable,
    processes: 3,
    writersPerProcess: 2,
    appendsPerWriter: 3,
    eventsPerAppend: 2,
    streams: 3,
    eventIdPrefix: prefix,
  });

  const stored: RecordedEvent[] = [];
  for await (const event of fixture.store.readAll()) stored.push(event);
  const timesStored = new Map<string, number>();
  for (const event of stored)
    timesStored.set(event.eventId, (timesStored.get(event.eventId) ?? 0) + 1);
  const acknowledged = run.appends.filter((a) => a.ok).flatMap((a) => a.eventIds);
  const attempted = new Set(run.appends.flatMap((a) => a.eventIds));

  expect(run.appends).toHaveLength(3 * 2 * 3);
  expect(acknowledged.length).toBeGreaterThan(0);
  expect(acknowledged.filter((id) => timesStored.get(id) !== 1)).toEqual([]);
  expect([...timesStored].filter(([id, times]) => times !== 1 || !attempted.has(id))).toEqual([]);
  // Positions are gap-free; each stream's versions run 1..n.
  expect(stored.map((e) => e.position)).toEqual(stored.map((_, i) => i + 1));
  for (const streamId of new Set(stored.map((e) => e.streamId))) {
    const versions = stored.filter((e) => e.streamId === streamId).map((e) => e.version);
    expect(versions.sort((a, b) => a - b)).toEqual(versions.map((_, i) => i + 1));
  }
  // Three processes on one counter: the simulation cancelled some of their transactions.
  expect(sim!.stats().transactionsCancelledByConflict).toBeGreaterThan(0);
});
