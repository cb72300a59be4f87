import { randomUUID } from 'node:crypto';
import {
  EventStore as CastoreEventStore,
  Command,
  EventType,
  type EventTypeDetails,
  isEventAlreadyExistsError,
  tuple,
} from '@castore/core';
import { describe, expect, it } from 'vitest';
import { DynamoEventStorageAdapter } from '../../adapters/castore/index.js';
import { ValidationError, WrongExpectedVersionError } from '../../src/errors.js';
import { useTestStore } from '../support/dynamodb.js';

const db = useTestStore('castore');

// Two aggregate types, as Castore models them: counters and their audit logs.
const counterCreated = new EventType<'COUNTER_CREATED', { start: number }>({
  type: 'COUNTER_CREATED',
});
const counterIncremented = new EventType<'COUNTER_INCREMENTED', undefined, { by: string }>({
  type: 'COUNTER_INCREMENTED',
});
const counterEventTypes = [counterCreated, counterIncremented];
type CounterEvent = EventTypeDetails<typeof counterEventTypes>;
type Counter = { aggregateId: string; version: number; count: number };

const logged = new EventType<'LOGGED', { line: string }>({ type: 'LOGGED' });

/** Fresh event store ids per test keep listAggregateIds independent inside one table. */
function stores() {
  const adapter = new DynamoEventStorageAdapter({ store: db.store });
  const suffix = randomUUID().slice(0, 8);
  const counters = new CastoreEventStore({
    eventStoreId: `COUNTERS${suffix}`,
    eventTypes: counterEventTypes,
    reducer: (counter: Counter | undefined, event: CounterEvent): Counter => {
      const base = counter ?? { aggregateId: event.aggregateId, version: 0, count: 0 };
      const count = event.type === 'COUNTER_CREATED' ? event.payload.start : base.count + 1;
      return { aggregateId: event.aggregateId, version: event.version, count };
    },
    eventStorageAdapter: adapter,
  });
  const logs = new CastoreEventStore({
    eventStoreId: `LOGS${suffix}`,
    eventTypes: [logged],
    reducer: (_: { aggregateId: string; version: number } | undefined, event) => ({
      aggregateId: event.aggregateId,
      version: event.version,
    }),
    eventStorageAdapter: adapter,
  });
  return { adapter, counters, logs };
}

const timestamp = '2026-01-02T03:04:05.678Z';

describe('the Castore backend', () => {
  it('pushes and reads typed events; the aggregate folds from them', async () => {
    // Prepare
    const { counters } = stores();
    const id = randomUUID();

    // Act
    const created = await counters.pushEvent({
      aggregateId: id,
      version: 1,
      type: 'COUNTER_CREATED',
      payload: { start: 10 },
    });
    await counters.pushEvent(
      {
        aggregateId: id,
        version: 2,
        type: 'COUNTER_INCREMENTED',
        metadata: { by: 'ada' },
        timestamp,
      },
      { prevAggregate: created.nextAggregate },
    );
    const { aggregate, events } = await counters.getExistingAggregate(id);

    // Assess
    expect(aggregate).toEqual({ aggregateId: id, version: 2, count: 11 });
    expect(events).toEqual([
      {
        aggregateId: id,
        version: 1,
        type: 'COUNTER_CREATED',
        payload: { start: 10 },
        timestamp: created.event.timestamp,
      },
      {
        aggregateId: id,
        version: 2,
        type: 'COUNTER_INCREMENTED',
        metadata: { by: 'ada' },
        timestamp,
      },
    ]);
    const head = await db.store.getStreamHead(`${counters.eventStoreId}-${id}`);
    expect(created.event.timestamp).toBe(head?.createdAt);
  });

  it("refuses a version already taken with Castore's EventAlreadyExistsError, and a gap with WrongExpectedVersion", async () => {
    // Prepare
    const { counters } = stores();
    const id = randomUUID();
    await counters.pushEvent({
      aggregateId: id,
      version: 1,
      type: 'COUNTER_CREATED',
      payload: { start: 0 },
    });

    // Act
    const taken = await counters
      .pushEvent({
        aggregateId: id,
        version: 1,
        type: 'COUNTER_CREATED',
        payload: { start: 5 },
      })
      .catch((e: unknown) => e);
    const gap = await counters
      .pushEvent({
        aggregateId: id,
        version: 3,
        type: 'COUNTER_INCREMENTED',
        metadata: { by: 'bob' },
      })
      .catch((e: unknown) => e);
    const forced = await counters
      .pushEvent(
        { aggregateId: id, version: 1, type: 'COUNTER_CREATED', payload: { start: 5 } },
        { force: true },
      )
      .catch((e: unknown) => e);

    // Assess
    expect(isEventAlreadyExistsError(taken)).toBe(true);
    expect(taken).toMatchObject({
      eventStoreId: counters.eventStoreId,
      aggregateId: id,
      version: 1,
    });
    expect(gap).toBeInstanceOf(WrongExpectedVersionError);
    expect(forced).toBeInstanceOf(ValidationError);
    expect((await counters.getEvents(id)).events.map((e) => e.version)).toEqual([1]);
  });

  it('reads with minVersion, maxVersion, limit and reverse as Castore defines them', async () => {
    // Prepare
    const { counters } = stores();
    const id = randomUUID();
    await counters.pushEvent({
      aggregateId: id,
      version: 1,
      type: 'COUNTER_CREATED',
      payload: { start: 0 },
    });
    for (let version = 2; version <= 6; version++) {
      await counters.pushEvent({
        aggregateId: id,
        version,
        type: 'COUNTER_INCREMENTED',
        metadata: { by: 'ada' },
      });
    }
    const versions = async (options: Parameters<typeof counters.getEvents>[1]) =>
      (await counters.getEvents(id, options)).events.map((e) => e.version);

    // Act / Assess
    expect(await versions({ minVersion: 2, maxVersion: 4 })).toEqual([2, 3, 4]);
    expect(await versions({ minVersion: 5 })).toEqual([5, 6]);
    expect(await versions({ maxVersion: 2 })).toEqual([1, 2]);
    expect(await versions({ limit: 2 })).toEqual([1, 2]);
    expect(await versions({ reverse: true, limit: 2 })).toEqual([6, 5]);
    expect(await versions({ reverse: true, minVersion: 4 })).toEqual([6, 5, 4]);
    expect(await versions({ reverse: true, maxVersion: 3, limit: 5 })).toEqual([3, 2, 1]);
    expect(await versions({ minVersion: 7 })).toEqual([]);
    expect((await counters.getEvents(randomUUID())).events).toEqual([]);
  });

  it('lists aggregate ids a page at a time, with time bounds and in reverse', async () => {
    // Prepare
    const { counters, logs } = stores();
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const id = `agg${i}`;
      await counters.pushEvent({
        aggregateId: id,
        version: 1,
        type: 'COUNTER_CREATED',
        payload: { start: i },
      });
      await new Promise((resolve) => setTimeout(resolve, 2));
      ids.push(id);
    }
    await logs.pushEvent({
      aggregateId: 'other',
      version: 1,
      type: 'LOGGED',
      payload: { line: 'x' },
    });

    // Act
    const pages: string[][] = [];
    let pageToken: string | undefined;
    do {
      const page = await counters.listAggregateIds({ limit: 2, ...(pageToken && { pageToken }) });
      pages.push(page.aggregateIds.map((a) => a.aggregateId));
      pageToken = page.nextPageToken;
    } while (pageToken);
    const all = await counters.listAggregateIds();
    const [, second, third] = all.aggregateIds.map((a) => a.initialEventTimestamp);
    const window = await counters.listAggregateIds({
      initialEventAfter: second,
      initialEventBefore: third,
    });
    const reversed = await counters.listAggregateIds({ reverse: true, limit: 3 });

    // Assess
    expect(pages.flat()).toEqual(ids);
    expect(pages[0]).toEqual(['agg0', 'agg1']);
    expect(all.aggregateIds.map((a) => a.aggregateId)).toEqual(ids);
    expect(all.nextPageToken).toBeUndefined();
    expect(window.aggregateIds.map((a) => a.aggregateId)).toEqual(['agg1', 'agg2']);
    expect(reversed.aggregateIds.map((a) => a.aggregateId)).toEqual(['agg4', 'agg3', 'agg2']);
  });

  it('pushes an event group across event stores in one transaction', async () => {
    // Prepare
    const { counters, logs } = stores();
    const [counterId, logId] = [randomUUID(), randomUUID()];

    // Act
    const { eventGroup } = await CastoreEventStore.pushEventGroup(
      counters.groupEvent({
        aggregateId: counterId,
        version: 1,
        type: 'COUNTER_CREATED',
        payload: { start: 1 },
      }),
      logs.groupEvent({
        aggregateId: logId,
        version: 1,
        type: 'LOGGED',
        payload: { line: 'made' },
      }),
    );

    // Assess
    expect(eventGroup.map((r) => [r.event.aggregateId, r.event.version, r.nextAggregate])).toEqual([
      [counterId, 1, { aggregateId: counterId, version: 1, count: 1 }],
      [logId, 1, { aggregateId: logId, version: 1 }],
    ]);
    expect(eventGroup[0]?.event.timestamp).toBe(eventGroup[1]?.event.timestamp);
    const positions = [];
    for await (const e of db.store.readAll({
      streamPrefix: `${counters.eventStoreId}-${counterId}`,
    }))
      positions.push(e.position);
    for await (const e of db.store.readAll({ streamPrefix: `${logs.eventStoreId}-${logId}` }))
      positions.push(e.position);
    expect(positions[1]).toBe((positions[0] as number) + 1);
  });

  it('writes nothing of a group when one of its events is already taken', async () => {
    // Prepare
    const { counters, logs } = stores();
    const [counterId, logId] = [randomUUID(), randomUUID()];
    await logs.pushEvent({
      aggregateId: logId,
      version: 1,
      type: 'LOGGED',
      payload: { line: 'first' },
    });

    // Act
    const attempt = CastoreEventStore.pushEventGroup(
      counters.groupEvent({
        aggregateId: counterId,
        version: 1,
        type: 'COUNTER_CREATED',
        payload: { start: 1 },
      }),
      logs.groupEvent({
        aggregateId: logId,
        version: 1,
        type: 'LOGGED',
        payload: { line: 'again' },
      }),
    );

    // Assess
    const error = await attempt.catch((e: unknown) => e);
    expect(isEventAlreadyExistsError(error)).toBe(true);
    expect(error).toMatchObject({
      eventStoreId: logs.eventStoreId,
      aggregateId: logId,
      version: 1,
    });
    expect((await counters.getEvents(counterId)).events).toEqual([]);
    expect((await logs.getEvents(logId)).events.map((e) => e.payload)).toEqual([{ line: 'first' }]);
  });

  it("retries a Castore Command that lost a race: EventAlreadyExistsError, then Castore's own retry", async () => {
    // Prepare
    const { counters } = stores();
    const id = randomUUID();
    await counters.pushEvent({
      aggregateId: id,
      version: 1,
      type: 'COUNTER_CREATED',
      payload: { start: 0 },
    });
    let reads = 0;
    let open!: () => void;
    const bothRead = new Promise<void>((resolve) => {
      open = resolve;
    });
    const failures: unknown[] = [];
    const increment = new Command({
      commandId: 'INCREMENT',
      requiredEventStores: tuple(counters),
      eventAlreadyExistsRetries: 2,
      onEventAlreadyExists: async (error) => void failures.push(error),
      handler: async (_input: undefined, [store]) => {
        const { aggregate } = await store.getExistingAggregate(id);
        // The first two tries both decide on the same version, as two racing Lambdas would.
        if (++reads <= 2) {
          if (reads === 2) open();
          await bothRead;
        }
        await store.pushEvent({
          aggregateId: id,
          version: aggregate.version + 1,
          type: 'COUNTER_INCREMENTED',
          metadata: { by: 'race' },
        });
      },
    });

    // Act
    await Promise.all([
      increment.handler(undefined, [counters]),
      increment.handler(undefined, [counters]),
    ]);

    // Assess
    expect(failures).toHaveLength(1);
    expect((await counters.getExistingAggregate(id)).aggregate).toEqual({
      aggregateId: id,
      version: 3,
      count: 2,
    });
  });

  it('refuses event store ids with a dash, which would not be one category', async () => {
    // Prepare
    const adapter = new DynamoEventStorageAdapter({ store: db.store });

    // Act
    const attempt = adapter.listAggregateIds({ eventStoreId: 'user-profiles' });

    // Assess
    await expect(attempt).rejects.toThrow(
      "context.eventStoreId must be 1 or more characters without '-'",
    );
  });
});
