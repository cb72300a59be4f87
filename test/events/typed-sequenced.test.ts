import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { EventStore, type RecordedEvent } from '../../src/index.js';
import { Sequencer } from '../../src/position/sequencer.js';
import { streamId, useTestStore } from '../support/dynamodb.js';
import { bankEvents } from './fixtures.js';

const db = useTestStore('typed-seq', { positionMode: 'sequenced' });

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of iterable) items.push(item);
  return items;
}

describe('a typed store in sequenced mode', () => {
  it('reads placed ranges from the table (by key and by Query) in the latest shape', async () => {
    // Prepare: version 1 deposits written without the registry; a short range (read by key) and a long one (by Query).
    const short = streamId('account');
    const long = streamId('account');
    await db.store.appendToStream(short, [{ type: 'MoneyDeposited', data: { amount: 1 } }]);
    await db.store.appendToStream(
      long,
      [2, 3, 4, 5, 6].map((amount) => ({ type: 'MoneyDeposited', data: { amount } })),
    );
    await new Sequencer(DynamoDBDocumentClient.from(db.client), db.tables.eventsTable).sequence([
      { streamId: short, version: 1 },
      { streamId: long, version: 5 },
    ]);
    const typed = new EventStore({
      tableName: db.tables.eventsTable,
      client: db.client,
      events: bankEvents,
    });
    const amounts = (events: readonly RecordedEvent[]) =>
      events.map((e) => (e.data as { money: { amount: number; currency: string } }).money);

    // Act
    const all = await collect(typed.readAll());
    const stream = await collect(typed.readStream(long));

    // Assess
    expect(amounts(all.filter((e) => e.streamId === short || e.streamId === long))).toEqual(
      [1, 2, 3, 4, 5, 6].map((amount) => ({ amount, currency: 'EUR' })),
    );
    expect(all.every((e) => typeof e.position === 'number')).toBe(true);
    expect(amounts(stream)).toEqual([2, 3, 4, 5, 6].map((amount) => ({ amount, currency: 'EUR' })));
  });
});
