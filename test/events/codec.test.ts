import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { decodeEvent, encodeEvent } from '../../src/events/codec.js';
import { encodeAppend } from '../../src/events/encode-append.js';
import {
  causedBy,
  correlationOf,
  defineEvent,
  defineEvents,
  InvalidDefinitionError,
  type RecordedEvent,
  UndecodableEventError,
  ValidationError,
  withCorrelation,
} from '../../src/index.js';
import { bankEvents, depositedV1, depositedV2 } from './fixtures.js';

function stored(type: string, data: unknown): RecordedEvent {
  return {
    streamId: 'account-1',
    version: 3,
    position: 7,
    eventId: 'e-3',
    type,
    data,
    metadata: null,
    createdAt: '2026-11-30T00:00:00.000Z',
  };
}

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

describe('encodeEvent (an append of a registered type)', () => {
  it('returns the latest schema version for valid data', () => {
    const deposited = { type: 'MoneyDeposited', data: { money: { amount: 5, currency: 'EUR' } } };
    expect(encodeEvent(bankEvents, deposited, 'events[0]')).toBe(3);
    expect(encodeEvent(bankEvents, { type: 'AccountOpened', data: { owner: 'Ada' } }, 'e')).toBe(1);
  });

  it.each([
    [
      'zod, nested field',
      { type: 'MoneyDeposited', data: { money: { amount: 5, currency: 'EURO' } } },
      'events[2].data.money.currency',
      "events[2].data.money.currency does not match event type 'MoneyDeposited' (schema version 3): Too big: expected string to have exactly 3 characters",
    ],
    [
      'zod, an old version shape',
      { type: 'MoneyDeposited', data: { amount: 5 } },
      'events[2].data.money',
      "events[2].data.money does not match event type 'MoneyDeposited' (schema version 3): Invalid input: expected object, received undefined",
    ],
    [
      'valibot',
      { type: 'MoneyWithdrawn', data: { amount: 0 } },
      'events[2].data.amount',
      "events[2].data.amount does not match event type 'MoneyWithdrawn' (schema version 1): Invalid value: Expected >=1 but received 0",
    ],
  ])(
    'refuses invalid data (%s) with a ValidationError naming the type and the field',
    (_, event, field, message) => {
      const error = thrown(() => encodeEvent(bankEvents, event, 'events[2]'));

      expect(error).toBeInstanceOf(ValidationError);
      expect(error).toMatchObject({
        field,
        eventType: event.type,
        code: 'ValidationError',
        message,
      });
    },
  );

  it('lists every issue, not only the first', () => {
    const error = thrown(() =>
      encodeEvent(bankEvents, { type: 'MoneyDeposited', data: { money: {} } }, 'events[0]'),
    ) as ValidationError;

    expect(error.field).toBe('events[0].data.money.amount');
    expect(error.message).toContain('; events[0].data.money.currency: ');
  });

  it('lets types the registry does not know, and stores without a registry, pass unvalidated', () => {
    expect(encodeEvent(bankEvents, { type: 'Unknown', data: 'anything' }, 'e')).toBeUndefined();
    expect(encodeEvent(undefined, { type: 'MoneyDeposited', data: 1 }, 'e')).toBeUndefined();
  });

  it('refuses a schema that validates asynchronously, saying how to fix it', () => {
    const asyncEvents = defineEvents(
      defineEvent(
        'Checked',
        z.object({ id: z.string() }).refine(async () => true),
      ),
    );
    expect(() => encodeEvent(asyncEvents, { type: 'Checked', data: { id: 'x' } }, 'e')).toThrow(
      "event 'Checked' version 1 must validate synchronously (its schema returned a Promise: drop async refinements)",
    );
  });
});

describe('decodeEvent (a read of a registered type)', () => {
  it.each([
    ['version 1 (no version recorded)', { amount: 5 }, undefined],
    ['version 1', { amount: 5 }, 1],
    ['version 2', { amount: 5, currency: 'EUR' }, 2],
    ['version 3', { money: { amount: 5, currency: 'EUR' } }, 3],
  ])('upcasts data stored at %s to the latest shape', (_, data, version) => {
    const decoded = decodeEvent(bankEvents, stored('MoneyDeposited', data), version);

    expect(decoded).toEqual({
      ...stored('MoneyDeposited', data),
      data: { money: { amount: 5, currency: 'EUR' } },
    });
  });

  it('returns the schema output (unknown keys stripped), and events of unknown types as stored', () => {
    const opened = decodeEvent(bankEvents, stored('AccountOpened', { owner: 'Ada', x: 1 }), 1);
    const other = stored('Unknown', { x: 1 });

    expect(opened.data).toEqual({ owner: 'Ada' });
    expect(decodeEvent(bankEvents, other, 9)).toBe(other);
    expect(decodeEvent(undefined, other, undefined)).toBe(other);
  });

  it.each([
    [
      'data its version refuses',
      { amount: 'five' },
      1,
      "Event 3 of stream 'account-1' ('MoneyDeposited', written at schema version 1) cannot be read: data.amount as version 1: Invalid input: expected number, received string",
    ],
    [
      'an upcast result the next version refuses',
      { amount: -5, currency: 'EUR' },
      2,
      "Event 3 of stream 'account-1' ('MoneyDeposited', written at schema version 2) cannot be read: data.money.amount after upcasting to version 3: Too small: expected number to be >0",
    ],
    [
      'a version newer than the registry knows',
      { anything: true },
      4,
      "Event 3 of stream 'account-1' ('MoneyDeposited', written at schema version 4) cannot be read: the registry knows versions 1..3 of 'MoneyDeposited' (deploy the definition that wrote it)",
    ],
  ])('throws UndecodableEventError for %s', (_, data, version, message) => {
    const error = thrown(() => decodeEvent(bankEvents, stored('MoneyDeposited', data), version));

    expect(error).toBeInstanceOf(UndecodableEventError);
    expect(error).toMatchObject({
      code: 'UndecodableEvent',
      streamId: 'account-1',
      version: 3,
      eventType: 'MoneyDeposited',
      schemaVersion: version,
      message,
    });
  });
});

describe('defineEvent and defineEvents', () => {
  it.each([
    [
      'an empty type',
      () => defineEvent('', depositedV1),
      'event: type must be 1..256 characters (got "")',
    ],
    [
      'a schema that is no Standard Schema',
      () =>
        defineEvent('X', {
          versions: [depositedV1, {}],
          upcast: { 1: (d: unknown) => d },
        } as never),
      "event 'X': versions[1] must be a Standard Schema (zod, valibot, arktype, ...)",
    ],
    [
      'a missing upcaster',
      () => defineEvent('X', { versions: [depositedV1, depositedV2], upcast: {} } as never),
      "event 'X': upcast[1] must be a function from version 1's data to version 2's",
    ],
    [
      'an upcaster past the last version',
      () =>
        defineEvent('X', {
          versions: [depositedV1, depositedV2],
          upcast: { 1: (d: object) => ({ ...d, currency: 'EUR' }), 2: (d: unknown) => d },
        } as never),
      "event 'X': upcast[2] has no version to upcast to: keys are 1..1, one per step",
    ],
    [
      'a type defined twice',
      () => defineEvents(defineEvent('X', depositedV1), defineEvent('X', depositedV2)),
      "defineEvents: [1] defines event type 'X' a second time",
    ],
  ])('refuses %s with InvalidDefinitionError', (_, define, message) => {
    const error = thrown(define);

    expect(error).toBeInstanceOf(InvalidDefinitionError);
    expect((error as Error).message).toContain(message);
  });

  it('lists the registry types', () => {
    expect(bankEvents.types).toEqual(['AccountOpened', 'MoneyDeposited', 'MoneyWithdrawn']);
  });
});

describe('encodeAppend', () => {
  it("merges the append's metadata into each event's (the event's own keys win) and records versions", () => {
    const encoded = encodeAppend(
      bankEvents,
      [
        {
          type: 'AccountOpened',
          data: { owner: 'Ada' },
          metadata: { userId: 'u-1', causationId: 'mine' },
        },
        { type: 'Unknown', data: 1 },
      ],
      { correlationId: 'c-1', causationId: 'cmd-1' },
    );

    expect(encoded).toEqual({
      events: [
        {
          type: 'AccountOpened',
          data: { owner: 'Ada' },
          metadata: { correlationId: 'c-1', causationId: 'mine', userId: 'u-1' },
        },
        { type: 'Unknown', data: 1, metadata: { correlationId: 'c-1', causationId: 'cmd-1' } },
      ],
      schemaVersions: [1, undefined],
    });
  });

  it('refuses to merge into metadata that is not an object', () => {
    expect(() =>
      encodeAppend(undefined, [{ type: 'A', data: 1, metadata: 'note' }], { correlationId: 'c' }),
    ).toThrow(
      'events[0].metadata must be an object when the append has a metadata option to merge in (got "note")',
    );
    expect(() => encodeAppend(undefined, [{ type: 'A', data: 1 }], 'c')).toThrow(
      'options.metadata must be an object (got "c")',
    );
  });
});

describe('correlation helpers', () => {
  it('start a conversation at a command, and carry it from event to event', () => {
    const fromCommand = withCorrelation({ commandId: 'cmd-1' });
    const joined = withCorrelation({ commandId: 'cmd-2', correlationId: 'request-9' });
    const incoming = { ...stored('AccountOpened', {}), metadata: fromCommand };

    expect(fromCommand).toEqual({ correlationId: 'cmd-1', causationId: 'cmd-1' });
    expect(joined).toEqual({ correlationId: 'request-9', causationId: 'cmd-2' });
    expect(causedBy(incoming)).toEqual({ correlationId: 'cmd-1', causationId: 'e-3' });
    expect(causedBy(stored('AccountOpened', {}))).toEqual({
      correlationId: 'e-3',
      causationId: 'e-3',
    });
    expect(correlationOf(incoming)).toEqual(fromCommand);
    expect(correlationOf({ metadata: ['x'] })).toBeUndefined();
  });
});
