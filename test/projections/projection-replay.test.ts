import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  type AccountBalance,
  accountBalances,
} from '../../examples/bank-account/src/bank-account.js';
import { projectorHandlerWith } from '../../lambdas/stream/projector-handler.js';
import { ProjectionStore } from '../../src/projections/projection-store.js';
import { Projector } from '../../src/projections/projector.js';
import type { NewEvent, RecordedEvent } from '../../src/types.js';
import { useTestStore } from '../support/dynamodb.js';
import { readEverything, streamEventOf } from '../support/stream-events.js';

const db = useTestStore('replay');
let documents: ProjectionStore;

beforeAll(() => {
  documents = new ProjectionStore({ tableName: db.tables.readModelTable, client: db.client });
});

const SEED = 20_240_607;
const ACCOUNTS = 50;
const APPENDS = 1000;

const command = fc.record({
  account: fc.integer({ min: 0, max: ACCOUNTS - 1 }),
  events: fc.array(
    fc.oneof(
      { weight: 6, arbitrary: fc.integer({ min: 1, max: 500 }).map(deposit) },
      { weight: 3, arbitrary: fc.integer({ min: 1, max: 500 }).map(withdrawal) },
      // A type the projection does not know: it must be skipped, never crash the batch.
      { weight: 1, arbitrary: fc.constant<NewEvent>({ type: 'StatementPrinted', data: {} }) },
      { weight: 1, arbitrary: fc.constant<NewEvent>({ type: 'AccountClosed', data: {} }) },
    ),
    { minLength: 1, maxLength: 3 },
  ),
});

function deposit(amount: number): NewEvent {
  return { type: 'MoneyDeposited', data: { amount } };
}
function withdrawal(amount: number): NewEvent {
  return { type: 'MoneyWithdrawn', data: { amount } };
}

/** Seeded, so a failure replays exactly: shuffles, duplicates and drops events like a bad network would. */
function deliveryPlan(events: readonly RecordedEvent[]): RecordedEvent[][] {
  const lastOfStream = new Map(events.map((e) => [e.streamId, e.version]));
  const [plan] = fc.sample(
    fc.tuple(
      fc.shuffledSubarray([...events.keys()], { minLength: events.length }),
      fc.array(fc.integer({ min: 0, max: 9 }), {
        minLength: events.length,
        maxLength: events.length,
      }),
    ),
    { seed: SEED + 1, numRuns: 1 },
  );
  const [order, dice] = plan ?? [[], []];
  const delivered: RecordedEvent[] = [];
  for (const index of order) {
    const event = events[index] as RecordedEvent;
    const roll = dice[index] ?? 0;
    // 1 in 10 is lost (but never a stream's last event, which alone reveals the gap); 2 in 10 come twice.
    if (roll === 0 && lastOfStream.get(event.streamId) !== event.version) continue;
    delivered.push(event);
    if (roll >= 8) delivered.push(event);
  }
  const batches: RecordedEvent[][] = [];
  for (let i = 0; i < delivered.length; i += 100) batches.push(delivered.slice(i, i + 100));
  return batches;
}

describe('account-balances projection', () => {
  // 1,000 sequential transactions: seconds on an idle machine, far more when other suites share its two cores.
  it('equals a full replay of every stream after 1,000 random appends delivered shuffled, duplicated and with gaps', async () => {
    // Prepare
    const [commands = []] = fc.sample(
      fc.array(command, { minLength: APPENDS, maxLength: APPENDS }),
      {
        seed: SEED,
        numRuns: 1,
      },
    );
    const opened = new Set<number>();
    for (const { account, events } of commands) {
      const open: NewEvent[] = opened.has(account)
        ? []
        : [{ type: 'AccountOpened', data: { owner: `owner-${account}` } }];
      opened.add(account);
      await db.store.appendToStream(`account-${account}`, [...open, ...events]);
    }
    const everything = await readEverything(db.store);
    const handler = projectorHandlerWith({
      projector: new Projector({
        store: db.store,
        projectionStore: documents,
        projections: [accountBalances],
      }),
    });

    // Act: three batches in flight at once, as three shards' Lambda invocations would be.
    const batches = deliveryPlan(everything);
    const responses: unknown[] = [];
    let next = 0;
    await Promise.all(
      [0, 1, 2].map(async () => {
        for (let batch = batches[next++]; batch; batch = batches[next++]) {
          responses.push(await handler(streamEventOf(batch)));
        }
      }),
    );

    // Assess
    expect(responses).toEqual(batches.map(() => ({ batchItemFailures: [] })));
    const expected = new Map<string, AccountBalance>();
    for (const event of everything) {
      const key = event.streamId.slice('account-'.length);
      const state = expected.get(key) ?? accountBalances.initialState();
      const known = accountBalances.eventTypes.includes(event.type);
      expected.set(key, known ? accountBalances.evolve(state, event) : state);
    }
    const actual = new Map<string, AccountBalance>();
    let cursor: string | undefined;
    do {
      const page = await documents.list<AccountBalance>('account-balances', { limit: 20, cursor });
      for (const d of page.documents) actual.set(d.key, d.state);
      cursor = page.cursor;
    } while (cursor);
    expect(actual.size).toBe(ACCOUNTS);
    expect(actual).toEqual(expected);
  }, 300_000);
});
