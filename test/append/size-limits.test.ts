import { beforeAll, describe, expect, it } from 'vitest';
import { appendFixedBytes, eventItemSize, itemSize } from '../../src/append/validate-append.js';
import { AppendTooLargeError } from '../../src/errors.js';
import { Limits } from '../../src/table.js';
import type { NewEvent } from '../../src/types.js';
import { streamId, useTestStore } from '../support/dynamodb.js';
import { type TableProbe, tableProbe } from './helpers.js';

const db = useTestStore('append-size');
let probe: TableProbe;

beforeAll(() => {
  probe = tableProbe(db.client, db.tables.eventsTable);
});

const ok = { type: 'Happened', data: { n: 1 } };
const createdAt = new Date().toISOString();
/** An event whose item is exactly `bytes` as the store counts it, in a stream of this id. */
function eventOfItemSize(id: string, bytes: number, eventId: string): NewEvent {
  const base = eventItemSize(id, { eventId, type: 'Big', data: '', metadata: null }, createdAt);
  return { eventId, type: 'Big', data: 'x'.repeat(bytes - base) };
}
const bigId = 'big-stream';
const tooBigItem = eventOfItemSize(bigId, Limits.itemBytes + 1, 'big-1');
// 11 x 390,000 + the head item, the slot entry and the transaction's overhead.
const fourMbPlus = Array.from({ length: 11 }, (_, i) => eventOfItemSize(bigId, 390_000, `e${i}`));
const fourMbPlusSize = 11 * 390_000 + appendFixedBytes(bigId, createdAt);

describe('appendToStream size limits (refused whole, never split)', () => {
  it.each<[string, string, NewEvent[], Omit<AppendTooLargeError, 'name' | 'stack' | 'cause'>]>([
    [
      '99 events',
      streamId(),
      Array(99).fill(ok),
      {
        code: 'AppendTooLarge',
        what: 'The append',
        limit: 98,
        size: 99,
        unit: 'events',
        message: 'The append is 99 events; the limit is 98 events',
      },
    ],
    [
      'an event item over 400 KB',
      bigId,
      [ok, tooBigItem],
      {
        code: 'AppendTooLarge',
        what: 'events[1] as a DynamoDB item',
        limit: 409_600,
        size: 409_601,
        unit: 'bytes',
        message: 'events[1] as a DynamoDB item is 409601 bytes; the limit is 409600 bytes',
      },
    ],
    [
      'a transaction over 4 MB',
      bigId,
      fourMbPlus,
      {
        code: 'AppendTooLarge',
        what: "The append's transaction",
        limit: 4_194_304,
        size: fourMbPlusSize,
        unit: 'bytes',
        message: `The append's transaction is ${fourMbPlusSize} bytes; the limit is 4194304 bytes`,
      },
    ],
  ])(
    'rejects %s with AppendTooLargeError and writes nothing',
    async (_rule, id, events, expected) => {
      // Prepare
      const before = await probe.itemCount();

      // Act
      const error = await db.store.appendToStream(id, events).catch((e: unknown) => e);

      // Assess
      expect(error).toBeInstanceOf(AppendTooLargeError);
      const { code, what, limit, size, unit, message } = error as AppendTooLargeError;
      expect({ code, what, limit, size, unit, message }).toEqual(expected);
      expect(await probe.itemCount()).toBe(before);
    },
  );
});

describe('appendToStream at the limits (accepted by DynamoDB Local)', () => {
  const at4MiB = (id: string): NewEvent[] => {
    const fixed = appendFixedBytes(id, createdAt);
    const ten = Array.from({ length: 10 }, (_, i) =>
      eventOfItemSize(id, Limits.itemBytes, `e${i}`),
    );
    return [
      ...ten,
      eventOfItemSize(id, Limits.transactionBytes - fixed - 10 * Limits.itemBytes, 'last'),
    ];
  };
  it.each<[string, string, (id: string) => NewEvent[]]>([
    ['a stream id of 512 UTF-8 bytes', 'é'.repeat(256), () => [ok]],
    [
      'a type of 256 characters and an event id of 128',
      streamId(),
      () => [{ type: 't'.repeat(256), data: 1, eventId: 'e'.repeat(128) }],
    ],
    ['98 events', streamId(), () => Array(98).fill(ok)],
    [
      'an event item of exactly 400 KB by the store count',
      streamId(),
      (id) => [eventOfItemSize(id, Limits.itemBytes, 'exact')],
    ],
    ['a transaction of exactly 4 MiB by the store count', streamId(), at4MiB],
  ])('accepts %s', async (_rule, id, events) => {
    // Act
    const result = await db.store.appendToStream(id, events(id), { expectedVersion: 'no_stream' });

    // Assess
    expect(result.nextExpectedVersion).toBe(events(id).length);
    expect((await probe.eventItems(id)).length).toBe(events(id).length);
  });
});

describe('itemSize (DynamoDB item size, never undercounted)', () => {
  it('counts UTF-8 bytes of names and string values, and 21 bytes per number', () => {
    // Act
    const size = itemSize({ PK: 'ab', é: 'ü€', n: 1, skipped: undefined });

    // Assess: PK(2)+ab(2) + é(2)+ü€(5) + n(1)+21
    expect(size).toBe(33);
  });
});
