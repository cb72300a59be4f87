import { beforeAll, describe, expect, it } from 'vitest';
import { accountBalances } from '../../src/domain/bank-account.js';
import type { ProjectionDocument } from '../../src/projections/documents.js';
import type { ProjectionStore } from '../../src/projections/projection-store.js';
import type { Projector } from '../../src/projections/projector.js';
import type { RebuildProgress } from '../../src/projections/rebuild.js';
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

  it('refuses a projection it does not know, naming the ones it does', async () => {
    await expect(projector.rebuildProjection('nope')).rejects.toThrow(
      "projection must be one of 'account-balances' (got 'nope')",
    );
  });
});
