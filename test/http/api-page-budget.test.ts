import { beforeAll, describe, expect, it } from 'vitest';
import { type ApiHandler, apiHandlerWith } from '../../lambdas/api/create-api-handler.js';
import { createApiLogger, RecordedMetrics } from '../../lambdas/api/observability.js';
import { LambdaPayload } from '../../lambdas/api/page-budget.js';
import { defineProjection } from '../../src/projections/define.js';
import { ProjectionStore } from '../../src/projections/projection-store.js';
import { Projector } from '../../src/projections/projector.js';
import type { RecordedEvent } from '../../src/types.js';
import { apiEvent } from '../support/api-gateway.js';
import { placed, streamId, useTestStore } from '../support/dynamodb.js';

// Lambda refuses a response over 6 MB: every list response stops short of a
// byte budget and says where to go on, and paging to the end returns each item once.
const db = useTestStore('api-page-budget');
let handler: ApiHandler;
let projections: ProjectionStore;

const handlerWith = (pageBudgetBytes?: number) =>
  apiHandlerWith({
    store: db.store,
    projections,
    logger: createApiLogger({ logLevel: 'SILENT' }),
    metrics: new RecordedMetrics(),
    ...(pageBudgetBytes !== undefined && { pageBudgetBytes }),
  });

beforeAll(() => {
  projections = new ProjectionStore({ tableName: db.tables.readModelTable, client: db.client });
  handler = handlerWith();
});

/** The whole result as Lambda serializes it: what its 6 MB limit is measured on. */
const payloadBytes = (result: unknown) => Buffer.byteLength(JSON.stringify(result), 'utf8');

// 100 KB of quotes: each doubles in the body and again in the Lambda result (400 KB an event; 21 make 8 MB).
const bigEvent = (i: number) => ({ type: 'Big', data: { i, text: '"'.repeat(100 * 1024) } });

async function pageAll<T>(
  call: (from: string | undefined) => Promise<{ statusCode: number; body?: string }>,
  items: (body: Record<string, unknown>) => T[],
  next: (body: Record<string, unknown>) => string | undefined,
): Promise<{ items: T[]; pages: number; largestPayload: number }> {
  const all: T[] = [];
  let from: string | undefined;
  let pages = 0;
  let largestPayload = 0;
  do {
    const result = await call(from);
    expect(result.statusCode).toBe(200);
    largestPayload = Math.max(largestPayload, payloadBytes(result));
    const body = JSON.parse(result.body ?? '{}') as Record<string, unknown>;
    all.push(...items(body));
    from = next(body);
    pages++;
  } while (from !== undefined && pages < 100);
  return { items: all, pages, largestPayload };
}

describe('pages bounded by bytes', () => {
  let id: string;
  let firstPosition: number;

  beforeAll(async () => {
    id = streamId('big');
    const first = placed(
      await db.store.appendToStream(
        id,
        Array.from({ length: 7 }, (_, i) => bigEvent(i)),
      ),
    );
    firstPosition = first.firstPosition;
    for (let start = 7; start < 21; start += 7) {
      placed(
        await db.store.appendToStream(
          id,
          Array.from({ length: 7 }, (_, i) => bigEvent(start + i)),
        ),
      );
    }
  });

  it('cuts a stream page of 21 events of 100 KB quotes under 6 MB and pages to the end, each event once', async () => {
    // Act
    const read = await pageAll(
      (from) =>
        handler(
          apiEvent({
            rawPath: `/streams/${id}/events`,
            rawQueryString: from ? `fromVersion=${from}` : '',
          }),
        ),
      (body) => (body.events as RecordedEvent[]).map((e) => e.version),
      (body) => (body.nextVersion === null ? undefined : String(body.nextVersion)),
    );

    // Assess
    expect(read.items).toEqual(Array.from({ length: 21 }, (_, i) => i + 1));
    expect(read.pages).toBeGreaterThan(1);
    expect(read.largestPayload).toBeLessThan(LambdaPayload.maxBytes);
  });

  it('cuts a $all page (limit=1000) under 6 MB and pages to the end, each event once', async () => {
    // Act
    const read = await pageAll(
      (from) =>
        handler(
          apiEvent({
            rawPath: '/events',
            rawQueryString: `limit=1000&streamPrefix=${id}&fromPosition=${from ?? firstPosition}`,
          }),
        ),
      (body) => (body.events as RecordedEvent[]).map((e) => e.version),
      (body) => (body.nextPosition === null ? undefined : String(body.nextPosition)),
    );

    // Assess
    expect(read.items).toEqual(Array.from({ length: 21 }, (_, i) => i + 1));
    expect(read.largestPayload).toBeLessThan(LambdaPayload.maxBytes);
  });

  it('still returns one event larger than the whole budget, alone', async () => {
    // Act
    const result = await handlerWith(1000)(
      apiEvent({ rawPath: `/streams/${id}/events`, rawQueryString: 'limit=3' }),
    );

    // Assess
    const body = JSON.parse(result.body ?? '{}') as {
      events: RecordedEvent[];
      nextVersion: number;
    };
    expect({ versions: body.events.map((e) => e.version), next: body.nextVersion }).toEqual({
      versions: [1],
      next: 2,
    });
  });

  it('cuts a projection list short of the budget, with a cursor that goes on after the last document', async () => {
    // Prepare: 12 documents of about 1 KB each, a budget of about 5 of them
    const name = `notes-${streamId().slice(5, 13)}`;
    const notes = defineProjection({
      name,
      eventTypes: ['Noted'],
      key: (event) => event.streamId,
      initialState: () => ({ text: '' }),
      evolve: (_state, event) => ({ text: (event.data as { text: string }).text }),
    });
    const projector = new Projector({
      store: db.store,
      projectionStore: projections,
      projections: [notes],
    });
    for (let i = 0; i < 12; i++) {
      const { events } = placed(
        await db.store.appendToStream(`note-${String(i).padStart(2, '0')}-${streamId()}`, [
          { type: 'Noted', data: { text: 'x'.repeat(1000) } },
        ]),
      );
      await projector.apply(events);
    }
    const small = handlerWith(6000);

    // Act
    const read = await pageAll(
      (cursor) =>
        small(
          apiEvent({
            rawPath: `/projections/${name}`,
            rawQueryString: `limit=1000${cursor ? `&cursor=${cursor}` : ''}`,
          }),
        ),
      (body) => (body.documents as { key: string }[]).map((d) => d.key),
      (body) => (body.nextCursor === null ? undefined : String(body.nextCursor)),
    );

    // Assess
    expect(read.items).toHaveLength(12);
    expect(new Set(read.items).size).toBe(12);
    expect(read.items).toEqual([...read.items].sort());
    expect(read.pages).toBeGreaterThanOrEqual(3);
  });
});
