import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { apiHandlerWith } from '../../lambdas/api/create-api-handler.js';
import { createApiLogger, RecordedMetrics } from '../../lambdas/api/observability.js';
import { projectorHandlerWith } from '../../lambdas/stream/projector-handler.js';
import { snapshotterHandlerWith } from '../../lambdas/stream/snapshotter-handler.js';
import {
  defineAggregate,
  defineEvent,
  defineEvents,
  defineProjection,
  EventStore,
  loadAggregate,
  ProjectionStore,
  Projector,
  type RecordedEvent,
  subscribeToAll,
  ValidationError,
} from '../../src/index.js';
import { Keys } from '../../src/table.js';
import { apiEvent, bodyOf } from '../support/api-gateway.js';
import { streamId, useTestStore } from '../support/dynamodb.js';
import { eventually, recordOf } from '../support/stream-events.js';
import { AccountOpened, bankEvents, depositedV1, depositedV2, MoneyWithdrawn } from './fixtures.js';

const db = useTestStore('typed');
/** The app before version 3 of MoneyDeposited existed. */
const eventsAtV2 = defineEvents(
  AccountOpened,
  defineEvent('MoneyDeposited', {
    versions: [depositedV1, depositedV2],
    upcast: { 1: (v1) => ({ ...v1, currency: 'EUR' }) },
  }),
  MoneyWithdrawn,
);
const tables = () => ({ tableName: db.tables.eventsTable, client: db.client });
const untyped = () => new EventStore(tables());
const typed = () => new EventStore({ ...tables(), events: bankEvents });

const account = defineAggregate({
  events: bankEvents,
  category: 'account',
  initialState: () => ({ balance: 0, currencies: [] as string[] }),
  evolve: (state, event) => {
    if (event.type === 'MoneyDeposited') {
      const { amount, currency } = event.data.money;
      return { balance: state.balance + amount, currencies: [...state.currencies, currency] };
    }
    if (event.type === 'MoneyWithdrawn')
      return { ...state, balance: state.balance - event.data.amount };
    return state;
  },
  snapshotEvery: 4,
});

const deposits = defineProjection({
  events: bankEvents,
  name: 'deposits',
  eventTypes: ['MoneyDeposited'],
  key: (event) => event.streamId,
  initialState: () => ({ amounts: [] as number[] }),
  evolve: (state, event) => ({ amounts: [...state.amounts, event.data.money.amount] }),
});

const latest = (amount: number, currency: string) => ({ money: { amount, currency } });

/**
 * One stream written over an app's life: by a store without a registry (version
 * 1 data, no version recorded), by the app at version 2, and by today's app;
 * plus an event of a type no registry knows.
 */
async function writeHistory(id: string): Promise<void> {
  await untyped().appendToStream(id, [
    { type: 'AccountOpened', data: { owner: 'Ada' } },
    { type: 'MoneyDeposited', data: { amount: 10 } },
  ]);
  await new EventStore({ ...tables(), events: eventsAtV2 }).appendToStream(id, [
    { type: 'MoneyDeposited', data: { amount: 20, currency: 'USD' } },
  ]);
  await typed().appendToStream(id, [
    { type: 'MoneyDeposited', data: latest(30, 'GBP') },
    { type: 'MoneyWithdrawn', data: { amount: 5 } },
  ]);
  await typed().appendToStream(id, [
    { type: 'NoteAdded', data: { text: 'unregistered' } } as never,
  ]);
}

const expectedHistory = [
  ['AccountOpened', { owner: 'Ada' }],
  ['MoneyDeposited', latest(10, 'EUR')],
  ['MoneyDeposited', latest(20, 'USD')],
  ['MoneyDeposited', latest(30, 'GBP')],
  ['MoneyWithdrawn', { amount: 5 }],
  ['NoteAdded', { text: 'unregistered' }],
];
const shapes = (events: readonly RecordedEvent[]) => events.map((e) => [e.type, e.data]);

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of iterable) items.push(item);
  return items;
}

async function rawItems(id: string): Promise<Record<string, unknown>[]> {
  const page = await db.client.send(
    new QueryCommand({
      TableName: db.tables.eventsTable,
      KeyConditionExpression: 'PK = :pk AND begins_with(SK, :v)',
      ExpressionAttributeValues: { ':pk': Keys.streamPk(id), ':v': Keys.versionPrefix },
    }),
  );
  return page.Items ?? [];
}

describe('appends of a typed store', () => {
  it('refuse data its schema refuses with a ValidationError naming the event and field, writing nothing', async () => {
    const id = streamId('account');
    const appending = typed().appendToStream(id, [
      { type: 'AccountOpened', data: { owner: 'Ada' } },
      { type: 'MoneyDeposited', data: latest(-1, 'EUR') },
    ]);

    await expect(appending).rejects.toThrow(ValidationError);
    await expect(appending).rejects.toMatchObject({
      field: 'events[1].data.money.amount',
      eventType: 'MoneyDeposited',
      message:
        "events[1].data.money.amount does not match event type 'MoneyDeposited' (schema version 3): Too small: expected number to be >0",
    });
    expect(await db.store.streamExists(id)).toBe(false);
  });

  it('record the schema version in the item of a registered type, and none for others', async () => {
    const id = streamId('account');
    await writeHistory(id);

    const items = await rawItems(id);

    expect(items.map((item) => [item.type, item.schemaVersion])).toEqual([
      ['AccountOpened', undefined],
      ['MoneyDeposited', undefined],
      ['MoneyDeposited', 2],
      ['MoneyDeposited', 3],
      ['MoneyWithdrawn', 1],
      ['NoteAdded', undefined],
    ]);
    expect(items[3]?.data).toBe(JSON.stringify(latest(30, 'GBP')));
  });

  it("merge the append's metadata option into each event's", async () => {
    const id = streamId('account');
    await typed().appendToStream(
      id,
      [{ type: 'AccountOpened', data: { owner: 'Ada' }, metadata: { userId: 'u-1' } }],
      { metadata: { correlationId: 'c-1', causationId: 'cmd-1' } },
    );

    const [event] = await collect(db.store.readStream(id));

    expect(event?.metadata).toEqual({ correlationId: 'c-1', causationId: 'cmd-1', userId: 'u-1' });
  });
});

describe('every read path of a typed store returns the latest shape, also of events written before the upcaster existed', () => {
  const id = streamId('account');
  beforeAll(() => writeHistory(id));

  it('readStream, forwards and backwards; a store without the registry reads them as stored', async () => {
    expect(shapes(await collect(typed().readStream(id)))).toEqual(expectedHistory);
    expect(shapes(await collect(typed().readStream(id, { direction: 'backwards' })))).toEqual(
      [...expectedHistory].reverse(),
    );
    expect(shapes(await collect(untyped().readStream(id))).slice(1, 4)).toEqual([
      ['MoneyDeposited', { amount: 10 }],
      ['MoneyDeposited', { amount: 20, currency: 'USD' }],
      ['MoneyDeposited', latest(30, 'GBP')],
    ]);
  });

  it('readAll and readAllPage', async () => {
    const all = await collect(typed().readAll());
    const page = await typed().readAllPage({ limit: 1000, eventTypes: ['MoneyDeposited'] });

    expect(shapes(all.filter((e) => e.streamId === id))).toEqual(expectedHistory);
    expect(shapes(page.events.filter((e) => e.streamId === id))).toEqual(
      expectedHistory.slice(1, 4),
    );
  });

  it('aggregateStream and loadAggregate', async () => {
    const loaded = await loadAggregate(typed(), account, id);
    const folded = await typed().aggregateStream(id, {
      initialState: () => 0,
      evolve: (total, event) =>
        event.type === 'MoneyDeposited' ? total + event.data.money.amount : total,
    });

    expect(loaded).toMatchObject({
      state: { balance: 55, currencies: ['EUR', 'USD', 'GBP'] },
      version: 6,
    });
    expect(folded.state).toBe(60);
  });

  it('the snapshotter folds upcast events into the snapshot, and loads start from it', async () => {
    const items = await rawItems(id);
    const handler = snapshotterHandlerWith({ store: typed(), aggregates: [account] });

    const result = await handler({
      Records: [recordOf('INSERT', marshall(items[3] as Record<string, unknown>))],
    });
    const loaded = await loadAggregate(typed(), account, id);

    expect(result).toEqual({ batchItemFailures: [] });
    expect(await typed().getSnapshot(id)).toMatchObject({
      version: 4,
      state: { balance: 60, currencies: ['EUR', 'USD', 'GBP'] },
    });
    expect(loaded).toMatchObject({ state: { balance: 55 }, fromSnapshotVersion: 4, eventsRead: 2 });
  });

  it('the projector, from stream records and from the gap it reads from the stream', async () => {
    const projections = new ProjectionStore({
      tableName: db.tables.readModelTable,
      client: db.client,
    });
    const items = await rawItems(id);
    const handler = projectorHandlerWith({
      events: bankEvents,
      projector: new Projector({
        store: typed(),
        projectionStore: projections,
        projections: [deposits],
      }),
    });

    // Only the newest deposit's record: versions 1-3 are a gap, read from the stream.
    const result = await handler({
      Records: [recordOf('INSERT', marshall(items[3] as Record<string, unknown>))],
    });

    expect(result).toEqual({ batchItemFailures: [] });
    expect((await projections.get('deposits', id))?.state).toEqual({ amounts: [10, 20, 30] });
  });

  it('subscribeToAll', async () => {
    const seen: RecordedEvent[] = [];
    const subscription = subscribeToAll({
      store: typed(),
      checkpoints: new ProjectionStore({ tableName: db.tables.readModelTable, client: db.client }),
      name: `typed-${id.slice(-8)}`,
      pollIntervalMs: 20,
      handler: (event) => {
        if (event.streamId === id) seen.push(event);
      },
    });
    await eventually(async () => (seen.length >= expectedHistory.length ? true : undefined));
    await subscription.stop();

    expect(shapes(seen)).toEqual(expectedHistory);
  });

  it('the HTTP API: stream and $all reads in the latest shape; an invalid append is 400 naming the field', async () => {
    const handler = apiHandlerWith({
      store: typed(),
      logger: createApiLogger({ logLevel: 'SILENT' }),
      metrics: new RecordedMetrics(),
    });
    const path = `/streams/${encodeURIComponent(id)}/events`;

    const stream = await handler(apiEvent({ rawPath: path }));
    const all = await handler(
      apiEvent({ rawPath: '/events', rawQueryString: 'limit=1000&eventType=MoneyDeposited' }),
    );
    const refused = await handler(
      apiEvent({
        method: 'POST',
        rawPath: path,
        body: JSON.stringify({ events: [{ type: 'MoneyDeposited', data: { amount: 5 } }] }),
      }),
    );

    expect(shapes((bodyOf(stream) as { events: RecordedEvent[] }).events)).toEqual(expectedHistory);
    expect(
      shapes((bodyOf(all) as { events: RecordedEvent[] }).events.filter((e) => e.streamId === id)),
    ).toEqual(expectedHistory.slice(1, 4));
    expect(refused.statusCode).toBe(400);
    expect(bodyOf(refused)).toEqual({
      error: 'ValidationError',
      message:
        "events[0].data.money does not match event type 'MoneyDeposited' (schema version 3): Invalid input: expected object, received undefined",
    });
  });

  it('a stored event its schemas cannot read stops a subscription at once with UndecodableEvent', async () => {
    const broken = streamId('account');
    await untyped().appendToStream(broken, [{ type: 'MoneyWithdrawn', data: { amount: 0 } }]);
    const errors: unknown[] = [];

    const subscription = subscribeToAll({
      store: typed(),
      checkpoints: new ProjectionStore({ tableName: db.tables.readModelTable, client: db.client }),
      name: `undecodable-${broken.slice(-8)}`,
      handler: () => {},
      onReadError: (error) => errors.push(error),
    });

    await expect(subscription.done).rejects.toMatchObject({
      code: 'UndecodableEvent',
      streamId: broken,
    });
    expect(errors).toEqual([]);
  });

  it('a stored event its schemas cannot read fails the read with UndecodableEvent, naming it', async () => {
    const broken = streamId('account');
    await untyped().appendToStream(broken, [{ type: 'MoneyDeposited', data: { amount: 'ten' } }]);

    await expect(collect(typed().readStream(broken))).rejects.toMatchObject({
      code: 'UndecodableEvent',
      message: `Event 1 of stream '${broken}' ('MoneyDeposited', written at schema version 1) cannot be read: data.amount as version 1: Invalid input: expected number, received string`,
    });
    expect(
      await db.client.send(
        new GetCommand({
          TableName: db.tables.eventsTable,
          Key: { PK: Keys.streamPk(broken), SK: Keys.versionSk(1) },
        }),
      ),
    ).toHaveProperty('Item');
  });
});
