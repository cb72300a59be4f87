import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../src/errors.js';
import type { ListStreamsResult } from '../../src/types.js';
import { useTestStore } from '../support/dynamodb.js';

const db = useTestStore('list-streams');

const one = [{ type: 'Opened', data: {} }];

/** Appends to `n` new streams of a fresh category, one after another, so their creation times increase. */
async function newCategory(n: number): Promise<{ category: string; ids: string[] }> {
  const category = `cat${randomUUID().slice(0, 8)}`;
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const id = `${category}-${i}`;
    await db.store.appendToStream(id, one);
    await new Promise((resolve) => setTimeout(resolve, 2)); // distinct createdAt per stream
    ids.push(id);
  }
  return { category, ids };
}

async function allPages(
  read: (cursor: string | undefined) => Promise<ListStreamsResult>,
): Promise<{ pages: string[][]; streams: ListStreamsResult['streams'] }> {
  const pages: string[][] = [];
  const streams: ListStreamsResult['streams'] = [];
  let cursor: string | undefined;
  do {
    const page = await read(cursor);
    pages.push(page.streams.map((s) => s.streamId));
    streams.push(...page.streams);
    cursor = page.nextCursor;
  } while (cursor);
  return { pages, streams };
}

describe('listStreams', () => {
  it('pages through a category, oldest first, each stream once with its creation time', async () => {
    // Prepare
    const { category, ids } = await newCategory(5);
    await db.store.appendToStream(`${category}-0`, one); // a later append does not move or repeat it
    await db.store.appendToStream(`${category}x-9`, one); // another category

    // Act
    const { pages, streams } = await allPages((cursor) =>
      db.store.listStreams({ category, limit: 2, ...(cursor && { cursor }) }),
    );

    // Assess
    expect(pages.flat()).toEqual(ids);
    expect(pages.slice(0, 3).map((p) => p.length)).toEqual([2, 2, 1]);
    for (const { streamId, createdAt } of streams) {
      expect(createdAt).toBe((await db.store.getStreamHead(streamId))?.createdAt);
    }
  });

  it('lists newest first backwards, and only streams created in [createdAfter, createdBefore]', async () => {
    // Prepare
    const { category, ids } = await newCategory(4);
    const heads = await Promise.all(ids.map((id) => db.store.getStreamHead(id)));
    const [, second, third] = heads.map((h) => h?.createdAt as string);

    // Act
    const backwards = await db.store.listStreams({ category, direction: 'backwards' });
    const window = await db.store.listStreams({
      category,
      createdAfter: second,
      createdBefore: third,
    });
    const after = await db.store.listStreams({ category, createdAfter: third });

    // Assess
    expect(backwards.streams.map((s) => s.streamId)).toEqual([...ids].reverse());
    expect(backwards.nextCursor).toBeUndefined();
    expect(window.streams.map((s) => s.streamId)).toEqual(ids.slice(1, 3));
    expect(after.streams.map((s) => s.streamId)).toEqual(ids.slice(2));
  });

  it('does not list streams whose id has no category (no dash, or a leading one)', async () => {
    // Prepare
    const bare = `bare${randomUUID().slice(0, 8)}`;
    await db.store.appendToStream(bare, one);
    await db.store.appendToStream(`-${bare}`, one);

    // Act
    const listed = await db.store.listStreams({ category: bare });

    // Assess
    expect(listed).toEqual({ streams: [], nextCursor: undefined });
  });

  it.each([
    [{ category: 'a-b' }, 'options.category'],
    [{ category: '' }, 'options.category'],
    [{ category: 'a', limit: 0 }, 'options.limit must be an integer 1..1000'],
    [{ category: 'a', createdAfter: 'yesterday' }, 'options.createdAfter must be an ISO-8601'],
    [{ category: 'a', cursor: 'bm9wZQ' }, 'options.cursor must be the nextCursor'],
  ])('refuses %j with a ValidationError naming the field', async (options, message) => {
    // Act
    const attempt = db.store.listStreams(options);

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(ValidationError);
    await expect(attempt).rejects.toThrow(message);
  });

  it("refuses another category's cursor", async () => {
    // Prepare
    const { category } = await newCategory(2);
    const { nextCursor } = await db.store.listStreams({ category, limit: 1 });

    // Act
    const attempt = db.store.listStreams({ category: 'other', cursor: nextCursor as string });

    // Assess
    await expect(attempt).rejects.toThrow(
      "the nextCursor of an earlier listStreams page of category 'other'",
    );
  });
});
