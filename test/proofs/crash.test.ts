import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { freePort, localClient } from '../../local/dynamodb-local.js';
import { runtimeDefaults } from '../../local/runtime.js';
import { EventStore } from '../../src/event-store.js';
import type { PositionedEvent } from '../../src/types.js';
import {
  type AppendAnswer,
  accountBalanceOf,
  answerViolations,
  halfAppendViolations,
  javaPort,
  postAppend,
  type Reply,
  type SentAppend,
} from '../support/http-appends.js';
import {
  javaProcessesUsing,
  type MainProcess,
  startMain,
  stopMain,
  waitForStartLine,
} from '../support/main-process.js';
import {
  allStreamViolations,
  byStream,
  countByEventId,
  positionCoverageViolations,
  readAllEvents,
} from '../support/store-audit.js';

// Crash proof (issue 10): `npm start` on a fresh data folder, 8 clients
// appending over HTTP, the whole machine "crashes" (SIGKILL to the runtime,
// then to its DynamoDB Local 30 ms later), a restart on the same folder, and then:
// every acknowledged append there exactly once, no half append, every
// position of $all resolved, projections caught up; the appends that got no
// answer, retried with the same ids, stored once each.

const CLIENTS = 8;
const ACKS_BEFORE_CRASH = 30;
const scratch = mkdtempSync(join(tmpdir(), 'crash-proof-'));
const dataDir = join(scratch, 'data');
const started: MainProcess[] = [];

afterAll(async () => {
  for (const main of started) await stopMain(main);
  // A failed test may leave the java of a killed runtime: ours, found by our own folder.
  for (const pid of javaProcessesUsing(dataDir)) process.kill(pid, 'SIGKILL');
  rmSync(scratch, { recursive: true, force: true });
});

interface Sent {
  append: SentAppend;
  reply: Reply;
}

/**
 * One client: two accounts of its own, appended to one request at a time
 * (even clients name the exact version, odd ones 'any'). A stream whose
 * append got no 201 is left alone: its version is unknown until the retry.
 */
async function client(
  url: string,
  c: number,
  stop: () => boolean,
  onAck: () => void,
): Promise<Sent[]> {
  const accounts = [0, 1].map((a) => ({
    streamId: `account-crash${c}x${a}-${randomUUID().slice(0, 8)}`,
    version: 0,
    open: true,
  }));
  const sent: Sent[] = [];
  for (let n = 0; !stop(); n++) {
    const account = accounts.filter((a) => a.open)[n % 2] ?? accounts.find((a) => a.open);
    if (!account) break;
    const deposits = account.version === 0 ? 1 : 1 + (n % 3);
    const events = Array.from({ length: deposits }, (_, i) => ({
      eventId: `${account.streamId}-v${account.version + i + 1}`,
      ...(account.version === 0 && i === 0
        ? { type: 'AccountOpened', data: { owner: `client ${c}` } }
        : {
            type: 'MoneyDeposited',
            data: { amount: 1 + ((n * 7 + i) % 50), currency: 'EUR' },
          }),
    }));
    const append = {
      streamId: account.streamId,
      events,
      expectedVersion: c % 2 === 0 ? account.version : ('any' as const),
    };
    const reply = await postAppend(url, append);
    sent.push({ append, reply });
    if (reply.status !== 201) {
      account.open = false;
      continue;
    }
    account.version = (reply.body as AppendAnswer).nextExpectedVersion;
    onAck();
  }
  return sent;
}

async function until<T>(what: string, read: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const value = await read();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not within 30 s`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function startRuntime(port: number): Promise<{ main: MainProcess; url: string }> {
  const main = startMain({ PORT: String(port), DATA_DIR: dataDir, POWERTOOLS_LOG_LEVEL: 'SILENT' });
  started.push(main);
  await waitForStartLine(main, 60_000);
  return { main, url: `http://127.0.0.1:${port}` };
}

/** The store behind a running runtime, read directly, with a short wait at holes. */
function checkingStore(): EventStore {
  const [java] = javaProcessesUsing(dataDir);
  return new EventStore({
    tableName: runtimeDefaults.eventsTable,
    client: localClient(`http://127.0.0.1:${javaPort(java as number)}`),
    allStreamMaxWaitMs: 300,
  });
}

/** Each account stream's events, as stored, and what its projection document must say. */
async function expectProjectionsCaughtUp(url: string, all: readonly PositionedEvent[]) {
  const streams = byStream(all);
  for (const [streamId, events] of streams) {
    const key = streamId.slice('account-'.length);
    const document = await until(`projection of ${streamId}`, async () => {
      const response = await fetch(`${url}/projections/account-balances/${key}`);
      if (response.status !== 200) return undefined;
      const body = (await response.json()) as { state: { lastVersion: number } };
      return body.state.lastVersion === events.length ? body : undefined;
    });
    expect(document).toMatchObject({
      state: accountBalanceOf(events),
      streams: { [streamId]: events.length },
    });
  }
}

function auditStored(all: readonly PositionedEvent[], sent: readonly Sent[]): string[] {
  const byId = new Map(all.map((e) => [e.eventId, e]));
  const streams = byStream(all);
  const counts = countByEventId(all);
  return [
    ...allStreamViolations(all, 'reserved'),
    ...sent.flatMap(({ append }) => halfAppendViolations(append, byId)),
    ...sent.flatMap(({ append, reply }) =>
      reply.status === 201
        ? answerViolations(append, reply.body as AppendAnswer, streams.get(append.streamId) ?? [])
        : [],
    ),
    ...[...counts].filter(([, n]) => n !== 1).map(([id, n]) => `${id} stored ${n} times`),
  ];
}

it('keeps every acknowledged append exactly once through a SIGKILL of the runtime and its DynamoDB Local; retries of the unanswered ones store each event once', async () => {
  // Prepare: npm start on a fresh folder, and 8 clients appending
  const port = await freePort();
  const first = await startRuntime(port);
  let acks = 0;
  let crashed = false;
  const clients = Array.from({ length: CLIENTS }, (_, c) =>
    client(
      first.url,
      c,
      () => crashed,
      () => acks++,
    ),
  );

  // Act: the crash, mid-load: both processes killed at once, as by a power cut
  const java = javaProcessesUsing(dataDir);
  await until('load', async () => (acks >= ACKS_BEFORE_CRASH ? true : undefined));
  // The runtime first and DynamoDB Local a moment later: transactions it had already sent
  // still commit, and their answers are lost with it.
  first.main.child.kill('SIGKILL');
  crashed = true;
  await new Promise((resolve) => setTimeout(resolve, 30));
  for (const pid of java) process.kill(pid, 'SIGKILL');
  const sent = (await Promise.all(clients)).flat();
  await first.main.exited;
  const javaAfterCrash = await until('java gone', async () =>
    javaProcessesUsing(dataDir).length === 0 ? [] : undefined,
  );

  // Act: restart on the same folder
  const second = await startRuntime(port);
  const store = checkingStore();
  const afterRestart = await readAllEvents(store);
  const lastPosition = afterRestart.at(-1)?.position ?? 0;
  const coverage = await positionCoverageViolations(
    localClient(`http://127.0.0.1:${javaPort(javaProcessesUsing(dataDir)[0] as number)}`),
    runtimeDefaults.eventsTable,
    1,
    lastPosition,
  );

  // Assess: what the crash left
  expect(java).toHaveLength(1);
  expect(javaAfterCrash).toEqual([]);
  const answered = sent.filter((s) => s.reply.status === 201);
  expect(answered.length).toBeGreaterThanOrEqual(ACKS_BEFORE_CRASH);
  expect(auditStored(afterRestart, answered)).toEqual([]);
  expect(coverage).toEqual([]);
  await expectProjectionsCaughtUp(second.url, afterRestart);

  // Act: the unanswered appends again, same ids, same expected version
  const unanswered = sent.filter((s) => s.reply.status !== 201);
  const retried = await Promise.all(
    unanswered.map(async ({ append }) => ({ append, reply: await postAppend(second.url, append) })),
  );
  const afterRetries = await readAllEvents(store);

  // Assess
  expect(unanswered.length).toBeGreaterThan(0);
  expect(retried.map((r) => r.reply.status)).toEqual(retried.map(() => 201));
  expect(auditStored(afterRetries, [...answered, ...retried])).toEqual([]);
  const everyId = [...answered, ...retried].flatMap((s) => s.append.events.map((e) => e.eventId));
  expect(afterRetries.map((e) => e.eventId).sort()).toEqual(everyId.sort());
  await expectProjectionsCaughtUp(second.url, afterRetries);
  second.main.child.kill('SIGTERM');
  expect(await second.main.exited).toBe(0);
  expect(javaProcessesUsing(dataDir)).toEqual([]);
});
