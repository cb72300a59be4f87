import { describe, expect, it } from 'vitest';
import { WrongExpectedVersionError } from '../../src/errors.js';
import { EventStore } from '../../src/event-store.js';
import { toRecordedEvent } from '../../src/records.js';
import type { AppendResult, RecordedEvent } from '../../src/types.js';
import { createTestTables, ownStore, streamId, useTestStore } from '../support/dynamodb.js';
import { tableProbe } from './helpers.js';

// Strict mode: these tests pin its promises (contiguous positions, an untouched counter on failure).
const db = useTestStore('append-concurrency', { positionMode: 'strict' });

/** One store per appender, as separate Lambdas would each have their own. */
const newStore = () => new EventStore({ tableName: db.tables.eventsTable, client: db.client });

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of iterable) out.push(item);
  return out;
}

describe('appendToStream under concurrency', () => {
  it('serialises 20 concurrent appenders on one stream with exact expected versions', async () => {
    // Prepare
    const id = streamId('race');
    const successes: AppendResult[] = [];
    const losses: { expected: number; error: unknown }[] = [];

    // Act: each appender tries at the version it last saw until its event is in.
    await Promise.all(
      Array.from({ length: 20 }, async (_, n) => {
        const store = newStore();
        let known = 0;
        for (;;) {
          try {
            const event = { type: 'Raced', data: { n }, eventId: `appender-${n}` };
            successes.push(await store.appendToStream(id, [event], { expectedVersion: known }));
            return;
          } catch (error) {
            losses.push({ expected: known, error });
            if (!(error instanceof WrongExpectedVersionError)) return;
            known = error.actualVersion;
          }
        }
      }),
    );

    // Assess
    const stored = (await tableProbe(db.client, db.tables.eventsTable).eventItems(id)).map(
      toRecordedEvent,
    );
    expect(stored.map((e) => e.version)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(new Set(stored.map((e) => e.eventId)).size).toBe(20);
    expect(successes.flatMap((r) => r.events).sort(byVersion)).toEqual(stored);
    expect(successes.map((r) => r.nextExpectedVersion).sort((a, b) => a - b)).toEqual(
      stored.map((e) => e.version),
    );
    for (const { expected, error } of losses) {
      expect(error).toBeInstanceOf(WrongExpectedVersionError);
      const {
        streamId: lostOn,
        expectedVersion,
        actualVersion,
      } = error as WrongExpectedVersionError;
      expect({ lostOn, expectedVersion }).toEqual({ lostOn: id, expectedVersion: expected });
      expect(actualVersion).toBeGreaterThan(expected);
    }
    expect(losses.length).toBeGreaterThan(0);
  });

  it.each([
    ['50 concurrent appenders sharing one store', 50, 1],
    ['8 stores with cold caches (as separate processes) racing for the counter', 8, 8],
  ])('hands out positions 1..N exactly once to %s', async (_case, appenders, stores) => {
    // Prepare: a table of its own, so positions start at 1.
    const own = await createTestTables('append-positions', db.client);
    // Separate stores race through DynamoDB's condition alone; past a few of
    // them that is more than one counter item commits per second (DESIGN.md),
    // so they get a larger budget: this test is about order, not capacity.
    const pool = Array.from(
      { length: stores },
      () =>
        new EventStore({
          tableName: own.eventsTable,
          client: own.client,
          retry: { maxAttempts: stores > 1 ? 30 : 12 },
        }),
    );
    const ids = Array.from({ length: appenders }, () => streamId('distinct'));

    try {
      // Act: two appends of two events per stream, so a stream spans several commits.
      await Promise.all(
        ids.map(async (id, i) => {
          const store = pool[i % stores]!;
          await store.appendToStream(
            id,
            [
              { type: 'A', data: 1 },
              { type: 'B', data: 2 },
            ],
            {
              expectedVersion: 'no_stream',
            },
          );
          await store.appendToStream(
            id,
            [
              { type: 'C', data: 3 },
              { type: 'D', data: 4 },
            ],
            {
              expectedVersion: 2,
            },
          );
        }),
      );
      const all = await collect(pool[0]!.readAll());

      // Assess
      const count = appenders * 4;
      expect(all.map((e) => e.position)).toEqual(Array.from({ length: count }, (_, i) => i + 1));
      for (const id of ids) {
        const versions = all.filter((e) => e.streamId === id).map((e) => [e.version, e.type]);
        expect(versions).toEqual([
          [1, 'A'],
          [2, 'B'],
          [3, 'C'],
          [4, 'D'],
        ]);
      }
    } finally {
      await own.drop();
    }
  });
});

const byVersion = (a: RecordedEvent, b: RecordedEvent) => a.version - b.version;

describe('group commit in one store', () => {
  it('sends the next appends of the callers one transaction answered in one transaction', async () => {
    // Prepare: one store, 16 writers, strict mode (one transaction in flight).
    const { client, store } = ownStore(db);
    const sizes: number[] = [];
    client.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === 'TransactWriteItemsCommand') {
          sizes.push((args.input as { TransactItems: unknown[] }).TransactItems.length);
        }
        return next(args);
      },
      { step: 'initialize', name: 'transactionSizes' },
    );

    // Act: each writer appends 4 times to new streams, each append once the last is answered.
    await Promise.all(
      Array.from({ length: 16 }, async (_, w) => {
        for (let i = 0; i < 4; i++) {
          await store.appendToStream(streamId(`gc${w}`), [{ type: 'G', data: { w, i } }], {
            expectedVersion: 0,
          });
        }
      }),
    );

    // Assess: after the first round, every writer's next append travels in one transaction
    // (1 counter + 16 x (head, event) = 33 actions); they used to go as 1 and 15 in turn.
    expect(sizes.filter((n) => n === 33).length).toBeGreaterThanOrEqual(2);
    expect(sizes.length).toBeLessThanOrEqual(6);
    client.destroy();
  });
});
