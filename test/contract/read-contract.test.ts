import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { NewEvent, ReadAllOptions, ReadStreamOptions } from '../../src/types.js';
import { streamId } from '../support/dynamodb.js';
import { collect, comparable, contractTargets, describeError, outcomeOf } from './targets.js';

/** The reads' contract on every store: streams, heads, `$all` and its pages. */
const numbered = (count: number, type = 'N'): NewEvent[] =>
  Array.from({ length: count }, (_, i) => ({ type, data: { n: i + 1 } }));

describe.each(contractTargets)('reads on $name', (target) => {
  const subject = target.use();
  const store = () => subject.store;

  it.each<[ReadStreamOptions, number[]]>([
    [{}, [1, 2, 3, 4, 5]],
    [{ fromVersion: 3 }, [3, 4, 5]],
    [{ maxCount: 2 }, [1, 2]],
    [{ fromVersion: 2, maxCount: 2 }, [2, 3]],
    [{ fromVersion: 9 }, []],
    [{ direction: 'backwards' }, [5, 4, 3, 2, 1]],
    [{ direction: 'backwards', fromVersion: 3 }, [3, 2, 1]],
    [{ direction: 'backwards', maxCount: 2 }, [5, 4]],
    [{ direction: 'backwards', fromVersion: 9, maxCount: 1 }, [5]],
  ])('readStream with %j reads versions %j', async (options, versions) => {
    const id = streamId('read');
    await store().appendToStream(id, numbered(5));

    const events = await collect(store().readStream(id, options));

    expect(events.map((e) => [e.version, (e.data as { n: number }).n])).toEqual(
      versions.map((v) => [v, v]),
    );
  });

  it('rejects reading an absent stream with StreamNotFoundError, on iteration', async () => {
    const id = streamId('read');

    const reading = store().readStream(id);

    expect(await outcomeOf(() => collect(reading))).toEqual({
      error: {
        class: 'StreamNotFoundError',
        name: 'StreamNotFoundError',
        code: 'StreamNotFound',
        message: `Stream '${id}' does not exist`,
        streamId: id,
      },
    });
  });

  it.each<[string, () => unknown, string]>([
    ['readStream with an empty id', () => store().readStream(''), 'streamId'],
    [
      'readStream from version 0',
      () => store().readStream('s', { fromVersion: 0 }),
      'options.fromVersion',
    ],
    [
      'readStream sideways',
      () => store().readStream('s', { direction: 'up' as never }),
      'options.direction',
    ],
    ['readAll from position 0', () => store().readAll({ fromPosition: 0 }), 'options.fromPosition'],
    ['readAll of no event types', () => store().readAll({ eventTypes: [] }), 'options.eventTypes'],
  ])('throws ValidationError at the call for %s', (_c, call, field) => {
    expect(() => call()).toThrow(expect.objectContaining({ code: 'ValidationError', field }));
  });

  it('reports a stream head, version and existence, and none for an absent stream', async () => {
    const id = streamId('read');
    const first = await store().appendToStream(id, numbered(2));
    await new Promise((resolve) => setTimeout(resolve, 5));
    const second = await store().appendToStream(id, numbered(1));

    const head = await store().getStreamHead(id);

    expect(head).toEqual({
      streamId: id,
      version: 3,
      createdAt: first.events[0]?.createdAt,
      updatedAt: second.events[0]?.createdAt,
    });
    expect(head?.updatedAt).not.toBe(head?.createdAt);
    expect(await store().getStreamVersion(id)).toBe(3);
    expect(await store().streamExists(id)).toBe(true);
    const absent = streamId('read');
    expect(await store().getStreamHead(absent)).toBeUndefined();
    expect(await store().getStreamVersion(absent)).toBe(0);
    expect(await store().streamExists(absent)).toBe(false);
    await expect(store().getStreamHead('')).rejects.toMatchObject({ field: 'streamId' });
  });

  /** Two streams of one fresh prefix, interleaved; returns them as `$all` shows them. */
  async function interleaved() {
    const prefix = `all${randomUUID().slice(0, 8)}`;
    const [a, b] = [`${prefix}-a`, `${prefix}-b`];
    await store().appendToStream(a, [{ type: 'Opened', data: 1 }]);
    await store().appendToStream(b, [{ type: 'Opened', data: 2 }]);
    await store().appendToStream(a, [
      { type: 'Moved', data: 3 },
      { type: 'Closed', data: 4 },
    ]);
    await store().appendToStream(b, [{ type: 'Moved', data: 5 }]);
    await subject.placeAll();
    const mine = await collect(store().readAll({ streamPrefix: prefix }));
    return { prefix, a, b, mine, from: mine[0]?.position ?? 1 };
  }

  it('reads $all in commit order, each event once, from any position', async () => {
    const { prefix, a, b, mine } = await interleaved();

    const fromThird = await collect(
      store().readAll({ fromPosition: mine[2]?.position as number, streamPrefix: prefix }),
    );

    const committed = [
      [a, 1, 1],
      [b, 1, 2],
      [a, 2, 3],
      [a, 3, 4],
      [b, 2, 5],
    ];
    const shown = mine.map((e) => [e.streamId, e.version, e.data]);
    if (subject.commitOrder) expect(shown).toEqual(committed);
    else expect(shown.sort()).toEqual(committed.sort());
    const positions = mine.map((e) => e.position);
    expect(positions).toEqual([...new Set(positions)].sort((x, y) => x - y));
    expect(fromThird).toEqual(mine.slice(2));
    const streamRead = await collect(store().readStream(a));
    expect(streamRead.map(comparable)).toEqual(
      mine.filter((e) => e.streamId === a).map(comparable),
    );
  });

  it.each<[string, (p: { prefix: string; a: string }) => ReadAllOptions, number[]]>([
    ['event types', ({ prefix }) => ({ streamPrefix: prefix, eventTypes: ['Moved'] }), [3, 5]],
    ['a stream prefix', ({ a }) => ({ streamPrefix: a }), [1, 3, 4]],
    [
      'maxCount after filtering',
      ({ a }) => ({ streamPrefix: a, eventTypes: ['Opened', 'Closed'], maxCount: 1 }),
      [1],
    ],
  ])('filters $all by %s', async (_c, options, data) => {
    const fixture = await interleaved();

    const events = await collect(
      store().readAll({ fromPosition: fixture.from, ...options(fixture) }),
    );

    // Across streams, sequenced mode's order is its own: compare the set there.
    const shown = events.map((e) => e.data as number);
    expect(subject.commitOrder ? shown : shown.sort()).toEqual(data);
  });

  it('pages $all: limit, maxExamined and nextPosition, to the end', async () => {
    const { prefix, mine, from } = await interleaved();
    const at = (i: number) => mine[i]?.position as number;

    const first = await store().readAllPage({ fromPosition: from, limit: 2, streamPrefix: prefix });
    const rare = await store().readAllPage({
      fromPosition: from,
      eventTypes: ['Closed'],
      maxExamined: 2,
    });
    const rest = await store().readAllPage({ fromPosition: at(2), limit: 10 });

    expect(first).toEqual({ events: mine.slice(0, 2), nextPosition: at(2) });
    expect(rare).toEqual({ events: [], nextPosition: at(1) + 1 });
    expect(rest).toEqual({ events: mine.slice(2), nextPosition: undefined });
    expect(
      describeError(
        await store()
          .readAllPage({ limit: 0 })
          .catch((e) => e),
      ),
    ).toMatchObject({
      code: 'ValidationError',
      field: 'options.limit',
    });
  });

  it('returns nothing from a position past the end of $all', async () => {
    await store().appendToStream(streamId('read'), numbered(1));
    await subject.placeAll();
    const last = (await collect(store().readAll())).at(-1)?.position as number;

    expect(await collect(store().readAll({ fromPosition: last + 1 }))).toEqual([]);
    expect(await store().readAllPage({ fromPosition: last + 1 })).toEqual({
      events: [],
      nextPosition: undefined,
    });
  });
});
