import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  type AppendWorkersOptions,
  type AppendWorkersResult,
  runAppendWorkers,
} from '../../local/simulation/append-workers.js';
import {
  type RunningSimulation,
  startServiceSimulation,
} from '../../local/simulation/service-simulation.js';
import { EventStore } from '../../src/event-store.js';
import type { PositionedEvent, PositionMode, RecordedEvent } from '../../src/types.js';
import { createTestTables, testClient, testEndpoint } from '../support/dynamodb.js';
import { groupViolations, strayEventViolations } from '../support/group-audit.js';
import { allStreamViolations, byStream, readAllEvents } from '../support/store-audit.js';

// appendToStreams from several OS processes (Lambda containers) through the
// service simulation: 3 processes x 2 writers, each append 2-3 streams of a
// pool of 4, so transactions of different processes hold the same heads and
// cancel each other. Every group must be stored whole or not at all.

const POOL = 4;
const client = testClient();
let sim: RunningSimulation | undefined;

beforeAll(async () => {
  sim = await startServiceSimulation({ target: testEndpoint(), latencyMs: 10 });
});

afterAll(async () => {
  await sim?.stop();
  client.destroy();
});

type Mode = Extract<PositionMode, 'reserved' | 'strict'>;
/** What a failed append may say in strict mode: the counter lost too often, or (exact) a moved stream. */
const STRICT_FAILURES = ['ContentionRetriesExhausted', 'WrongExpectedVersion'];

it.each([
  ['reserved', 'any', 3],
  ['reserved', 'any', 2],
  ['strict', 'any', 2],
  ['strict', 'exact', 3],
] as const)(
  '%s mode, %s versions: 3 processes x 2 writers appending to %i of 4 shared streams at once store each group whole or not at all',
  async (mode, expectedVersion, multiStream) => {
    // A round in which no transaction happened to be cancelled proved nothing about conflicts:
    // another one runs (each fully checked).
    let cancelled = 0;
    for (let round = 0; round < 3 && cancelled === 0; round++) {
      const run = await checkedRound(mode, {
        expectedVersion,
        multiStream,
        appendsPerWriter: 4,
      });
      cancelled = sim!.stats().transactionsCancelledByConflict;
      if (mode === 'reserved') expect(run.errors).toEqual({});
      else expect(Object.keys(run.errors).filter((c) => !STRICT_FAILURES.includes(c))).toEqual([]);
      if (expectedVersion === 'any') expect(run.errors).not.toHaveProperty('WrongExpectedVersion');
    }
    expect(cancelled).toBeGreaterThan(0);
  },
);

it.each([
  ['reserved', 'exact', 2],
  ['strict', 'exact', 3],
  ['strict', 'any', 2],
] as const)(
  '%s mode, %s versions, %i streams each: groups whose transaction replies were lost, retried with the same event ids, are stored once',
  async (mode, expectedVersion, multiStream) => {
    // Every lost reply reaches the store (no SDK resend), and its budget of 2 transactions runs
    // out often (ContentionRetriesExhausted): the writers send whatever failed again, same ids.
    const run = await checkedRound(mode, {
      expectedVersion,
      multiStream,
      appendsPerWriter: 3,
      retryUntilStored: true,
      sdkMaxAttempts: 1,
      storeOptions: { retry: { maxAttempts: 2 } },
      configure: {
        lostReplyCount: 2,
        lostReplyRate: 0.1,
        lostReplyOperations: ['TransactWriteItems'],
      },
    });
    expect(sim!.stats().lostReplies).toBeGreaterThan(0);
    expect(run.appends.filter((a) => !a.ok)).toEqual([]);
    expect(run.appends.filter((a) => (a.failedTries?.length ?? 0) > 0).length).toBeGreaterThan(0);
  },
);

interface Round extends Partial<AppendWorkersOptions> {
  configure?: Parameters<RunningSimulation['configure']>[0];
}

/** One run on fresh tables, and every check of what it stored; returns the run. */
async function checkedRound(mode: Mode, round: Round): Promise<AppendWorkersResult> {
  // Prepare
  const { configure, ...options } = round;
  const tables = await createTestTables(`sim-groups-${mode}`, client, mode);
  sim!.reset();
  sim!.configure({ lostReplyCount: 0, lostReplyRate: 0, ...configure });

  // Act
  const run = await runAppendWorkers({
    endpoint: sim!.endpoint,
    tableName: tables.eventsTable,
    processes: 3,
    writersPerProcess: 2,
    eventsPerAppend: 2,
    streams: POOL,
    eventIdPrefix: `g-${randomUUID().slice(0, 8)}`,
    ...options,
  });
  sim!.configure({ lostReplyCount: 0, lostReplyRate: 0 });

  // Assess
  // Reservations orphaned by a lost reply are settled after a short wait.
  const store = new EventStore({ tableName: tables.eventsTable, client, allStreamMaxWaitMs: 50 });
  const stored = await readAllEvents(store);
  expect(run.appends).toHaveLength(3 * 2 * (options.appendsPerWriter ?? 0));
  expect(run.appends.filter((a) => a.ok).length).toBeGreaterThan(0);
  expect(groupViolations(run.appends, stored)).toEqual([]);
  expect(strayEventViolations(run.appends, stored)).toEqual([]);
  expect(allStreamViolations(stored, mode)).toEqual([]);
  // Each stream read on its own holds what $all holds of it, in the same order.
  const streams = byStream(stored);
  for (const streamId of new Set(
    run.appends.flatMap((a) => a.members ?? []).map((m) => m.streamId),
  )) {
    const own: RecordedEvent[] = [];
    for await (const event of store.readStream(streamId)) own.push(event);
    expect(own.map(idAndVersion)).toEqual((streams.get(streamId) ?? []).map(idAndVersion));
  }
  await tables.drop();
  return run;
}

const idAndVersion = (e: RecordedEvent | PositionedEvent) => `${e.eventId}@${e.version}`;
