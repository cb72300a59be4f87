import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { expect } from 'vitest';
import { WrongExpectedVersionError } from '../../src/errors.js';
import type { EventStore } from '../../src/event-store.js';
import type { AppendResult, PositionMode } from '../../src/types.js';
import { readAllEvents } from '../support/store-audit.js';
import {
  type AppendRequest,
  expectedEvents,
  resultOf,
  StoreModel,
} from '../support/store-model.js';

/** The system under test of one model run. */
export interface Real {
  readonly store: EventStore;
  readonly client: DynamoDBClient;
  readonly mode: PositionMode;
}

type Outcome = { ok: true; value: AppendResult } | { ok: false; error: unknown };

/**
 * A concurrent round has no single expected outcome: appends to one stream
 * may commit in any order. The round is right when its commits, taken in
 * position order per stream, are each a valid append on the stream as the
 * ones before left it (expected version allowed, next versions, fresh
 * positions), twins of one request got one commit, and every
 * WrongExpectedVersion is justified by some version the stream had during
 * the round, for a request whose events did not commit.
 */
export function verifyRound(
  model: StoreModel,
  requests: readonly AppendRequest[],
  outcomes: readonly Outcome[],
): void {
  const before = model.lastPosition;
  const versionsSeen = new Map<string, number[]>();
  const committed = requests
    .map((request, i) => ({ request, outcome: outcomes[i] as Outcome }))
    .filter(
      (x): x is { request: AppendRequest; outcome: { ok: true; value: AppendResult } } =>
        x.outcome.ok,
    )
    // Both modes here place events at once: positions are numbers.
    .sort(
      (a, b) =>
        (a.outcome.value.firstPosition as number) - (b.outcome.value.firstPosition as number),
    );
  const byFirstPosition = new Map<number, AppendResult>();
  for (const { request, outcome } of committed) {
    const result = outcome.value;
    const first = result.firstPosition as number;
    const twin = byFirstPosition.get(first);
    if (twin) {
      // The same commit reported to both tries of one request.
      expect(result).toEqual(twin);
      expect(result.events.map((e) => e.eventId)).toEqual(request.events.map((e) => e.eventId));
      continue;
    }
    const version = model.version(request.streamId);
    const seen = versionsSeen.get(request.streamId) ?? [version];
    versionsSeen.set(request.streamId, seen);
    expect(
      StoreModel.allows(request.expectedVersion, version),
      `${request.streamId} committed with expected ${request.expectedVersion} at version ${version}`,
    ).toBe(true);
    const createdAt = result.events[0]?.createdAt ?? '';
    const events = expectedEvents(request, version, first, createdAt);
    expect(result).toEqual(resultOf(events));
    expect(result.firstPosition).toBeGreaterThan(before);
    byFirstPosition.set(first, result);
    model.commit(events);
    seen.push(model.version(request.streamId));
  }
  requests.forEach((request, i) => {
    const outcome = outcomes[i] as Outcome;
    if (outcome.ok) return;
    expect(outcome.error).toBeInstanceOf(WrongExpectedVersionError);
    const error = outcome.error as WrongExpectedVersionError;
    const seen = versionsSeen.get(request.streamId) ?? [model.version(request.streamId)];
    expect(error.expectedVersion).toEqual(request.expectedVersion);
    expect(seen).toContain(error.actualVersion);
    expect(seen.some((v) => !StoreModel.allows(request.expectedVersion, v))).toBe(true);
    const ids = new Set(model.events(request.streamId).map((e) => e.eventId));
    expect(
      request.events.some((e) => ids.has(e.eventId)),
      `${request.streamId}: refused with WrongExpectedVersion, yet its events committed`,
    ).toBe(false);
  });
}

/** The whole run's part of the store equals the model: `$all` and every stream. */
export async function expectStoreEqualsModel(model: StoreModel, real: Real): Promise<void> {
  expect(await readAllEvents(real.store, model.startPosition + 1)).toEqual(model.all());
  for (const streamId of new Set(model.sent.map((r) => r.streamId))) {
    const events = model.events(streamId);
    if (events.length === 0) {
      expect(await real.store.getStreamHead(streamId)).toBeUndefined();
      continue;
    }
    const read = [];
    for await (const event of real.store.readStream(streamId)) read.push(event);
    expect(read).toEqual(events);
  }
}
