import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { ProjectionStore } from '../src/projections/projection-store.js';
import { Keys, ReadModelKeys, SnapshotKeys } from '../src/table.js';
import { placed, useTestStore } from './support/dynamodb.js';

/**
 * No stream id, projection name or document key can make the store write an
 * item outside its own key prefix: not the counter, another stream's head, a
 * checkpoint or a snapshot. Keys are built by prefixing, so the properties are
 * that the prefixes are distinct and the builders injective, and, against the
 * real tables, that each operation changes only the items it owns.
 */

const db = useTestStore('key-space');
let documents: ProjectionStore;

beforeAll(() => {
  documents = new ProjectionStore({ tableName: db.tables.readModelTable, client: db.client });
});

// Ids that look like other keys, and arbitrary ones (the store refuses control characters).
const tricky = [
  'x#HEAD',
  '$GLOBAL',
  'a#SNAPSHOT',
  'STREAM#b',
  'HEAD',
  'POSITION',
  'VERSION#000000000001',
  '#',
  'PROJECTION#p',
  'CHECKPOINT#c',
  '__proto__',
];
const streamIds = fc.oneof(
  fc.constantFrom(...tricky),
  fc
    .string({ minLength: 1, maxLength: 24, unit: 'grapheme' })
    .filter((s) => !/\p{Cc}/u.test(s) && Buffer.byteLength(s) <= 512),
);
const projectionNames = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._-]{0,20}$/);
const documentKeys = fc.oneof(
  fc.constantFrom('k#HEAD', '#', 'CHECKPOINT', 'REBUILD', 'a#b#c'),
  fc.string({ minLength: 1, maxLength: 24 }),
);

type Item = Record<string, unknown>;
const keyOf = (item: Item) => `${String(item.PK)}\u0000${String(item.SK)}`;

async function snapshotOf(tableName: string): Promise<Map<string, string>> {
  const items = new Map<string, string>();
  let start: Record<string, never> | undefined;
  do {
    const page = await db.client.send(
      new ScanCommand({ TableName: tableName, ExclusiveStartKey: start }),
    );
    for (const raw of page.Items ?? []) {
      const item = unmarshall(raw);
      items.set(keyOf(item), JSON.stringify(item));
    }
    start = page.LastEvaluatedKey as Record<string, never> | undefined;
  } while (start);
  return items;
}

/** The [PK, SK] of every item added or changed between two scans. */
function changed(before: Map<string, string>, after: Map<string, string>): string[][] {
  return [...after]
    .filter(([key, value]) => before.get(key) !== value)
    .map(([key]) => key.split('\u0000'));
}

describe('key builders', () => {
  it('give every stream its own partition, apart from the counter', () => {
    fc.assert(
      fc.property(streamIds, streamIds, (a, b) => {
        expect(Keys.streamPk(a)).not.toBe(Keys.globalPk);
        expect(Keys.streamPk(a) === Keys.streamPk(b)).toBe(a === b);
        expect(SnapshotKeys.pk(a) === SnapshotKeys.pk(b)).toBe(a === b);
      }),
    );
  });

  it('keep projection documents, checkpoints and rebuild checkpoints in separate partitions', () => {
    fc.assert(
      fc.property(projectionNames, projectionNames, (a, b) => {
        const pks = [
          ReadModelKeys.projectionPk(a),
          ReadModelKeys.checkpointPk(b),
          ReadModelKeys.rebuildPk(b),
        ];
        expect(new Set(pks).size).toBe(3);
        expect(ReadModelKeys.projectionPk(a) === ReadModelKeys.projectionPk(b)).toBe(a === b);
      }),
    );
  });
});

describe('against the real tables', () => {
  it('an append changes only its own stream, the counter and its own slot, whatever the stream id', async () => {
    await fc.assert(
      fc.asyncProperty(streamIds, async (id) => {
        const before = await snapshotOf(db.tables.eventsTable);

        const result = placed(
          await db.store.appendToStream(id, [{ type: 'Probed', data: { id } }]),
        );

        for (const [pk, sk] of changed(before, await snapshotOf(db.tables.eventsTable))) {
          if (pk === Keys.globalPk) expect(sk).toBe(Keys.positionSk);
          // Reserved mode: the transaction's claim on its range, keyed by its first position.
          else if (pk === Keys.slotPk(result.firstPosition)) expect(sk).toBe(Keys.slotSk);
          else {
            expect(pk).toBe(Keys.streamPk(id));
            expect(sk === Keys.headSk || Keys.isEventSk(String(sk))).toBe(true);
          }
        }
      }),
      { numRuns: 15 },
    );
  });

  it('a snapshot changes only its own item in the snapshot table, never the events table', async () => {
    await fc.assert(
      fc.asyncProperty(streamIds, fc.integer({ min: 1, max: 1000 }), async (id, version) => {
        const events = await snapshotOf(db.tables.eventsTable);
        const snapshots = await snapshotOf(db.tables.snapshotTable);

        await db.store.saveSnapshot({ streamId: id, version, state: { id } });

        expect(changed(events, await snapshotOf(db.tables.eventsTable))).toEqual([]);
        for (const [pk, sk] of changed(snapshots, await snapshotOf(db.tables.snapshotTable))) {
          expect([pk, sk]).toEqual([SnapshotKeys.pk(id), SnapshotKeys.sk]);
        }
      }),
      { numRuns: 15 },
    );
  });

  it('a document write or a checkpoint changes only its own item, whatever the name and key', async () => {
    await fc.assert(
      fc.asyncProperty(projectionNames, documentKeys, async (name, key) => {
        const before = await snapshotOf(db.tables.readModelTable);

        const stored = await documents.getForUpdate(name, key);
        await documents.writeDocument(
          {
            projection: name,
            key,
            state: { key },
            streams: {},
            revision: (stored?.document.revision ?? 0) + 1,
            updatedAt: new Date().toISOString(),
          },
          stored?.version,
        );
        await documents.saveCheckpoint(name, Date.now());

        for (const [pk, sk] of changed(before, await snapshotOf(db.tables.readModelTable))) {
          expect([
            [ReadModelKeys.projectionPk(name), key],
            [ReadModelKeys.checkpointPk(name), ReadModelKeys.checkpointSk],
          ]).toContainEqual([pk, sk]);
        }
      }),
      { numRuns: 15 },
    );
  });
});
