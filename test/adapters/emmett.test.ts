import {
  CommandHandler,
  DeciderCommandHandler,
  DeciderSpecification,
  ExpectedVersionConflictError,
  getInMemoryDatabase,
  getInMemoryEventStore,
  handleInMemoryProjections,
  IllegalStateError,
  inMemorySingleStreamProjection,
  isExpectedVersionConflictError,
  NO_CONCURRENCY_CHECK,
  STREAM_DOES_NOT_EXIST,
  STREAM_EXISTS,
  WrapEventStore,
} from '@event-driven-io/emmett';
import { describe, expect, it } from 'vitest';
import {
  type DynamoDBEmmettEventStore,
  type DynamoDBReadEvent,
  getDynamoDBEventStore,
  toEmmettReadEvent,
} from '../../adapters/emmett/index.js';
import { racing } from '../../examples/bank-account/test/race.js';
import { streamId, useTestStore } from '../support/dynamodb.js';
import { type AccountEvent, account, type Deposit } from './emmett-domain.js';

const db = useTestStore('emmett');
const emmett = () => getDynamoDBEventStore(db.store);

const deposit = (amount: number): Deposit => ({ type: 'Deposit', data: { amount } });
const deposited = (amount: number): AccountEvent => ({ type: 'Deposited', data: { amount } });

describe('the Emmett backend', () => {
  it('passes the decider specification the DynamoDB-backed handler then runs', () => {
    const spec = DeciderSpecification.for(account);

    spec([])
      .when(deposit(100))
      .then([deposited(100)]);
    spec([deposited(100)])
      .when({ type: 'Withdraw', data: { amount: 30 } })
      .then([{ type: 'Withdrawn', data: { amount: 30 } }]);
    spec([deposited(10)])
      .when({ type: 'Withdraw', data: { amount: 30 } })
      .thenThrows(IllegalStateError, (error) => error.message.includes('balance is 10'));
  });

  it("runs Emmett's DeciderCommandHandler on DynamoDB: state, versions and read metadata", async () => {
    // Prepare
    const id = streamId('account');
    const handle = DeciderCommandHandler(account);

    // Act
    const first = await handle(emmett(), id, deposit(100));
    const second = await handle(emmett(), id, [
      { type: 'Withdraw', data: { amount: 30 } },
      deposit(5),
    ]);
    const read = await emmett().readStream<AccountEvent>(id);

    // Assess
    expect(first).toMatchObject({
      nextExpectedStreamVersion: 1n,
      createdNewStream: true,
      newState: { balance: 100 },
    });
    expect(second).toMatchObject({
      nextExpectedStreamVersion: 3n,
      createdNewStream: false,
      newState: { balance: 75 },
    });
    const stored = [];
    for await (const event of db.store.readStream(id)) stored.push(event);
    expect(read).toEqual({
      currentStreamVersion: 3n,
      streamExists: true,
      events: stored.map((event) => ({
        type: event.type,
        data: event.data,
        kind: 'Event',
        metadata: {
          messageId: event.eventId,
          streamName: id,
          streamPosition: BigInt(event.version),
          globalPosition: BigInt(event.position as number),
        },
      })),
    });
    expect(second.lastEventGlobalPosition).toBe(BigInt(stored[2]?.position as number));
    expect((await emmett().aggregateStream(id, account)).state).toEqual({ balance: 75 });
  });

  it('handles one command twice concurrently: one append conflicts, and CommandHandler retries it to success', async () => {
    // Prepare
    const id = streamId('account');
    await DeciderCommandHandler(account)(emmett(), id, deposit(1));
    const { eventStore: store, failedAppends } = racing(emmett(), 2);
    const handle = CommandHandler<{ balance: number }, AccountEvent>({
      ...account,
      retry: { onVersionConflict: true },
    });

    // Act
    const results = await Promise.all([
      handle(store, id, (state) => account.decide(deposit(10), state)),
      handle(store, id, (state) => account.decide(deposit(10), state)),
    ]);

    // Assess
    expect(failedAppends).toHaveLength(1);
    expect(isExpectedVersionConflictError(failedAppends[0])).toBe(true);
    expect(failedAppends[0]).toMatchObject({ current: '2', expected: '1' });
    expect(results.map((r) => r.nextExpectedStreamVersion).sort()).toEqual([2n, 3n]);
    const { state, currentStreamVersion } = await emmett().aggregateStream(id, account);
    expect({ state, currentStreamVersion }).toEqual({
      state: { balance: 21 },
      currentStreamVersion: 3n,
    });
  });

  it('without retries, the loser of the race gets ExpectedVersionConflictError and writes nothing', async () => {
    // Prepare
    const id = streamId('account');
    const { eventStore: store } = racing(emmett(), 2);
    const handle = DeciderCommandHandler(account);

    // Act
    const outcomes = await Promise.allSettled([
      handle(store, id, deposit(10)),
      handle(store, id, deposit(10)),
    ]);

    // Assess
    const rejected = outcomes.filter((o) => o.status === 'rejected');
    expect(rejected).toHaveLength(1);
    expect((rejected[0] as PromiseRejectedResult).reason).toBeInstanceOf(
      ExpectedVersionConflictError,
    );
    expect((await emmett().readStream(id)).currentStreamVersion).toBe(1n);
  });

  it("answers each expected version as Emmett's in-memory store does", async () => {
    // Prepare: the same script against both stores.
    const script = async (
      store: DynamoDBEmmettEventStore | ReturnType<typeof getInMemoryEventStore>,
      id: string,
    ) => {
      const outcome = async (run: () => Promise<unknown>) => {
        try {
          const result = (await run()) as Record<string, unknown>;
          const { lastEventGlobalPosition: _, ...rest } = result;
          return rest;
        } catch (error) {
          const { message } = error as Error;
          if (isExpectedVersionConflictError(error))
            return { error: 'ExpectedVersionConflict', message };
          return { error: String(error), message };
        }
      };
      const one = [deposited(1)];
      return [
        await outcome(() =>
          store.appendToStream(id, one, { expectedStreamVersion: STREAM_EXISTS }),
        ),
        await outcome(() => store.appendToStream(id, one, { expectedStreamVersion: 1n })),
        await outcome(() =>
          store.appendToStream(id, one, { expectedStreamVersion: STREAM_DOES_NOT_EXIST }),
        ),
        await outcome(() =>
          store.appendToStream(id, one, { expectedStreamVersion: STREAM_DOES_NOT_EXIST }),
        ),
        await outcome(() => store.appendToStream(id, one, { expectedStreamVersion: 1n })),
        await outcome(() => store.appendToStream(id, one, { expectedStreamVersion: 1n })),
        await outcome(() =>
          store.appendToStream(id, one, { expectedStreamVersion: STREAM_EXISTS }),
        ),
        await outcome(() =>
          store.appendToStream(id, one, { expectedStreamVersion: NO_CONCURRENCY_CHECK }),
        ),
        await outcome(() => store.appendToStream(id, one)),
        await outcome(() => store.readStream(id, { expectedStreamVersion: 2n })),
        await store.streamExists(id),
        await store.streamExists(`${id}-none`),
        await outcome(async () => {
          const { events: _, ...rest } = await store.readStream(`${id}-none`);
          return rest;
        }),
      ];
    };

    // Act
    const ours = await script(emmett(), streamId('account'));
    const theirs = await script(getInMemoryEventStore(), streamId('account'));

    // Assess
    expect(ours).toEqual(theirs);
    expect(ours[0]).toMatchObject({ error: 'ExpectedVersionConflict' });
  });

  it('reads a range by stream position: from and to inclusive, maxCount events at most', async () => {
    // Prepare
    const id = streamId('account');
    await emmett().appendToStream(id, [1, 2, 3, 4, 5].map(deposited));
    const positions = async (read: Parameters<DynamoDBEmmettEventStore['readStream']>[1]) => {
      const result = await emmett().readStream(id, read);
      return [result.currentStreamVersion, result.events.map((e) => e.metadata.streamPosition)];
    };

    // Act / Assess
    expect(await positions({ from: 2n, to: 4n })).toEqual([5n, [2n, 3n, 4n]]);
    expect(await positions({ from: 4n })).toEqual([5n, [4n, 5n]]);
    expect(await positions({ to: 2n })).toEqual([5n, [1n, 2n]]);
    expect(await positions({ from: 2n, maxCount: 2n })).toEqual([5n, [2n, 3n]]);
    expect(await positions({ from: 9n })).toEqual([5n, []]);
  });

  it('tells onAfterCommit the committed events, and feeds an Emmett projection from $all', async () => {
    // Prepare
    const id = streamId('account');
    const seen: DynamoDBReadEvent[] = [];
    const store = getDynamoDBEventStore(db.store, {
      hooks: { onAfterCommit: (events) => void seen.push(...events) },
    });
    const balances = inMemorySingleStreamProjection<{ balance: number }, AccountEvent>({
      collectionName: 'balances',
      canHandle: ['Deposited', 'Withdrawn'],
      initialState: () => ({ balance: 0 }),
      evolve: (doc: { balance: number }, event: AccountEvent) => account.evolve(doc, event),
    });
    const database = getInMemoryDatabase();

    // Act
    await DeciderCommandHandler(account)(store, id, [deposit(7), deposit(8)]);
    const fromAll = [];
    for await (const event of db.store.readAll({ streamPrefix: id })) {
      fromAll.push(toEmmettReadEvent<AccountEvent>(event));
    }
    await handleInMemoryProjections({ projections: [balances], events: fromAll, database });

    // Assess
    expect(seen.map((e) => e.metadata.streamPosition)).toEqual([1n, 2n]);
    expect(fromAll.map((e) => e.metadata.globalPosition)).toEqual(
      seen.map((e) => e.metadata.globalPosition),
    );
    expect(await database.collection('balances').findOne((d) => d._id === id)).toMatchObject({
      balance: 15,
    });
  });

  it("records appends through Emmett's WrapEventStore test helper", async () => {
    // Prepare
    const id = streamId('account');
    const wrapped = WrapEventStore(emmett());

    // Act
    await DeciderCommandHandler(account)(wrapped, id, deposit(3));

    // Assess
    expect(wrapped.appendedEvents.get(id)).toEqual([id, [deposited(3)]]);
  });
});
