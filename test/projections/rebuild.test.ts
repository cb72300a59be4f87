import { beforeAll, describe, expect, it } from 'vitest';
import { accountBalances } from '../../examples/bank-account/src/bank-account.js';
import { ProjectionFailedError } from '../../src/errors.js';
import { EventStore } from '../../src/event-store.js';
import { defineProjection } from '../../src/projections/define.js';
import type { ProjectionDocument } from '../../src/projections/documents.js';
import type { ProjectionStore } from '../../src/projections/projection-store.js';
import { Projector } from '../../src/projections/projector.js';
import type { RebuildProgress } from '../../src/projections/rebuild.js';
import { rebuildProjection } from '../../src/projections/rebuild-projection.js';
import type { NewEvent } from '../../src/types.js';
import { useTestStore } from '../support/dynamodb.js';
import { projectorOn } from '../support/projections.js';
import { readEverything } from '../support/stream-events.js';

const db = useTestStore('rebuild');
let documents: ProjectionStore;
let projector: Projector;

beforeAll(() => {
  ({ documents, projector } = projectorOn(db, [accountBalances]));
});

async function allDocuments(): Promise<Map<string, Pick<ProjectionDocument, 'state' | 'streams'>>> {
  const found = new Map<string, Pick<ProjectionDocument, 'state' | 'streams'>>();
  let cursor: string | undefined;
  do {
    const page = await documents.list('account-balances', { cursor });
    for (const d of page.documents) found.set(d.key, { state: d.state, streams: d.streams });
    cursor = page.cursor;
  } while (cursor);
  return found;
}

describe('Projector.rebuildProjection', () => {
  it('clears the projection and replays $all into the same documents live processing built', async () => {
    // Prepare: 12 accounts, appended round-robin so their events interleave in $all.
    for (let round = 0; round < 4; round++) {
      for (let account = 0; account < 12; account++) {
        const events: NewEvent[] = [{ type: 'MoneyDeposited', data: { amount: account + round } }];
        if (round === 0) events.unshift({ type: 'AccountOpened', data: { owner: `o${account}` } });
        if (round === 3 && account % 4 === 0) events.push({ type: 'AccountClosed', data: {} });
        await db.store.appendToStream(`account-${account}`, events);
      }
    }
    const everything = await readEverything(db.store);
    for (let i = 0; i < everything.length; i += 10)
      await projector.apply(everything.slice(i, i + 10));
    const live = await allDocuments();
    await documents.putDocument(
      { ...(await documents.get('account-balances', '0'))!, key: 'stale', revision: 1 },
      undefined,
    );
    const progress: RebuildProgress[] = [];

    // Act
    const result = await projector.rebuildProjection('account-balances', {
      batchSize: 20,
      onProgress: (p) => progress.push(p),
    });

    // Assess
    expect(await allDocuments()).toEqual(live);
    expect(result).toEqual({
      projection: 'account-balances',
      documentsDeleted: 13,
      position: everything.length,
      eventsRead: everything.length,
      documentsWritten: expect.any(Number),
      done: true,
    });
    expect(progress.map((p) => [p.position, p.done])).toEqual([
      [0, false],
      ...[20, 40, 60].map((position) => [position, false]),
      [everything.length, false],
      [everything.length, true],
    ]);
  });

  it('resumes from its own checkpoint when $all fails midway, without clearing again', async () => {
    // Prepare: live documents for every account, and a projector whose $all read dies after 25 events
    for (let account = 0; account < 6; account++) {
      await db.store.appendToStream(`account-r${account}`, [
        { type: 'AccountOpened', data: { owner: `r${account}` } },
        { type: 'MoneyDeposited', data: { amount: account } },
      ]);
    }
    const everything = await readEverything(db.store);
    for (let i = 0; i < everything.length; i += 10)
      await projector.apply(everything.slice(i, i + 10));
    const live = await allDocuments();
    const failingStore = new EventStore({ tableName: db.tables.eventsTable, client: db.client });
    const readAll = failingStore.readAll.bind(failingStore);
    failingStore.readAll = (options) => ({
      async *[Symbol.asyncIterator]() {
        let n = 0;
        for await (const event of readAll(options)) {
          if (++n > 25) throw new Error('$all read failed');
          yield event;
        }
      },
    });
    const failing = new Projector({
      store: failingStore,
      projectionStore: documents,
      projections: [accountBalances],
    });
    await expect(failing.rebuildProjection('account-balances', { batchSize: 10 })).rejects.toThrow(
      '$all read failed',
    );

    // Act
    const result = await projector.rebuildProjection('account-balances', { batchSize: 10 });

    // Assess: the two batches applied before the failure are not read again
    expect(result).toEqual({
      projection: 'account-balances',
      documentsDeleted: 0,
      resumedFrom: everything[19]!.position,
      position: everything.at(-1)!.position,
      eventsRead: everything.length - 20,
      documentsWritten: expect.any(Number),
      done: true,
    });
    expect(await allDocuments()).toEqual(live);
  });

  it('starts over when asked to restart, even with an unfinished rebuild on record', async () => {
    // Prepare: an unfinished rebuild on record
    await documents.saveRebuildCheckpoint('account-balances', {
      position: 5,
      cleared: true,
      done: false,
    });
    const everything = await readEverything(db.store);

    // Act
    const result = await projector.rebuildProjection('account-balances', { restart: true });

    // Assess
    expect(result).toMatchObject({ eventsRead: everything.length, done: true });
    expect(result.documentsDeleted).toBeGreaterThan(0);
    expect(result.resumedFrom).toBeUndefined();
    expect(await documents.getRebuildCheckpoint('account-balances')).toEqual({
      position: everything.at(-1)!.position,
      cleared: true,
      done: true,
    });
  });

  it('stops at the batch boundary after an abort, with its checkpoint exactly where it says, and resumes there', async () => {
    // Prepare: the signal aborts once the first batch is applied.
    const everything = await readEverything(db.store);
    const stop = new AbortController();

    // Act
    const stopped = await projector.rebuildProjection('account-balances', {
      restart: true,
      batchSize: 1,
      signal: stop.signal,
      onProgress: (p) => {
        if (p.eventsRead > 0) stop.abort();
      },
    });
    const checkpoint = await documents.getRebuildCheckpoint('account-balances');
    const resumed = await projector.rebuildProjection('account-balances');

    // Assess
    expect(stopped).toMatchObject({ done: false, eventsRead: 1 });
    expect(checkpoint).toEqual({ position: stopped.position, cleared: true, done: false });
    expect(resumed).toMatchObject({ resumedFrom: stopped.position, done: true });
    expect(resumed.position).toBe(everything.at(-1)!.position);
  });

  it('refuses a projection it does not know, naming the ones it does', async () => {
    await expect(projector.rebuildProjection('nope')).rejects.toThrow(
      "projection must be one of 'account-balances' (got 'nope')",
    );
  });

  it('fails with ProjectionFailedError, naming the projection and the position, when an event cannot be applied', async () => {
    // Prepare
    const { firstPosition } = await db.store.appendToStream('fragile-1', [
      { type: 'Fragile', data: {} },
    ]);
    const fragile = defineProjection<number>({
      name: 'fragile-rebuild',
      eventTypes: ['Fragile'],
      key: (e) => e.streamId,
      initialState: () => 0,
      evolve: () => {
        throw new Error('cannot apply');
      },
    });

    // Act
    const rebuilt = rebuildProjection({
      store: db.store,
      projectionStore: documents,
      projection: fragile,
      batchSize: 10,
    });

    // Assess
    const error = await rebuilt.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProjectionFailedError);
    expect(error).toMatchObject({
      code: 'ProjectionFailed',
      projection: 'fragile-rebuild',
      position: firstPosition,
    });
  });
});
