import { describe, expect, it } from 'vitest';
import { accountAggregate } from '../examples/bank-account/src/bank-account.js';
import { categoryOf, defineAggregate } from '../src/aggregates.js';
import { defineProjection } from '../src/projections/define.js';
import { planSnapshots } from '../src/snapshotting.js';
import type { RecordedEvent } from '../src/types.js';

const event = (streamId: string, version: number): RecordedEvent => ({
  streamId,
  version,
  position: version,
  eventId: `${streamId}-${version}`,
  type: 'MoneyDeposited',
  data: { amount: 1 },
  metadata: null,
  createdAt: '2024-01-01T00:00:00.000Z',
});

describe('categoryOf', () => {
  it.each([
    ['account-42', 'account'],
    ['account-42-b', 'account'],
    ['account', 'account'],
    ['-x', ''],
  ])('%s -> %s', (streamId, category) => {
    expect(categoryOf(streamId)).toBe(category);
  });
});

describe('definitions', () => {
  it.each([
    [{ category: 'a-b' }, "aggregate: category must be non-empty and contain no '-' (got 'a-b')"],
    [{ snapshotEvery: 0 }, "aggregate 'account': snapshotEvery must be a positive integer (got 0)"],
    [
      { stateVersion: 1.5 },
      "aggregate 'account': stateVersion must be a positive integer (got 1.5)",
    ],
  ])('defineAggregate refuses %o', (override, message) => {
    expect(() => defineAggregate({ ...accountAggregate, ...override })).toThrow(message);
  });

  it('defineProjection refuses a name that cannot be a key or a URL segment', () => {
    expect(() =>
      defineProjection({
        name: 'a/b',
        eventTypes: ['X'],
        key: () => 'k',
        initialState: () => 0,
        evolve: (s) => s,
      }),
    ).toThrow("projection: name must be 1..128 characters of letters, digits, '.', '_' or '-'");
  });
});

describe('planSnapshots', () => {
  it('asks for one snapshot per stream, at the highest boundary the batch crosses', () => {
    const batch = [
      event('account-1', 99),
      event('account-1', 100),
      event('account-2', 100),
      event('account-1', 200),
      event('other-1', 100),
    ];

    const tasks = planSnapshots([accountAggregate], batch);

    expect(
      tasks.map(({ streamId, version, eventIndexes }) => ({ streamId, version, eventIndexes })),
    ).toEqual([
      { streamId: 'account-1', version: 200, eventIndexes: [1, 3] },
      { streamId: 'account-2', version: 100, eventIndexes: [2] },
    ]);
  });
});
