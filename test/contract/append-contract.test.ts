import { describe, expect, it } from 'vitest';
import type { AppendOptions, ExpectedVersion, NewEvent } from '../../src/types.js';
import { streamId } from '../support/dynamodb.js';
import { collect, comparable, contractTargets, describeError, outcomeOf } from './targets.js';

/** appendToStream's contract on every store: expected versions, retries, errors, exact data. */
const batch = (tag: string): NewEvent[] => [
  { type: 'Ordered', data: { tag }, eventId: `${tag}-1` },
  { type: 'Paid', data: { tag }, eventId: `${tag}-2` },
];

describe.each(contractTargets)('appendToStream on $name', (target) => {
  const subject = target.use();
  const store = () => subject.store;
  const read = async (id: string) =>
    (await outcomeOf(() => collect(store().readStream(id)))) as unknown;

  /** A stream at version 2, or absent. */
  async function prepare(at: 'absent' | 2): Promise<string> {
    const id = streamId('append');
    if (at === 2) await store().appendToStream(id, batch(`seed-${id}`), { expectedVersion: 0 });
    return id;
  }

  it.each<[at: 'absent' | 2, ExpectedVersion, outcome: number | 'conflict']>([
    ['absent', 'any', 1],
    ['absent', 'no_stream', 1],
    ['absent', 0, 1],
    ['absent', 'stream_exists', 'conflict'],
    ['absent', 1, 'conflict'],
    [2, 'any', 3],
    [2, 'stream_exists', 3],
    [2, 2, 3],
    [2, 'no_stream', 'conflict'],
    [2, 0, 'conflict'],
    [2, 1, 'conflict'],
    [2, 3, 'conflict'],
  ])('on a stream %s, expectedVersion %j: %s', async (at, expectedVersion, expected) => {
    // Prepare
    const id = await prepare(at);
    const before = await read(id);

    // Act
    const outcome = await outcomeOf(() =>
      store().appendToStream(id, [{ type: 'Next', data: {} }], { expectedVersion }),
    );

    // Assess
    const actualVersion = at === 'absent' ? 0 : 2;
    if (expected === 'conflict') {
      const describe = (e: ExpectedVersion) =>
        e === 'no_stream'
          ? 'no stream (version 0)'
          : e === 'stream_exists'
            ? 'an existing stream'
            : `version ${e}`;
      expect(outcome).toEqual({
        error: {
          class: 'WrongExpectedVersionError',
          name: 'WrongExpectedVersionError',
          code: 'WrongExpectedVersion',
          message: `Stream '${id}' is at version ${actualVersion}, but the append expected ${describe(expectedVersion)}`,
          streamId: id,
          expectedVersion,
          actualVersion,
        },
      });
      expect(await read(id)).toEqual(before);
    } else {
      expect(outcome).toMatchObject({ streamId: id, nextExpectedVersion: expected });
      expect(await store().getStreamVersion(id)).toBe(expected);
    }
  });

  it.each<[string, ExpectedVersion]>([
    ['an exact version', 2],
    ["'no_stream'", 'no_stream'],
    ["'any'", 'any'],
    ["'stream_exists'", 'stream_exists'],
  ])(
    'returns the original result, whole, for a retry at %s, and writes nothing',
    async (_m, mode) => {
      // Prepare
      const id = await prepare(mode === 'no_stream' ? 'absent' : 2);
      const original = await store().appendToStream(id, batch(`x-${id}`), {
        expectedVersion: mode,
      });
      const before = await read(id);

      // Act
      const retried = await store().appendToStream(id, batch(`x-${id}`), { expectedVersion: mode });

      // Assess
      expect(retried).toEqual(original);
      expect(await read(id)).toEqual(before);
    },
  );

  it('recognises an exact-version retry after the stream moved on', async () => {
    const id = await prepare(2);
    const original = await store().appendToStream(id, batch(`x-${id}`), { expectedVersion: 2 });
    await store().appendToStream(id, batch(`later-${id}`), { expectedVersion: 4 });

    const retried = await store().appendToStream(id, batch(`x-${id}`), { expectedVersion: 2 });

    expect(retried).toEqual(original);
    expect(await store().getStreamVersion(id)).toBe(6);
  });

  it.each<[string, (x: NewEvent[]) => NewEvent[]]>([
    ['other event ids', () => batch('other')],
    [
      'only the first event id',
      (x) => [x[0] as NewEvent, { type: 'Paid', data: {}, eventId: 'y' }],
    ],
    ['the same ids in another order', (x) => [...x].reverse()],
    ['a prefix of the original append', (x) => x.slice(0, 1)],
  ])('refuses a retry at a moved version with %s: WrongExpectedVersionError', async (_c, vary) => {
    const id = await prepare(2);
    const original = batch(`x-${id}`);
    await store().appendToStream(id, original, { expectedVersion: 2 });
    const before = await read(id);

    const outcome = await outcomeOf(() =>
      store().appendToStream(id, vary(original), { expectedVersion: 2 }),
    );

    expect(outcome).toMatchObject({
      error: { code: 'WrongExpectedVersion', streamId: id, expectedVersion: 2, actualVersion: 4 },
    });
    expect(await read(id)).toEqual(before);
  });

  it("takes the original's last event alone under 'any' for a new append, not a retry", async () => {
    const id = await prepare(2);
    const original = batch(`x-${id}`);
    await store().appendToStream(id, original, { expectedVersion: 2 });

    const again = await store().appendToStream(id, original.slice(1), { expectedVersion: 'any' });

    expect(again.nextExpectedVersion).toBe(5);
  });

  it("appends again under 'any' once other events came after the original (the documented limit)", async () => {
    const id = await prepare(2);
    await store().appendToStream(id, batch(`x-${id}`), { expectedVersion: 'any' });
    await store().appendToStream(id, batch(`later-${id}`), { expectedVersion: 'any' });

    const again = await store().appendToStream(id, batch(`x-${id}`), { expectedVersion: 'any' });

    expect(again.events.map((e) => e.version)).toEqual([7, 8]);
  });

  const one = [{ type: 'T', data: 1 }];
  it.each<{ case: string; id?: string; events: unknown; options?: unknown; error: object }>([
    { case: 'an empty stream id', id: '', events: one, error: { field: 'streamId' } },
    { case: 'no events', events: [], error: { field: 'events' } },
    { case: 'events not in an array', events: {}, error: { field: 'events' } },
    { case: 'an empty type', events: [{ type: '', data: 1 }], error: { field: 'events[0].type' } },
    {
      case: 'data JSON cannot hold',
      events: [{ type: 'T', data: { d: new Date(0) } }],
      error: { field: 'events[0].data.d' },
    },
    {
      case: 'twice the same event id',
      events: [
        { type: 'T', data: 1, eventId: 'e' },
        { type: 'T', data: 2, eventId: 'e' },
      ],
      error: { field: 'events[1].eventId' },
    },
    {
      case: 'an expectedVersion below 0',
      events: one,
      options: { expectedVersion: -1 },
      error: { field: 'expectedVersion' },
    },
    {
      case: 'a timeoutMs of 0',
      events: one,
      options: { timeoutMs: 0 },
      error: { field: 'options.timeoutMs' },
    },
    {
      case: '99 events',
      events: Array.from({ length: 99 }, () => ({ type: 'T', data: 1 })),
      error: { code: 'AppendTooLarge', limit: 98, size: 99, unit: 'events' },
    },
    {
      case: 'an event over 400 KB',
      events: [{ type: 'T', data: 'x'.repeat(410_000) }],
      error: { code: 'AppendTooLarge', limit: 409_600, unit: 'bytes' },
    },
  ])('rejects $case with a clear error and writes nothing', async (input) => {
    // Prepare
    const id = input.id ?? streamId('append');

    // Act: a rejected promise, never a synchronous throw.
    let appending: Promise<unknown> | undefined;
    expect(() => {
      appending = store().appendToStream(
        id,
        input.events as NewEvent[],
        input.options as AppendOptions,
      );
    }).not.toThrow();
    const error = await appending?.catch((e: unknown) => e);

    // Assess
    expect(describeError(error)).toMatchObject({ code: 'ValidationError', ...input.error });
    if (id !== '') expect(await store().streamExists(id)).toBe(false);
  });

  it('keeps data and metadata exactly as given, and a copy of them', async () => {
    // Prepare
    const data = {
      text: 'é 😀 \u2028',
      empty: '',
      n: null,
      big: 2 ** 53,
      list: [1, [2, { x: [] }]],
    };
    const metadata = { correlationId: 'c-1', nested: { deep: [true, false] } };
    const id = streamId('append');
    const given = structuredClone({ data, metadata });

    // Act
    const { events } = await store().appendToStream(id, [
      { type: 'Given', data, metadata },
      { type: 'Bare', data: 0 },
    ]);
    data.list.push(99);
    (events[0]?.data as { text: string }).text = 'changed by the caller';

    // Assess
    const stored = await collect(store().readStream(id));
    expect(stored.map(comparable)).toEqual([
      {
        streamId: id,
        version: 1,
        eventId: events[0]?.eventId,
        type: 'Given',
        data: given.data,
        metadata: given.metadata,
      },
      {
        streamId: id,
        version: 2,
        eventId: events[1]?.eventId,
        type: 'Bare',
        data: 0,
        metadata: null,
      },
    ]);
    expect(stored[0]?.createdAt).toBe(stored[1]?.createdAt);
    expect(new Date(stored[0]?.createdAt ?? '').toISOString()).toBe(stored[0]?.createdAt);
  });
});
