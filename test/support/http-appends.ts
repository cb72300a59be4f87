import { readFileSync } from 'node:fs';
import {
  evolveAccount,
  initialAccountState,
} from '../../examples/bank-account/src/bank-account.js';
import type { ExpectedVersion, RecordedEvent } from '../../src/types.js';

/** An append as an HTTP client sends it: the event ids make a retry of it idempotent. */
export interface SentAppend {
  readonly streamId: string;
  readonly events: readonly { eventId: string; type: string; data: unknown }[];
  readonly expectedVersion: ExpectedVersion;
}

/** The 201 body of POST /streams/{id}/events. */
export interface AppendAnswer {
  streamId: string;
  nextExpectedVersion: number;
  firstPosition: number;
  lastPosition: number;
}

/** What came back: a status and body, or nothing (connection refused or reset, timed out, abandoned). */
export type Reply = { status: number; body: unknown } | { status: undefined; error: string };

/** The body of a 201 reply. */
export function answerOf(reply: Reply): AppendAnswer {
  if (reply.status !== 201) throw new Error(`not a 201: ${JSON.stringify(reply)}`);
  return reply.body as AppendAnswer;
}

export async function postAppend(
  url: string,
  append: SentAppend,
  signal: AbortSignal = AbortSignal.timeout(15_000),
): Promise<Reply> {
  try {
    const response = await fetch(`${url}/streams/${encodeURIComponent(append.streamId)}/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ events: append.events, expectedVersion: append.expectedVersion }),
      signal,
    });
    return { status: response.status, body: await response.json() };
  } catch (error) {
    return { status: undefined, error: String((error as Error).cause ?? error) };
  }
}

/**
 * Whether a 201 answer matches what is stored: the stream's versions
 * next-k+1..next hold exactly these event ids, at positions first..last.
 */
export function answerViolations(
  append: SentAppend,
  answer: AppendAnswer,
  stream: readonly RecordedEvent[],
): string[] {
  const k = append.events.length;
  const stored = stream.filter(
    (e) => e.version > answer.nextExpectedVersion - k && e.version <= answer.nextExpectedVersion,
  );
  const expected = append.events.map((e, i) => ({
    version: answer.nextExpectedVersion - k + i + 1,
    position: answer.firstPosition + i,
    eventId: e.eventId,
  }));
  const actual = stored.map(({ version, position, eventId }) => ({ version, position, eventId }));
  const same =
    JSON.stringify(actual) === JSON.stringify(expected) &&
    answer.lastPosition === answer.firstPosition + k - 1;
  return same
    ? []
    : [`${append.streamId}: answered ${JSON.stringify(answer)}, stored ${JSON.stringify(actual)}`];
}

/** All or nothing: an append's ids are stored all (one commit: contiguous, one time) or none. */
export function halfAppendViolations(
  append: SentAppend,
  byId: ReadonlyMap<string, RecordedEvent>,
): string[] {
  const found = append.events.map((e) => byId.get(e.eventId));
  const present = found.filter((e): e is RecordedEvent => e !== undefined);
  if (present.length === 0) return [];
  const first = present[0] as RecordedEvent;
  const whole =
    present.length === found.length &&
    present.every(
      (e, i) =>
        e.streamId === append.streamId &&
        e.version === first.version + i &&
        e.position === (first.position as number) + i &&
        e.createdAt === first.createdAt,
    );
  return whole ? [] : [`${append.streamId}: half an append stored ${JSON.stringify(present)}`];
}

/** The account-balances document's state a stream's events make (src/domain/bank-account.ts). */
export function accountBalanceOf(events: readonly RecordedEvent[]) {
  return {
    ...events.reduce(evolveAccount, initialAccountState()),
    lastVersion: events.at(-1)?.version ?? 0,
  };
}

/** The port a DynamoDB Local process listens on, from its command line (`-port N`). */
export function javaPort(pid: number): number {
  const args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
  const port = Number(args[args.indexOf('-port') + 1]);
  if (!Number.isInteger(port)) throw new Error(`no -port in ${args.join(' ')}`);
  return port;
}
