import { describe, expect, it } from 'vitest';
import { appendsOf, buildImportChunk } from '../../src/transfer/import-items.js';
import type { PositionedEvent } from '../../src/types.js';

const at = '2026-11-30T10:00:00.000Z';
const later = '2026-11-30T10:00:01.000Z';
const event = (
  streamId: string,
  version: number,
  position: number,
  createdAt = at,
): PositionedEvent => ({
  streamId,
  version,
  position,
  eventId: `${streamId}-${version}`,
  type: 'T',
  data: { n: position },
  metadata: null,
  createdAt,
});

describe('appendsOf', () => {
  it('groups the events one append wrote: one stream, consecutive positions and versions, one commit time', () => {
    const events = [
      event('a', 1, 1),
      event('a', 2, 2),
      event('b', 1, 3),
      event('a', 3, 4, later),
      event('a', 4, 6, later),
    ];

    expect(appendsOf(events).map((append) => append.map((e) => e.position))).toEqual([
      [1, 2],
      [3],
      [4],
      [6],
    ]);
  });
});

describe('buildImportChunk', () => {
  it('places each event at its position with its append range, marks a skipped range aborted, and sets each head once', () => {
    const now = new Date('2026-11-30T12:00:00.000Z');

    const writes = buildImportChunk(
      'events',
      { mode: 'reserved', pageShards: 8 },
      2,
      [event('a', 1, 3), event('a', 2, 4), event('b', 1, 7, later)],
      now,
    );

    expect(writes.through).toBe(7);
    expect(writes.items).toEqual([
      expect.objectContaining({
        PK: 'STREAM#a',
        SK: 'VERSION#000000000001',
        position: 3,
        positionPage: 'PAGE#0#3',
        rangeFirst: 3,
        rangeLast: 4,
        appendIndex: 0,
        appendCount: 2,
        data: '{"n":3}',
      }),
      expect.objectContaining({
        PK: 'STREAM#a',
        SK: 'VERSION#000000000002',
        position: 4,
        positionPage: 'PAGE#0#4',
        rangeFirst: 3,
        rangeLast: 4,
        appendIndex: 1,
        appendCount: 2,
      }),
      {
        PK: '$SLOT#5',
        SK: 'SLOT',
        slotState: 'aborted',
        count: 2,
        position: 5,
        positionPage: 'PAGE#0#5',
        createdAt: now.toISOString(),
      },
      expect.objectContaining({
        PK: 'STREAM#b',
        SK: 'VERSION#000000000001',
        position: 7,
        rangeFirst: 7,
        rangeLast: 7,
      }),
    ]);
    expect(writes.heads.map((h) => [h.Key, h.ExpressionAttributeValues])).toEqual([
      [
        { PK: 'STREAM#a', SK: 'HEAD' },
        {
          ':version': 2,
          ':streamId': 'a',
          ':position': 4,
          ':count': 2,
          ':lastEventId': 'a-2',
          ':updatedAt': at,
          ':createdAt': at,
        },
      ],
      [
        { PK: 'STREAM#b', SK: 'HEAD' },
        {
          ':version': 1,
          ':streamId': 'b',
          ':position': 7,
          ':count': 1,
          ':lastEventId': 'b-1',
          ':updatedAt': later,
          ':createdAt': later,
        },
      ],
    ]);
  });

  it('gives strict stores the unsharded index key and no range', () => {
    const writes = buildImportChunk('events', { mode: 'strict', pageShards: 1 }, 0, [
      event('a', 1, 1),
    ]);

    expect(writes.items[0]).toMatchObject({ position: 1, positionPage: 'PAGE#0' });
    expect(writes.items[0]).not.toHaveProperty('rangeFirst');
  });
});
