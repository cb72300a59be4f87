import { describe, expect, it } from 'vitest';
import { ValidationError } from '../src/errors.js';
import { EventStore } from '../src/event-store.js';
import type { EventStoreOptions } from '../src/types.js';

describe('new EventStore(options)', () => {
  it.each([
    {
      options: undefined,
      field: 'options',
      message: 'must be an object with a tableName (got undefined)',
    },
    { options: {}, field: 'options.tableName', message: 'must be a table name (got undefined)' },
    {
      options: { tableName: 'x' },
      field: 'options.tableName',
      message: `must be 3..255 letters, digits, '_', '-' or '.', as DynamoDB allows (got "x")`,
    },
    {
      options: { tableName: 'events', readPageSize: 0 },
      field: 'options.readPageSize',
      message: 'must be an integer 1..1000 (got number 0)',
    },
    {
      options: { tableName: 'events', retry: { maxAttempts: 0 } },
      field: 'options.retry.maxAttempts',
      message: 'must be an integer 1..100000 (got number 0)',
    },
    {
      options: { tableName: 'events', allStreamMaxWaitMs: -1 },
      field: 'options.allStreamMaxWaitMs',
      message: 'must be an integer 0..600000 (got number -1)',
    },
  ])('refuses $field: $message', ({ options, field, message }) => {
    // Act
    const create = () => new EventStore(options as unknown as EventStoreOptions);

    // Assess
    expect(create).toThrow(ValidationError);
    expect(create).toThrow(expect.objectContaining({ field, reason: message }));
  });

  it('accepts a table name and the documented options', () => {
    const store = new EventStore({
      tableName: 'event-store-events',
      retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 10 },
      allStreamMaxWaitMs: 0,
      readPageSize: 1000,
    });

    expect(store.tableName).toBe('event-store-events');
  });
});
