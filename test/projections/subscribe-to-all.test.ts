import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProjectionStore } from '../../src/projections/projection-store.js';
import { type Subscription, subscribeToAll } from '../../src/projections/subscribe-to-all.js';
import type { RecordedEvent } from '../../src/types.js';
import { useTestStore } from '../support/dynamodb.js';
import { eventually, readEverything } from '../support/stream-events.js';

const db = useTestStore('subscribe');
let checkpoints: ProjectionStore;
const running: Subscription[] = [];

beforeAll(() => {
  checkpoints = new ProjectionStore({ tableName: db.tables.readModelTable, client: db.client });
});

afterAll(async () => {
  await Promise.allSettled(running.map((s) => s.stop()));
});

async function appendNotes(count: number): Promise<void> {
  const stream = `note-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`;
  await db.store.appendToStream(
    stream,
    Array.from({ length: count }, (_, i) => ({ type: 'Noted', data: { i } })),
  );
}

function subscribe(
  name: string,
  seen: RecordedEvent[],
  fromPosition?: number,
  handler?: (e: RecordedEvent) => void,
) {
  const subscription = subscribeToAll({
    store: db.store,
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

describe('subscribeToAll', () => {
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
});
