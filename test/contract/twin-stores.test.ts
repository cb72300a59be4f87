import { randomUUID } from 'node:crypto';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { EventStoreApi } from '../../src/event-store-api.js';
import { readCounterItem } from '../../src/position/counter.js';
import { Attr } from '../../src/table.js';
import { InMemoryEventStore } from '../../src/testing/index.js';
import type { AppendResult, ExpectedVersion, NewEvent, RecordedEvent } from '../../src/types.js';
import { useTestStore } from '../support/dynamodb.js';
import { collect, outcomeOf } from './targets.js';

// Differential test: the same random commands against InMemoryEventStore and
// the DynamoDB store in strict and in reserved mode, and every answer compared
// whole: results, events, errors (class, code, message, fields), pages. Only
// commit times differ, and positions are compared by the event they belong to
// (DynamoDB's continue after the runs before; reserved mode's have gaps).

const RUNS = 8;
const MAX_COMMANDS = 25;

const streams = ['a-1', 'a-2', 'b-1'] as const;
const stream = fc.constantFrom(...streams);
const maybe = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });

const newEvent = fc.record({
  type: fc.constantFrom('A', 'B'),
  data: fc.oneof(fc.integer(), fc.string({ maxLength: 3 }), fc.constant({ nested: [null] })),
  // A small pool makes retries and duplicate ids likely; none = an id of its own.
  eventId: maybe(fc.constantFrom('e1', 'e2', 'e3', 'e4')),
});
const expectedVersion: fc.Arbitrary<ExpectedVersion> = fc.oneof(
  fc.constantFrom<ExpectedVersion>('any', 'no_stream', 'stream_exists'),
  fc.integer({ min: 0, max: 3 }),
);

const command = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constant('append' as const),
      stream,
      events: fc.array(newEvent, { minLength: 1, maxLength: 3 }),
      expectedVersion,
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('retry' as const), nth: fc.nat() }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('readStream' as const),
      stream,
      fromVersion: maybe(fc.integer({ min: 1, max: 6 })),
      maxCount: maybe(fc.integer({ min: 1, max: 4 })),
      direction: maybe(fc.constantFrom('forwards' as const, 'backwards' as const)),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('readAll' as const),
      fromPosition: maybe(fc.integer({ min: 1, max: 12 })),
      maxCount: maybe(fc.integer({ min: 1, max: 5 })),
      eventTypes: maybe(fc.constantFrom(['A'], ['B'], ['A', 'B'])),
      prefix: maybe(fc.constantFrom('a', 'b')),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('readAllPage' as const),
      fromPosition: maybe(fc.integer({ min: 1, max: 12 })),
      limit: fc.integer({ min: 1, max: 4 }),
      maxExamined: fc.integer({ min: 1, max: 6 }),
      eventTypes: maybe(fc.constantFrom(['A'], ['B'])),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('head' as const), stream }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('saveSnapshot' as const),
      stream,
      version: fc.integer({ min: 1, max: 5 }),
      stateVersion: fc.integer({ min: 1, max: 2 }),
      n: fc.nat(9),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('fold' as const),
      stream,
      snapshot: fc.boolean(),
      toVersion: maybe(fc.integer({ min: 1, max: 6 })),
    }),
  },
);
type Command = typeof command extends fc.Arbitrary<infer C> ? C : never;
type Append = Extract<Command, { kind: 'append' }>;

/**
 * How one store's positions stand for the in-memory store's: learned from
 * the appends both committed. Strict mode differs by an offset; reserved
 * mode also by the gaps its aborted ranges leave, so positions are compared
 * by the event they belong to, and a position past one by its neighbour.
 */
class Positions {
  readonly #toMemory = new Map<number, number>();
  readonly #fromMemory = new Map<number, number>();
  #last: [store: number, memory: number];

  constructor(base: number) {
    this.#last = [base, 0];
  }

  learn(store: unknown, memory: unknown): void {
    const [s, m] = [
      (store ?? {}) as Partial<AppendResult>,
      (memory ?? {}) as Partial<AppendResult>,
    ];
    if (typeof s.firstPosition !== 'number' || typeof m.firstPosition !== 'number') return;
    for (let i = 0; i <= (m.lastPosition as number) - m.firstPosition; i++) {
      this.#toMemory.set(s.firstPosition + i, m.firstPosition + i);
      this.#fromMemory.set(m.firstPosition + i, s.firstPosition + i);
    }
    if (m.firstPosition > this.#last[1])
      this.#last = [s.lastPosition as number, m.lastPosition as number];
  }

  toMemory(position: number): number | string {
    const known = this.#toMemory.get(position) ?? this.#toMemory.get(position - 1);
    if (known === undefined) return `unknown position ${position}`;
    return this.#toMemory.has(position) ? known : known + 1;
  }

  /** Where a read from memory's position p starts in this store. */
  fromMemory(position: number | undefined): number {
    const p = position ?? 1;
    return this.#fromMemory.get(p) ?? this.#last[0] + Math.max(1, p - this.#last[1]);
  }
}

/** Positions in the answers, wherever they are, in memory's terms. */
function inMemoryTerms(value: unknown, positions: Positions): unknown {
  if (Array.isArray(value)) return value.map((v) => inMemoryTerms(v, positions));
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, v]) => [
      key,
      ['position', 'firstPosition', 'lastPosition', 'next'].includes(key) && typeof v === 'number'
        ? positions.toMemory(v)
        : inMemoryTerms(v, positions),
    ]),
  );
}

const fold = {
  initialState: () => ({ n: 0, seen: [] as string[] }),
  evolve: (s: { n: number; seen?: string[] }, e: RecordedEvent) => ({
    n: s.n + 1,
    seen: [...(s.seen ?? []), `${e.version}:${e.type}`],
  }),
};

/** Runs one command on one store; what came back, without commit times, reads starting at `from`. */
async function perform(
  store: EventStoreApi,
  tag: string,
  cmd: Command,
  appends: Append[],
  from: (p: number | undefined) => number,
) {
  const id = (s: string) => `${tag}${s}`;
  const event = (e: RecordedEvent) => {
    const { createdAt: _c, ...rest } = e;
    return { ...rest, streamId: rest.streamId.slice(tag.length) };
  };
  switch (cmd.kind) {
    case 'append':
    case 'retry': {
      const append = cmd.kind === 'append' ? cmd : appends[cmd.nth % Math.max(1, appends.length)];
      if (!append) return 'nothing to retry';
      const events: NewEvent[] = append.events.map((e, i) => ({
        ...e,
        eventId: e.eventId ?? `${tag}${appends.indexOf(append)}-${i}`,
      }));
      return outcomeOf(async () => {
        const r = await store.appendToStream(id(append.stream), events, {
          expectedVersion: append.expectedVersion,
        });
        return { ...r, streamId: append.stream, events: r.events.map(event) };
      });
    }
    case 'readStream':
      return outcomeOf(async () =>
        (
          await collect(
            store.readStream(id(cmd.stream), {
              fromVersion: cmd.fromVersion,
              maxCount: cmd.maxCount,
              direction: cmd.direction,
            }),
          )
        ).map(event),
      );
    case 'readAll':
      return outcomeOf(async () =>
        (
          await collect(
            store.readAll({
              fromPosition: from(cmd.fromPosition),
              maxCount: cmd.maxCount,
              eventTypes: cmd.eventTypes,
              ...(cmd.prefix && { streamPrefix: id(cmd.prefix) }),
            }),
          )
        ).map(event),
      );
    case 'readAllPage':
      return outcomeOf(async () => {
        const page = await store.readAllPage({
          fromPosition: from(cmd.fromPosition),
          limit: cmd.limit,
          maxExamined: cmd.maxExamined,
          eventTypes: cmd.eventTypes,
        });
        return { events: page.events.map(event), next: page.nextPosition };
      });
    case 'head':
      return outcomeOf(async () => {
        const head = await store.getStreamHead(id(cmd.stream));
        return head && { version: head.version, exists: await store.streamExists(id(cmd.stream)) };
      });
    case 'saveSnapshot':
      return outcomeOf(async () => {
        const saved = await store.saveSnapshot({
          streamId: id(cmd.stream),
          version: cmd.version,
          stateVersion: cmd.stateVersion,
          state: { n: cmd.n },
        });
        const {
          createdAt: _c,
          streamId: _s,
          ...snapshot
        } = (await store.getSnapshot(id(cmd.stream))) ?? {};
        return { saved, snapshot };
      });
    case 'fold':
      return outcomeOf(() =>
        store.aggregateStream(id(cmd.stream), {
          ...fold,
          snapshot: cmd.snapshot,
          toVersion: cmd.toVersion,
        }),
      );
  }
}

describe.each(['strict', 'reserved'] as const)(
  'InMemoryEventStore and the DynamoDB store in %s mode, side by side',
  (mode) => {
    const db = useTestStore(`twin-${mode}`, { positionMode: mode });

    it('answer the same random commands alike, error for error and event for event', async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.array(command, { minLength: 1, maxLength: MAX_COMMANDS, size: 'max' }),
          async (cmds) => {
            // Prepare: fresh streams per run; DynamoDB's positions continue after the runs before.
            const tag = `t${randomUUID().slice(0, 8)}`;
            const counter = await readCounterItem(
              DynamoDBDocumentClient.from(db.client),
              db.tables.eventsTable,
            );
            const positions = new Positions(Number(counter?.[Attr.position] ?? 0));
            const memory = new InMemoryEventStore();
            const appends: Append[] = [];

            for (const cmd of cmds) {
              if (cmd.kind === 'append') appends.push(cmd);
              // Act
              const answer = await perform(db.store, tag, cmd, appends, (p) =>
                positions.fromMemory(p),
              );
              const expected = await perform(memory, tag, cmd, appends, (p) => p ?? 1);
              positions.learn(answer, expected);
              // Assess
              expect(inMemoryTerms(answer, positions), JSON.stringify(cmd)).toEqual(expected);
            }
          },
        ),
        { numRuns: RUNS },
      );
    });
  },
);
