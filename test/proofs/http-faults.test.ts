import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type LocalRuntime, startLocalRuntime } from '../../local/runtime.js';
import {
  type RunningSimulation,
  startServiceSimulation,
} from '../../local/simulation/service-simulation.js';
import { EventStore } from '../../src/event-store.js';
import {
  createTestTables,
  type TestTables,
  testEndpoint,
  uniqueName,
} from '../support/dynamodb.js';
import {
  answerOf,
  answerViolations,
  halfAppendViolations,
  postAppend,
  type Reply,
  type SentAppend,
} from '../support/http-appends.js';
import {
  allStreamViolations,
  byStream,
  countByEventId,
  positionCoverageViolations,
  readAllEvents,
} from '../support/store-audit.js';

// Fault proof over HTTP (issue 10): three API servers (three Lambda
// containers, each its own EventStore with the default SDK client) on one
// store, behind the service simulation with the real conflict rule, latency,
// throttles and lost replies. Clients append to shared streams at exact
// versions and to their own with 'any', give up on some replies themselves
// (a timeout), and retry every answer that is not 201 with the same event
// ids. Every event must be stored exactly once, and every 201 must say where.

const SHARED_STREAMS = 3;
const EXACT_CLIENTS = 6;
const ANY_CLIENTS = 3;
const APPENDS_PER_CLIENT = 4;

let sim: RunningSimulation;
let tables: TestTables;
const runtimes: LocalRuntime[] = [];
const run = uniqueName('faults');

beforeAll(async () => {
  tables = await createTestTables('http-faults');
  sim = await startServiceSimulation({ target: testEndpoint(), latencyMs: 5, seed: 10 });
  for (let i = 0; i < 3; i++) {
    runtimes.push(
      await startLocalRuntime({
        port: 0,
        endpoint: sim.endpoint,
        eventsTable: tables.eventsTable,
        readModelTable: tables.readModelTable,
        logLevel: 'SILENT',
        streamProcessing: false,
      }),
    );
  }
});

afterAll(async () => {
  for (const runtime of runtimes) await runtime.stop();
  await sim?.stop();
  await tables?.drop();
  tables?.client.destroy();
});

interface Answered {
  append: SentAppend;
  reply: Reply;
}

async function until(done: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error('still busy after 20 s');
    await sleep(20);
  }
}

/** The next server, as a gateway spreads requests over containers. */
let turn = 0;
const nextUrl = () => (runtimes[turn++ % runtimes.length] as LocalRuntime).url;

async function streamVersion(streamId: string): Promise<number> {
  for (;;) {
    const response = await fetch(`${nextUrl()}/streams/${streamId}`).catch(() => undefined);
    if (response?.status === 404) return 0;
    if (response?.status === 200) return ((await response.json()) as { version: number }).version;
    await sleep(5);
  }
}

/**
 * Sends one append until it gets a 201: any other answer, or none, is retried
 * with the same ids. A 409 at an exact version means none of its tries
 * committed there: it reads the version again and goes on at the new one.
 * `giveUp` is the share of tries abandoned after a few ms (the reply is lost
 * to the client, the server goes on with it).
 */
async function appendUntilAcknowledged(
  first: SentAppend,
  giveUp: number,
  answers: Answered[],
): Promise<void> {
  let append = first;
  for (let attempt = 0; ; attempt++) {
    const abandon = Math.random() < giveUp;
    const reply = await postAppend(
      nextUrl(),
      append,
      AbortSignal.timeout(abandon ? 1 + Math.floor(Math.random() * 30) : 20_000),
    );
    answers.push({ append, reply });
    if (reply.status === 201) return;
    if (reply.status === 409 && typeof append.expectedVersion === 'number') {
      append = { ...append, expectedVersion: await streamVersion(append.streamId) };
    } else if (reply.status !== undefined && reply.status < 500 && reply.status !== 409) {
      throw new Error(`append answered ${reply.status}: ${JSON.stringify(reply)}`);
    }
    await sleep(Math.min(50, 2 ** attempt));
  }
}

async function exactClient(c: number, answers: Answered[]): Promise<void> {
  for (let n = 0; n < APPENDS_PER_CLIENT; n++) {
    const streamId = `${run}-shared-${(c + n) % SHARED_STREAMS}`;
    const events = Array.from({ length: 1 + (n % 2) }, (_, i) => ({
      eventId: `${run}-x${c}-${n}-${i}`,
      type: 'Exact',
      data: { c, n, i },
    }));
    const expectedVersion = await streamVersion(streamId);
    await appendUntilAcknowledged({ streamId, events, expectedVersion }, 0.15, answers);
  }
}

async function anyClient(c: number, answers: Answered[]): Promise<void> {
  const streamId = `${run}-own-${c}`;
  for (let n = 0; n < APPENDS_PER_CLIENT; n++) {
    const events = Array.from({ length: 1 + (n % 3) }, (_, i) => ({
      eventId: `${run}-a${c}-${n}-${i}`,
      type: 'Any',
      data: { c, n, i },
    }));
    // 'any' is idempotent while the events are the stream's latest: no try is abandoned, so a
    // retry never races an earlier try of its own.
    await appendUntilAcknowledged({ streamId, events, expectedVersion: 'any' }, 0, answers);
  }
}

it('stores every event exactly once under conflicts, throttles and lost replies, with clients retrying the same ids; every 201 says where its events are', async () => {
  // Prepare
  sim.reset();
  // The counts make sure each fault happens at least once; the rates spread more of them.
  sim.configure({ throttleRate: 0.03, lostReplyRate: 0.03, throttleCount: 1, lostReplyCount: 1 });
  const answers: Answered[] = [];

  // Act
  await Promise.all([
    ...Array.from({ length: EXACT_CLIENTS }, (_, c) => exactClient(c, answers)),
    ...Array.from({ length: ANY_CLIENTS }, (_, c) => anyClient(c, answers)),
  ]);
  // Tries the clients gave up on may still be at work in a server: let them end.
  await until(async () => sim.stats().inFlight === 0);
  await sleep(500);
  await until(async () => sim.stats().inFlight === 0);
  const stats = sim.stats();
  sim.configure({ throttleRate: 0, lostReplyRate: 0 });
  // Every appender is done: reservations orphaned by a lost reply are aborted after a short wait.
  const store = new EventStore({
    tableName: tables.eventsTable,
    client: tables.client,
    allStreamMaxWaitMs: 50,
  });
  const all = await readAllEvents(store);

  // Assess
  const acknowledged = answers.filter((a) => a.reply.status === 201);
  const streams = byStream(all);
  const byId = new Map(all.map((e) => [e.eventId, e]));
  const everyId = new Set(answers.flatMap((a) => a.append.events.map((e) => e.eventId)));
  expect(acknowledged).toHaveLength((EXACT_CLIENTS + ANY_CLIENTS) * APPENDS_PER_CLIENT);
  expect([...countByEventId(all)].filter(([, n]) => n !== 1)).toEqual([]);
  expect(all.map((e) => e.eventId).sort()).toEqual([...everyId].sort());
  expect(
    acknowledged.flatMap(({ append, reply }) =>
      answerViolations(append, answerOf(reply), streams.get(append.streamId) ?? []),
    ),
  ).toEqual([]);
  expect(answers.flatMap(({ append }) => halfAppendViolations(append, byId))).toEqual([]);
  expect(allStreamViolations(all, 'reserved')).toEqual([]);
  expect(
    await positionCoverageViolations(
      tables.client,
      tables.eventsTable,
      1,
      all.at(-1)?.position ?? 0,
    ),
  ).toEqual([]);
  // The faults did happen, and clients did retry.
  expect(stats.transactionsCancelledByConflict).toBeGreaterThan(0);
  expect(stats.throttles).toBeGreaterThan(0);
  expect(stats.lostReplies).toBeGreaterThan(0);
  expect(answers.length).toBeGreaterThan(acknowledged.length);
});
