import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ValidationError } from '../../src/errors.js';
import { EventStore } from '../../src/event-store.js';
import { ProjectionStore } from '../../src/projections/projection-store.js';
import {
  type SubscribeToAllOptions,
  type Subscription,
  subscribeToAll,
} from '../../src/projections/subscribe-to-all.js';
import type { RecordedEvent } from '../../src/types.js';
import { testClient, useTestStore } from '../support/dynamodb.js';
import { recordQueries, type SentQuery } from '../support/sdk-spy.js';
import { eventually, readEverything } from '../support/stream-events.js';

// Strict mode: the assertions count index Queries, one per unsharded page.
const db = useTestStore('subscribe', { positionMode: 'strict' });
let checkpoints: ProjectionStore;
const running: Subscription[] = [];

beforeAll(() => {
  checkpoints = new ProjectionStore({ tableName: db.tables.readModelTable, client: db.client });
});

afterAll(async () => {
  await Promise.allSettled(running.map((s) => s.stop()));
});

async function appendNotes(count: number, type = 'Noted'): Promise<void> {
  const stream = `note-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`;
  await db.store.appendToStream(
    stream,
    Array.from({ length: count }, (_, i) => ({ type, data: { i } })),
  );
}

function subscribe(
  name: string,
  seen: RecordedEvent[],
  fromPosition?: number,
  handler?: (e: RecordedEvent) => void,
  extra: Partial<Pick<SubscribeToAllOptions, 'store' | 'eventTypes'>> = {},
) {
  const subscription = subscribeToAll({
    store: db.store,
    ...extra,
    checkpoints,
    name,
    ...(fromPosition !== undefined && { fromPosition }),
    batchSize: 10,
    pollIntervalMs: 20,
    handler: (event) => {
      handler?.(event);
      seen.push(event);
    },
  });
  running.push(subscription);
  return subscription;
}

async function lastPosition(): Promise<number> {
  return (await readEverything(db.store)).at(-1)?.position ?? 0;
}

const positions = (events: RecordedEvent[]) => events.map((e) => e.position);
const range = (from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => from + i);

/** Where each `$all` Query started, and how many events it returned. */
const reads = (queries: SentQuery[]) =>
  queries.map((q) => [
    (q.input.ExpressionAttributeValues as Record<string, unknown>)[':position'],
    q.items,
  ]);

/** Resolves once a Query returned `position` and another one followed: that batch is checkpointed. */
async function readPast(queries: SentQuery[], position: number): Promise<void> {
  await eventually(async () => {
    const end = reads(queries).findIndex(
      ([from, items]) => Number(from) + Number(items) > position,
    );
    return end >= 0 && queries.length > end + 1 ? true : undefined;
  });
}

describe('subscribeToAll', () => {
  it('keeps retrying failed reads for as long as it runs, reporting each, then delivers', async () => {
    // Prepare: a store whose first 12 $all reads fail (a lagging index, throttling);
    // 5 failed reads used to end the subscription
    await appendNotes(2);
    const last = await lastPosition();
    const store = new EventStore({ tableName: db.tables.eventsTable, client: db.client });
    const readAll = store.readAll.bind(store);
    let failing = 12;
    store.readAll = (options) => {
      if (failing > 0) {
        failing -= 1;
        return {
          [Symbol.asyncIterator]: () => ({
            next: () => Promise.reject(new Error('index lagging')),
          }),
        };
      }
      return readAll(options);
    };
    const reported: [string, number][] = [];
    const seen: RecordedEvent[] = [];

    // Act
    const subscription = subscribeToAll({
      store,
      checkpoints,
      name: `retrying-${Date.now()}`,
      fromPosition: last - 1,
      handler: (event) => {
        seen.push(event);
      },
      pollIntervalMs: 20,
      retryBaseDelayMs: 1,
      retryMaxDelayMs: 4,
      onReadError: (error, attempt) => reported.push([String(error), attempt]),
    });
    running.push(subscription);
    await eventually(async () => (seen.length >= 2 ? true : undefined));
    await subscription.stop();

    // Assess
    expect(positions(seen)).toEqual([last - 1, last]);
    expect(reported).toEqual(range(1, 12).map((attempt) => ['Error: index lagging', attempt]));
    await expect(subscription.done).resolves.toBeUndefined();
  });

  it('resumes after stop from its checkpoint, delivering each later event once, in order', async () => {
    // Prepare
    await appendNotes(25);
    const start = (await lastPosition()) - 24;
    const first: RecordedEvent[] = [];
    const before = subscribe('resume', first, start);
    await eventually(async () => (first.length >= 25 ? true : undefined));
    await before.stop();
    await appendNotes(12);

    // Act
    const second: RecordedEvent[] = [];
    const after = subscribe('resume', second, start);
    await eventually(async () => (second.length >= 12 ? true : undefined));
    await after.stop();

    // Assess
    expect(positions(first)).toEqual(range(start, start + 24));
    expect(positions(second)).toEqual(range(start + 25, start + 36));
    expect(await checkpoints.getCheckpoint('resume')).toBe(start + 36);
  });

  it('stops with the handler error, keeps the checkpoint before it, and redelivers that event on restart', async () => {
    // Prepare
    await appendNotes(20);
    const last = await lastPosition();
    const [first, failAt] = [last - 19, last - 5];
    const seen: RecordedEvent[] = [];
    const failing = subscribe('at-least-once', seen, first, (event) => {
      if (event.position === failAt) throw new Error('downstream unavailable');
    });
    await expect(failing.done).rejects.toThrow('downstream unavailable');
    const checkpoint = await checkpoints.getCheckpoint('at-least-once');

    // Act
    const retried: RecordedEvent[] = [];
    const retry = subscribe('at-least-once', retried, first);
    await eventually(async () => (retried.length >= last - failAt + 1 ? true : undefined));
    await retry.stop();

    // Assess
    expect(positions(seen)).toEqual(range(first, failAt - 1));
    expect(checkpoint).toBe(failAt - 1);
    expect(positions(retried)).toEqual(range(failAt, last));
  });

  it('starts at fromPosition when it has no checkpoint yet', async () => {
    await appendNotes(8);
    const last = await lastPosition();
    const seen: RecordedEvent[] = [];

    const subscription = subscribe('from-position', seen, last - 7);
    await eventually(async () => (seen.length >= 8 ? true : undefined));
    await subscription.stop();

    expect(positions(seen)).toEqual(range(last - 7, last));
  });

  it('with eventTypes, checkpoints past the events it skips, so a restart reads only what came after', async () => {
    // Prepare
    await appendNotes(1, 'Flagged');
    await appendNotes(30);
    await appendNotes(30);
    const last = await lastPosition();
    const flagged = last - 60;
    const client = testClient();
    const queries = recordQueries(client);
    const store = new EventStore({ tableName: db.tables.eventsTable, client });
    const seen: RecordedEvent[] = [];
    const first = subscribe('skips', seen, flagged, undefined, { store, eventTypes: ['Flagged'] });
    await readPast(queries, last);
    await first.stop();
    const checkpoint = await checkpoints.getCheckpoint('skips');
    const before = queries.length;

    // Act
    const again: RecordedEvent[] = [];
    const restarted = subscribe('skips', again, flagged, undefined, {
      store,
      eventTypes: ['Flagged'],
    });
    await eventually(async () => (queries.length >= before + 3 ? true : undefined));
    await restarted.stop();
    client.destroy();

    // Assess
    expect(positions(seen)).toEqual([flagged]);
    expect(checkpoint).toBe(last);
    expect(again).toEqual([]);
    expect(restarted.position).toBe(last);
    const idle = reads(queries.slice(before));
    expect(idle).toEqual(idle.map(() => [last + 1, 0]));
  });

  it('with eventTypes, keeps the checkpoint just before a failing event and redelivers it on restart', async () => {
    // Prepare
    await appendNotes(5);
    await appendNotes(1, 'Flagged');
    await appendNotes(5);
    const last = await lastPosition();
    const [first, failAt] = [last - 10, last - 5];
    const failing = subscribe(
      'skips-then-fails',
      [],
      first,
      () => {
        throw new Error('downstream unavailable');
      },
      { eventTypes: ['Flagged'] },
    );
    await expect(failing.done).rejects.toThrow('downstream unavailable');
    const checkpoint = await checkpoints.getCheckpoint('skips-then-fails');

    // Act
    const retried: RecordedEvent[] = [];
    const retry = subscribe('skips-then-fails', retried, first, undefined, {
      eventTypes: ['Flagged'],
    });
    await eventually(async () => (retried.length >= 1 ? true : undefined));
    await retry.stop();

    // Assess
    expect(checkpoint).toBe(failAt - 1);
    expect(positions(retried)).toEqual([failAt]);
  });
});

describe('subscribeToAll options', () => {
  const valid = (): SubscribeToAllOptions => ({
    store: db.store,
    checkpoints,
    name: 'valid-name',
    handler: () => {},
  });

  it.each([
    { change: { name: '' }, field: 'options.name', reason: /^must be 1\.\.128 letters/ },
    { change: { handler: 'nope' }, field: 'options.handler', reason: /^must be a function/ },
    { change: { fromPosition: 0 }, field: 'options.fromPosition', reason: /integer 1\.\./ },
    {
      change: { batchSize: 5000 },
      field: 'options.batchSize',
      reason: /integer 1\.\.1000 \(got number 5000\)$/,
    },
    {
      change: { eventTypes: [] },
      field: 'options.eventTypes',
      reason: /^must list at least one type/,
    },
    {
      change: { eventTypes: [''] },
      field: 'options.eventTypes[0]',
      reason: /^must be 1\.\.256 characters/,
    },
    {
      change: { pollIntervalMs: -1 },
      field: 'options.pollIntervalMs',
      reason: /integer 0\.\.600000/,
    },
  ])('refuses $field at the call, before reading anything', ({ change, field, reason }) => {
    // Act
    const start = () => subscribeToAll({ ...valid(), ...change } as SubscribeToAllOptions);

    // Assess
    expect(start).toThrow(ValidationError);
    expect(start).toThrow(
      expect.objectContaining({ field, reason: expect.stringMatching(reason) }),
    );
  });
});
