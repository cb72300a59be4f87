import { beforeAll, describe, expect, it } from 'vitest';
import { ValidationError } from '../../src/errors.js';
import type { AppendOptions, NewEvent } from '../../src/types.js';
import { streamId, useTestStore } from '../support/dynamodb.js';
import { type TableProbe, tableProbe } from './helpers.js';

const db = useTestStore('append-validation');
let probe: TableProbe;

beforeAll(() => {
  probe = tableProbe(db.client, db.tables.eventsTable);
});

const ok = { type: 'Happened', data: { n: 1 } };
const json = (got: string) =>
  `must be a JSON value: null, boolean, finite number, string, array or plain object (got ${got})`;
const circular: Record<string, unknown> = { a: 1 };
circular.self = circular;
class Money {
  amount = 1;
}
const expectedVersionRule = (got: string) =>
  `must be a non-negative integer, 'any', 'no_stream' or 'stream_exists' (got ${got})`;

interface Input {
  streamId?: unknown;
  events?: unknown;
  options?: unknown;
}

async function appendRaw(input: Input): Promise<unknown> {
  const id = 'streamId' in input ? input.streamId : streamId('validation');
  return db.store
    .appendToStream(
      id as string,
      (input.events ?? [ok]) as NewEvent[],
      input.options as AppendOptions,
    )
    .then(
      () => undefined,
      (error: unknown) => error,
    );
}

const sid = (streamId: unknown): Input => ({ streamId });
const evs = (...events: unknown[]): Input => ({ events });
const data = (value: unknown): Input => evs({ type: 't', data: value });
const meta = (value: unknown): Input => evs({ ...ok, metadata: value });
const id = (eventId: unknown): Input => evs({ ...ok, eventId });
const version = (expectedVersion: unknown): Input => ({ options: { expectedVersion } });

describe('appendToStream input validation (before any write)', () => {
  it.each<[string, Input, string, string]>([
    ['an empty stream id', sid(''), 'streamId', 'must be 1..512 UTF-8 bytes (got 0)'],
    [
      'a stream id over 512 bytes',
      sid('é'.repeat(257)),
      'streamId',
      'must be 1..512 UTF-8 bytes (got 514)',
    ],
    [
      'a stream id with a control char',
      sid('a\nb'),
      'streamId',
      'must not contain control characters',
    ],
    ['a stream id that is not a string', sid(42), 'streamId', 'must be a string (got number 42)'],
    [
      'events that are not an array',
      { events: 'x' },
      'events',
      'must be an array of 1..98 events (got "x")',
    ],
    ['no events', evs(), 'events', 'must contain 1..98 events (got 0)'],
    [
      'an event that is not an object',
      evs(ok, null),
      'events[1]',
      'must be an object with type and data (got null)',
    ],
    [
      'an empty type',
      evs(ok, ok, { type: '', data: 1 }),
      'events[2].type',
      'must be 1..256 characters (got 0)',
    ],
    [
      'a type over 256 characters',
      evs({ type: 't'.repeat(257), data: 1 }),
      'events[0].type',
      'must be 1..256 characters (got 257)',
    ],
    [
      'a type that is not a string',
      evs({ type: 7, data: 1 }),
      'events[0].type',
      'must be a string (got number 7)',
    ],
    ['a missing type', evs({ data: 1 }), 'events[0].type', 'must be a string (got undefined)'],
    ['undefined data', data(undefined), 'events[0].data', json('undefined')],
    ['a function in data', data({ f: () => 1 }), 'events[0].data.f', json('function () => 1')],
    ['NaN in data', data([1, Number.NaN]), 'events[0].data[1]', json('NaN')],
    ['Infinity in data', data({ x: Infinity }), 'events[0].data.x', json('Infinity')],
    ['a bigint in data', data(10n), 'events[0].data', json('bigint 10')],
    ['a Date in data', data({ at: new Date(0) }), 'events[0].data.at', json('a Date')],
    ['a class instance in data', data(new Money()), 'events[0].data', json('a Money')],
    ['circular data', data(circular), 'events[0].data.self', json('a circular reference')],
    ['undefined inside data', data({ a: undefined }), 'events[0].data.a', json('undefined')],
    ['a function as metadata', meta(() => 1), 'events[0].metadata', json('function () => 1')],
    ['NaN in metadata', meta({ n: Number.NaN }), 'events[0].metadata.n', json('NaN')],
    ['Infinity in metadata', meta([-Infinity]), 'events[0].metadata[0]', json('-Infinity')],
    ['a bigint in metadata', meta({ b: 1n }), 'events[0].metadata.b', json('bigint 1')],
    ['a Date as metadata', meta(new Date(0)), 'events[0].metadata', json('a Date')],
    [
      'a class instance in metadata',
      meta({ m: new Money() }),
      'events[0].metadata.m',
      json('a Money'),
    ],
    ['circular metadata', meta(circular), 'events[0].metadata.self', json('a circular reference')],
    ['an empty event id', id(''), 'events[0].eventId', 'must be 1..128 characters (got 0)'],
    [
      'an event id over 128 characters',
      id('e'.repeat(129)),
      'events[0].eventId',
      'must be 1..128 characters (got 129)',
    ],
    [
      'an event id that is not a string',
      id(5),
      'events[0].eventId',
      'must be a string (got number 5)',
    ],
    [
      'an event id with a control char',
      id('a\u0000'),
      'events[0].eventId',
      'must not contain control characters',
    ],
    [
      'a duplicate event id',
      evs({ ...ok, eventId: 'x' }, ok, { ...ok, eventId: 'x' }),
      'events[2].eventId',
      'must be unique within the append (same as events[0].eventId)',
    ],
    [
      'a negative expected version',
      version(-1),
      'expectedVersion',
      expectedVersionRule('number -1'),
    ],
    [
      'a fractional expected version',
      version(1.5),
      'expectedVersion',
      expectedVersionRule('number 1.5'),
    ],
    [
      'an unsafe integer version',
      version(2 ** 53),
      'expectedVersion',
      expectedVersionRule('number 9007199254740992'),
    ],
    [
      'an unknown expected version word',
      version('latest'),
      'expectedVersion',
      expectedVersionRule('"latest"'),
    ],
    ['a null expected version', version(null), 'expectedVersion', expectedVersionRule('null')],
  ])('rejects %s with ValidationError and writes nothing', async (_rule, input, field, reason) => {
    // Prepare
    const before = await probe.itemCount();

    // Act
    const error = await appendRaw(input);

    // Assess
    expect(error).toBeInstanceOf(ValidationError);
    const { code, message } = error as ValidationError;
    expect({ code, field: (error as ValidationError).field, message }).toEqual({
      code: 'ValidationError',
      field,
      message: `${field} ${reason}`,
    });
    expect(await probe.itemCount()).toBe(before);
  });
});
