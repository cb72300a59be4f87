import fc from 'fast-check';
import { expect } from 'vitest';
import { StreamNotFoundError, WrongExpectedVersionError } from '../../src/errors.js';
import type { ExpectedVersion, RecordedEvent } from '../../src/types.js';
import { type Fault, type FaultOptions, injectFaults } from '../support/fault-injection.js';
import {
  type AppendRequest,
  expectedEvents,
  resultOf,
  type StoreModel,
} from '../support/store-model.js';
import { type Real, verifyRound } from './model-rounds.js';

/** An expected version, as a choice made before the stream's version is known. */
export type Expect = 'any' | 'no_stream' | 'stream_exists' | 'current' | 'stale' | 'ahead' | 'zero';

export function resolveExpected(choice: Expect, version: number): ExpectedVersion {
  switch (choice) {
    case 'current':
      return version;
    case 'stale':
      return version > 0 ? version - 1 : 2;
    case 'ahead':
      return version + 1;
    case 'zero':
      return 0;
    default:
      return choice;
  }
}

/** Faults DynamoDB Local cannot produce, on the next call of one command (see fault-injection.ts). */
export const FAULTS = {
  'tx-conflict': [{ kind: 'transaction-conflict' }, {}],
  'tx-throttled': [{ kind: 'throttling' }, {}],
  // The store sees the connection reset and settles the outcome itself.
  'tx-reply-lost': [{ kind: 'lost-reply' }, {}],
  // The SDK resends the transaction with the same token (idempotent).
  'tx-reply-lost-on-wire': [{ kind: 'lost-reply' }, { layer: 'below-sdk-retry' }],
  // Reserved mode: the SDK resends the counter's ADD; the first range is orphaned for readers to abort.
  'reservation-reply-lost-on-wire': [
    { kind: 'lost-reply' },
    { layer: 'below-sdk-retry', command: 'UpdateItemCommand' },
  ],
} as const satisfies Record<string, readonly [Fault, FaultOptions]>;
export type FaultName = keyof typeof FAULTS;

export async function settle<T>(
  promise: Promise<T>,
): Promise<{ ok: true; value: T } | { ok: false; error: unknown }> {
  try {
    return { ok: true, value: await promise };
  } catch (error) {
    return { ok: false, error };
  }
}

/** One append, checked against the model's prediction; the model then records what committed. */
async function appendAndCheck(
  model: StoreModel,
  real: Real,
  request: AppendRequest,
  fault: FaultName | undefined,
): Promise<void> {
  const prediction = model.predict(request);
  const injected = fault && injectFaults(real.client, FAULTS[fault][0], FAULTS[fault][1]);
  const outcome = await settle(
    real.store.appendToStream(request.streamId, request.events, {
      expectedVersion: request.expectedVersion,
    }),
  ).finally(() => injected?.remove());
  model.sent.push(request);
  if (prediction.kind === 'wrong-version') {
    expect(outcome.ok ? outcome.value : undefined).toBeUndefined();
    const error = outcome.ok ? undefined : outcome.error;
    expect(error).toBeInstanceOf(WrongExpectedVersionError);
    const { expectedVersion, actualVersion } = error as WrongExpectedVersionError;
    expect({ expectedVersion, actualVersion }).toEqual({
      expectedVersion: request.expectedVersion,
      actualVersion: prediction.actual,
    });
    return;
  }
  if (!outcome.ok) throw outcome.error;
  const result = outcome.value;
  if (prediction.kind === 'same') {
    expect(result).toEqual(resultOf(prediction.events));
    return;
  }
  const createdAt = result.events[0]?.createdAt ?? '';
  const events = expectedEvents(
    request,
    prediction.base,
    result.firstPosition as number,
    createdAt,
  );
  expect(result).toEqual(resultOf(events));
  if (real.mode === 'strict') expect(result.firstPosition).toBe(model.lastPosition + 1);
  else expect(result.firstPosition).toBeGreaterThan(model.lastPosition);
  model.commit(events);
}

export class AppendCommand implements fc.AsyncCommand<StoreModel, Real> {
  constructor(
    readonly stream: number,
    readonly expect: Expect,
    readonly count: number,
    readonly fault: FaultName | undefined,
  ) {}
  check = () => true;
  async run(model: StoreModel, real: Real): Promise<void> {
    const streamId = model.streamId(this.stream);
    const expectedVersion = resolveExpected(this.expect, model.version(streamId));
    const request = { streamId, events: model.newEvents(this.count), expectedVersion };
    await appendAndCheck(model, real, request, this.fault);
  }
  toString = () => `append(s${this.stream}, ${this.expect}, ${this.count}, ${this.fault ?? '-'})`;
}

/** The same events again (same ids), at the expected version sent then, or another one. */
export class RetryCommand implements fc.AsyncCommand<StoreModel, Real> {
  constructor(
    readonly pick: number,
    readonly expect: 'as-sent' | Expect,
    readonly fault: FaultName | undefined,
  ) {}
  check = (model: Readonly<StoreModel>) => model.sent.length > 0;
  async run(model: StoreModel, real: Real): Promise<void> {
    const earlier = model.sent[this.pick % model.sent.length] as AppendRequest;
    const expectedVersion =
      this.expect === 'as-sent'
        ? earlier.expectedVersion
        : resolveExpected(this.expect, model.version(earlier.streamId));
    await appendAndCheck(model, real, { ...earlier, expectedVersion }, this.fault);
  }
  toString = () => `retry(#${this.pick}, ${this.expect}, ${this.fault ?? '-'})`;
}

export interface RoundMember {
  readonly stream: number;
  readonly expect: Expect;
  readonly count: number;
  /** Sent twice at once (a client's retry racing its first try). */
  readonly twice: boolean;
}

/** Appends sent at once through the one store (group commit shares their transactions). */
export class RoundCommand implements fc.AsyncCommand<StoreModel, Real> {
  constructor(readonly members: readonly RoundMember[]) {}
  check = () => true;
  async run(model: StoreModel, real: Real): Promise<void> {
    const requests = this.members.flatMap((member) => {
      const streamId = model.streamId(member.stream);
      const request: AppendRequest = {
        streamId,
        events: model.newEvents(member.count),
        expectedVersion: resolveExpected(member.expect, model.version(streamId)),
      };
      return member.twice ? [request, request] : [request];
    });
    const outcomes = await Promise.all(
      requests.map((r) =>
        settle(
          real.store.appendToStream(r.streamId, r.events, { expectedVersion: r.expectedVersion }),
        ),
      ),
    );
    verifyRound(model, requests, outcomes);
    model.sent.push(...requests);
  }
  toString = () =>
    `round(${this.members.map((m) => `s${m.stream}:${m.expect}:${m.count}${m.twice ? 'x2' : ''}`).join(' ')})`;
}

async function collect(events: AsyncIterable<RecordedEvent>): Promise<RecordedEvent[]> {
  const out: RecordedEvent[] = [];
  for await (const event of events) out.push(event);
  return out;
}

export class ReadStreamCommand implements fc.AsyncCommand<StoreModel, Real> {
  constructor(
    readonly stream: number,
    readonly fromVersion: number | undefined,
    readonly backwards: boolean,
    readonly maxCount: number | undefined,
  ) {}
  check = () => true;
  async run(model: StoreModel, real: Real): Promise<void> {
    const streamId = model.streamId(this.stream);
    const stored = model.events(streamId);
    const read = settle(
      collect(
        real.store.readStream(streamId, {
          ...(this.fromVersion !== undefined && { fromVersion: this.fromVersion }),
          ...(this.maxCount !== undefined && { maxCount: this.maxCount }),
          direction: this.backwards ? 'backwards' : 'forwards',
        }),
      ),
    );
    const outcome = await read;
    if (stored.length === 0) {
      expect(outcome.ok ? outcome.value : undefined).toBeUndefined();
      expect(outcome.ok ? undefined : outcome.error).toBeInstanceOf(StreamNotFoundError);
      return;
    }
    const from = this.fromVersion ?? (this.backwards ? stored.length : 1);
    const inRange = this.backwards
      ? stored.filter((e) => e.version <= from).reverse()
      : stored.filter((e) => e.version >= from);
    expect(outcome.ok ? outcome.value : outcome.error).toEqual(
      inRange.slice(0, this.maxCount ?? inRange.length),
    );
  }
  toString = () =>
    `readStream(s${this.stream}, from ${this.fromVersion ?? '-'}, ${this.backwards ? 'backwards' : 'forwards'}, max ${this.maxCount ?? '-'})`;
}

export class ReadAllCommand implements fc.AsyncCommand<StoreModel, Real> {
  constructor(
    readonly skip: number,
    readonly maxCount: number | undefined,
  ) {}
  check = () => true;
  async run(model: StoreModel, real: Real): Promise<void> {
    const all = model.all();
    // From one of the run's events' positions, or from the run's start.
    const from = all[this.skip % (all.length + 1)]?.position ?? model.startPosition + 1;
    const read = await collect(
      real.store.readAll({
        fromPosition: from,
        ...(this.maxCount !== undefined && { maxCount: this.maxCount }),
      }),
    );
    const expected = all.filter((e) => (e.position as number) >= from);
    expect(read).toEqual(expected.slice(0, this.maxCount ?? expected.length));
  }
  toString = () => `readAll(skip ${this.skip}, max ${this.maxCount ?? '-'})`;
}

/** The state folded from a stream: its event ids, so any mistake in the fold shows. */
const foldIds = {
  initialState: (): string[] => [],
  evolve: (state: string[], event: RecordedEvent) => [...state, event.eventId],
};

/** Saves a snapshot `back` versions behind the stream's end; it replaces only an older one. */
export class SnapshotCommand implements fc.AsyncCommand<StoreModel, Real> {
  constructor(
    readonly stream: number,
    readonly back: number,
  ) {}
  check = (model: Readonly<StoreModel>) => model.version(model.streamId(this.stream)) > 0;
  async run(model: StoreModel, real: Real): Promise<void> {
    const streamId = model.streamId(this.stream);
    const version = Math.max(1, model.version(streamId) - this.back);
    const state = model
      .events(streamId)
      .slice(0, version)
      .map((e) => e.eventId);
    const before = model.snapshots.get(streamId);
    const saved = await real.store.saveSnapshot({ streamId, version, state });
    expect(saved).toEqual({ saved: !before || before.version < version });
    if (saved.saved) model.snapshots.set(streamId, { version, state });
    const stored = await real.store.getSnapshot(streamId);
    expect(stored).toMatchObject({ streamId, ...model.snapshots.get(streamId), stateVersion: 1 });
  }
  toString = () => `snapshot(s${this.stream}, back ${this.back})`;
}

/** Folds a stream from its snapshot: the same state as a fold of every event. */
export class AggregateCommand implements fc.AsyncCommand<StoreModel, Real> {
  constructor(readonly stream: number) {}
  check = () => true;
  async run(model: StoreModel, real: Real): Promise<void> {
    const streamId = model.streamId(this.stream);
    const events = model.events(streamId);
    const snapshot = model.snapshots.get(streamId);
    const folded = await real.store.aggregateStream(streamId, { ...foldIds, snapshot: true });
    expect(folded).toEqual({
      state: events.map((e) => e.eventId),
      version: events.length,
      eventsRead: events.length - (snapshot?.version ?? 0),
      fromSnapshotVersion: events.length > 0 ? snapshot?.version : undefined,
    });
  }
  toString = () => `aggregate(s${this.stream})`;
}

const STREAMS = 3;
const stream = fc.nat(STREAMS - 1);
// Right versions more often than wrong ones, so streams grow and retries find something.
const expectChoice = fc.constantFrom<Expect>(
  'any',
  'any',
  'no_stream',
  'stream_exists',
  'current',
  'current',
  'current',
  'stale',
  'ahead',
  'zero',
);
const count = fc.integer({ min: 1, max: 3 });
// One command in four meets a fault.
const fault = fc.oneof(
  { weight: 3, arbitrary: fc.constant(undefined) },
  { weight: 1, arbitrary: fc.constantFrom(...(Object.keys(FAULTS) as FaultName[])) },
);

export const commands = [
  fc.tuple(stream, expectChoice, count, fault).map((a) => new AppendCommand(...a)),
  fc
    .tuple(fc.nat(), fc.oneof(fc.constant('as-sent' as const), expectChoice), fault)
    .map((a) => new RetryCommand(...a)),
  fc
    .array(
      fc.record({
        stream,
        expect: expectChoice,
        count,
        twice: fc.constantFrom(false, false, true),
      }),
      { minLength: 2, maxLength: 5 },
    )
    // A twin is a retry racing its first try, in every expected-version mode.
    .map((members) => new RoundCommand(members)),
  fc
    .tuple(
      stream,
      fc.option(fc.integer({ min: 1, max: 6 }), { nil: undefined }),
      fc.boolean(),
      fc.option(fc.integer({ min: 1, max: 4 }), { nil: undefined }),
    )
    .map((a) => new ReadStreamCommand(...a)),
  fc
    .tuple(fc.nat(), fc.option(fc.integer({ min: 1, max: 5 }), { nil: undefined }))
    .map((a) => new ReadAllCommand(...a)),
  fc.tuple(stream, fc.nat(2)).map((a) => new SnapshotCommand(...a)),
  stream.map((s) => new AggregateCommand(s)),
];
