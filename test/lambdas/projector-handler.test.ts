import { marshall } from '@aws-sdk/util-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { accountBalances } from '../../examples/bank-account/src/bank-account.js';
import { projectorHandlerWith } from '../../lambdas/stream/projector-handler.js';
import { ProjectionStore } from '../../src/projections/projection-store.js';
import { Projector } from '../../src/projections/projector.js';
import { toEventItem } from '../../src/records.js';
import { Keys } from '../../src/table.js';
import { useTestStore } from '../support/dynamodb.js';
import { insertRecordOf, recordOf } from '../support/stream-events.js';

const db = useTestStore('projector-handler');
let documents: ProjectionStore;
let handler: ReturnType<typeof projectorHandlerWith>;

beforeAll(() => {
  documents = new ProjectionStore({ tableName: db.tables.readModelTable, client: db.client });
  handler = projectorHandlerWith({
    projector: new Projector({
      store: db.store,
      projectionStore: documents,
      projections: [accountBalances],
    }),
  });
});

describe('projector handler', () => {
  it('reports exactly the poison record in batchItemFailures and applies the rest', async () => {
    // Prepare
    const id = `poison${Date.now()}`;
    const { events } = await db.store.appendToStream(`account-${id}`, [
      { type: 'AccountOpened', data: { owner: 'Lin' } },
      { type: 'MoneyDeposited', data: { amount: 40 } },
    ]);
    const [opened, deposited] = events.map(insertRecordOf);
    const poisonImage = {
      ...toEventItem({ ...events[0]!, streamId: 'account-other', version: 1 }),
    };
    poisonImage.data = '{not json';
    const poison = recordOf('INSERT', marshall(poisonImage));

    // Act
    const response = await handler({ Records: [opened!, poison, deposited!] });

    // Assess
    expect(response).toEqual({
      batchItemFailures: [{ itemIdentifier: poison.dynamodb?.SequenceNumber }],
    });
    expect((await documents.get('account-balances', id))?.state).toEqual({
      status: 'open',
      owner: 'Lin',
      balance: 40,
      lastVersion: 2,
    });
  });

  it('ignores records that are not event INSERTs (heads, snapshots of older versions, removals)', async () => {
    const key = `ignored${Date.now()}`;
    const streamPk = Keys.streamPk(`account-${key}`);
    const head = recordOf('MODIFY', marshall({ PK: streamPk, SK: Keys.headSk, version: 3 }));
    const snapshot = recordOf(
      'INSERT',
      // Older versions of the store kept snapshots in the events table, at this key.
      marshall({ PK: streamPk, SK: 'SNAPSHOT', state: '{}' }),
    );
    const removal = recordOf('REMOVE', marshall({ PK: streamPk, SK: Keys.versionSk(1) }));

    const response = await handler({ Records: [head, snapshot, removal] });

    expect(response).toEqual({ batchItemFailures: [] });
    expect(await documents.get('account-balances', key)).toBeUndefined();
  });

  it('skips an event whose projection key is empty (stream account-), logging it without its payload', async () => {
    // Prepare: accountBalances keys by the id after 'account-': here ''
    const warnings: unknown[][] = [];
    const logged = projectorHandlerWith({
      projector: new Projector({
        store: db.store,
        projectionStore: documents,
        projections: [accountBalances],
      }),
      logger: { warn: (...args: unknown[]) => warnings.push(args) },
    });
    const { events } = await db.store.appendToStream('account-', [
      { type: 'AccountOpened', data: { owner: 'secret-owner' } },
    ]);
    const event = events[0]!;

    // Act
    const response = await logged({ Records: [insertRecordOf(event)] });

    // Assess
    expect(response).toEqual({ batchItemFailures: [] });
    expect(warnings).toEqual([
      [
        'projection key invalid, event skipped',
        {
          projection: 'account-balances',
          streamId: 'account-',
          version: event.version,
          position: event.position,
          type: 'AccountOpened',
          reason: 'key must not be empty',
        },
      ],
      ['events skipped for invalid projection keys', { count: 1 }],
    ]);
    expect(JSON.stringify(warnings)).not.toContain('secret-owner');
  });
});
