import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { apiHandlerWith } from '../../lambdas/api/create-api-handler.js';
import { createApiLogger, RecordedMetrics } from '../../lambdas/api/observability.js';
import type { PositionedEvent, RecordedEvent } from '../../src/types.js';
import { apiEvent, bodyOf } from '../support/api-gateway.js';
import { placed, streamId, useTestStore } from '../support/dynamodb.js';

const db = useTestStore('read-all-page');

/** 120 events of noise in one stream, then one needle; returns the first position. */
async function haystack(needleType: string): Promise<{ first: number; needle: RecordedEvent }> {
  const noise = Array.from({ length: 60 }, (_, i) => ({ type: 'Noise', data: { i } }));
  const id = streamId('hay');
  const { firstPosition } = placed(await db.store.appendToStream(id, noise));
  placed(await db.store.appendToStream(id, noise));
  const { events } = placed(await db.store.appendToStream(id, [{ type: needleType, data: {} }]));
  return { first: firstPosition, needle: events[0] as PositionedEvent };
}

describe('readAllPage', () => {
  it('looks at no more than maxExamined items, and its nextPosition moves on past them', async () => {
    // Prepare
    const type = `Needle-${randomUUID()}`;
    const { first, needle } = await haystack(type);

    // Act
    const pages = [];
    let from: number | undefined = first;
    while (from !== undefined && pages.length < 10) {
      const page = await db.store.readAllPage({
        fromPosition: from,
        eventTypes: [type],
        maxExamined: 50,
      });
      pages.push(page);
      from = page.nextPosition;
    }

    // Assess
    expect(pages.map((p) => [p.events.length, p.nextPosition])).toEqual([
      [0, first + 50],
      [0, first + 100],
      [1, undefined],
    ]);
    expect(pages[2]?.events).toEqual([needle]);
  });

  it('stops at limit matches, next at the first match it did not return', async () => {
    // Prepare
    const type = `Pair-${randomUUID()}`;
    const id = streamId();
    const { events } = placed(
      await db.store.appendToStream(id, [
        { type, data: 1 },
        { type: 'Other', data: 2 },
        { type, data: 3 },
      ]),
    );

    // Act
    const page = await db.store.readAllPage({
      fromPosition: (events[0] as PositionedEvent).position,
      eventTypes: [type],
      limit: 1,
    });

    // Assess
    expect(page).toEqual({
      events: [events[0]],
      nextPosition: (events[2] as RecordedEvent).position,
    });
  });

  it('stops before maxBytes, yet returns a first event larger than it', async () => {
    // Prepare
    const id = streamId();
    const { events } = placed(
      await db.store.appendToStream(id, [
        { type: 'A', data: 'x'.repeat(500) },
        { type: 'A', data: 'y' },
      ]),
    );

    // Act
    const page = await db.store.readAllPage({
      fromPosition: (events[0] as PositionedEvent).position,
      streamPrefix: id,
      maxBytes: 100,
    });

    // Assess
    expect(page).toEqual({
      events: [events[0]],
      nextPosition: (events[1] as RecordedEvent).position,
    });
  });

  it.each([
    [{ maxExamined: 0 }, 'options.maxExamined must be an integer 1..1000000 (got number 0)'],
    [{ eventTypes: [] }, 'options.eventTypes must list at least one type (got [])'],
    [{ limit: 1.5 }, 'options.limit must be an integer 1..10000 (got number 1.5)'],
  ])('refuses %j', async (options, message) => {
    await expect(db.store.readAllPage(options)).rejects.toMatchObject({
      code: 'ValidationError',
      message,
    });
  });
});

describe('GET /events with a filter', () => {
  it('answers after maxExamined index items with the matches so far and a nextPosition that moves on', async () => {
    // Prepare
    const type = `Rare-${randomUUID()}`;
    const { first, needle } = await haystack(type);
    const handler = apiHandlerWith({
      store: db.store,
      logger: createApiLogger({ logLevel: 'SILENT' }),
      metrics: new RecordedMetrics(),
      maxExamined: 50,
    });
    const get = async (from: number) =>
      bodyOf(
        await handler(
          apiEvent({
            rawPath: '/events',
            rawQueryString: `eventType=${type}&fromPosition=${from}`,
          }),
        ),
      );

    // Act
    const firstPage = await get(first);
    const lastPage = await get(first + 100);

    // Assess
    expect(firstPage).toEqual({ events: [], nextPosition: first + 50 });
    expect(lastPage).toEqual({ events: [needle], nextPosition: null });
  });
});
