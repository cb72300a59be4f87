import { describe, expect, it } from 'vitest';
import { apiConfigFromEnv, projectorConfigFromEnv } from '../lambdas/config.js';
import { defineAggregate } from '../src/aggregates.js';
import {
  ErrorCode,
  EventStoreError,
  InvalidConfigurationError,
  InvalidDefinitionError,
  isEventStoreError,
  ValidationError,
} from '../src/errors.js';
import { defineProjection } from '../src/projections/define.js';
import { Projector } from '../src/projections/projector.js';
import { streamEventFilter } from '../src/stream-filters.js';

const projection = (name: string, eventTypes: string[] = ['A']) => ({
  name,
  eventTypes,
  key: () => 'k',
  initialState: () => 0,
  evolve: (s: number) => s,
});
const aggregate = (category: string, more: { snapshotEvery?: number; stateVersion?: number }) => ({
  category,
  initialState: () => 0,
  evolve: (s: number) => s,
  ...more,
});
const projectorWith = (options: Partial<ConstructorParameters<typeof Projector>[0]>) => () =>
  new Projector({
    store: {} as never,
    projectionStore: {} as never,
    projections: [],
    ...options,
  });

/** The README's promise: every error the package throws is an EventStoreError with a stable code. */
describe('the error family', () => {
  it.each([
    ['a projection name', () => defineProjection(projection('bad name'))],
    ['a projection without event types', () => defineProjection(projection('p', []))],
    ['an aggregate category with a dash', () => defineAggregate(aggregate('a-b', {}))],
    ['a snapshotEvery of 0', () => defineAggregate(aggregate('a', { snapshotEvery: 0 }))],
    ['a stateVersion of 1.5', () => defineAggregate(aggregate('a', { stateVersion: 1.5 }))],
    [
      'a projection listed twice',
      projectorWith({ projections: [projection('p'), projection('p')] as never }),
    ],
    ['a gapSaveEvery of 0', projectorWith({ gapSaveEvery: 0 })],
    ['an empty event type filter', () => streamEventFilter({ eventTypes: [] })],
  ])('rejects %s at definition time with InvalidDefinitionError', (_, define) => {
    expect(define).toThrow(InvalidDefinitionError);
    try {
      define();
    } catch (error) {
      expect(isEventStoreError(error)).toBe(true);
      expect((error as EventStoreError).code).toBe(ErrorCode.InvalidDefinition);
    }
  });

  it.each([
    ['the events table', () => apiConfigFromEnv({}), 'EVENTS_TABLE_NAME'],
    [
      'the read-model table',
      () => projectorConfigFromEnv({ EVENTS_TABLE_NAME: 'e' }),
      'READ_MODEL_TABLE_NAME',
    ],
    [
      'a position mode',
      () => apiConfigFromEnv({ EVENTS_TABLE_NAME: 'e', POSITION_MODE: 'fast' }),
      'POSITION_MODE',
    ],
  ])(
    'refuses a missing or wrong setting for %s with InvalidConfigurationError naming it',
    (_, read, name) => {
      expect(read).toThrow(InvalidConfigurationError);
      expect(read).toThrow(name);
    },
  );

  it('recognises its errors by a brand that survives a second copy of the package', () => {
    const ours = new ValidationError('events', 'must not be empty');
    const copy = Object.assign(new Error('x'), {
      [Symbol.for('dynamo-event-store.EventStoreError')]: true,
    });

    expect([
      isEventStoreError(ours),
      isEventStoreError(copy),
      isEventStoreError(new Error('x')),
    ]).toEqual([true, true, false]);
    expect(ours).toBeInstanceOf(EventStoreError);
  });
});
