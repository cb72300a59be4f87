import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DynamoDBRecord } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type AccountBalance,
  accountAggregate,
  accountBalances,
} from '../../examples/bank-account/src/bank-account.js';
import {
  type StreamConsumer,
  type StreamProcessing,
  startStreamProcessing,
} from '../../local/stream-poller.js';
import { EventStore } from '../../src/event-store.js';
import { defineProjection } from '../../src/projections/define.js';
import { ProjectionStore } from '../../src/projections/projection-store.js';
import type { NewEvent } from '../../src/types.js';
import {
  createTestTables,
  type TestTables,
  testEndpoint,
  useTestStore,
} from '../support/dynamodb.js';
import { eventually } from '../support/stream-events.js';

const db = useTestStore('poller');
/** Another stream-enabled table: writing it first is what trips DynamoDB Local's empty-shard iterator bug. */
let other: TestTables;
let documents: ProjectionStore;
let dataDir: string;
const running: StreamProcessing[] = [];
const logged: string[] = [];

beforeAll(async () => {
  other = await createTestTables('poller-other');
  documents = new ProjectionStore({ tableName: db.tables.readModelTable, client: db.client });
  dataDir = mkdtempSync(join(tmpdir(), 'poller-'));
});

afterAll(async () => {
  await Promise.allSettled(running.map((p) => p.stop()));
  await other.drop();
  other.client.destroy();
  rmSync(dataDir, { recursive: true, force: true });
});

async function start(options: Partial<Parameters<typeof startStreamProcessing>[0]> = {}) {
  const processing = await startStreamProcessing({
    endpoint: testEndpoint(),
    eventsTable: db.tables.eventsTable,
    readModelTable: db.tables.readModelTable,
    pollIntervalMs: 50,
    log: (line) => logged.push(line),
    projections: [accountBalances],
    aggregates: [accountAggregate],
    ...options,
  });
  running.push(processing);
  return processing;
}

const balanceOf = (key: string) => documents.get<AccountBalance>('account-balances', key);

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

describe('startStreamProcessing', () => {
  it('projects appended events and snapshots through the stream, with median append-to-document lag under 1 s', async () => {
    // Prepare: started on the empty table, which is where DynamoDB Local's empty-shard iterator bug bites.
    const processing = await start({ dataDir: join(dataDir, 'lag') });
    await new Promise((resolve) => setTimeout(resolve, 200));
    await new EventStore({ tableName: other.eventsTable, client: other.client }).appendToStream(
      'other-1',
      [{ type: 'Noted', data: {} }],
    );
    const lags: number[] = [];

    // Act
    for (let i = 1; i <= 20; i++) {
      const type = i === 1 ? 'AccountOpened' : 'MoneyDeposited';
      const data = i === 1 ? { owner: 'Kay' } : { amount: i };
      await db.store.appendToStream('account-lag', [{ type, data }]);
      const committed = performance.now();
      await eventually(
        async () => ((await balanceOf('lag'))?.state.lastVersion === i ? true : undefined),
        10_000,
        5,
      );
      lags.push(performance.now() - committed);
    }
    const deposits: NewEvent[] = Array.from({ length: 80 }, () => ({
      type: 'MoneyDeposited',
      data: { amount: 1 },
    }));
    await db.store.appendToStream('account-lag', deposits);
    const snapshot = await eventually(() => db.store.getSnapshot('account-lag'), 15_000);
    // The snapshotter and the projector read the stream side by side: wait for both to be done.
    await eventually(
      async () => ((await balanceOf('lag'))?.state.lastVersion === 100 ? true : undefined),
      15_000,
    );
    await processing.stop();

    // Assess
    const sorted = [...lags].sort((a, b) => a - b);
    console.log(
      `append-to-projection lag over ${lags.length} appends: median ${percentile(sorted, 50).toFixed(0)} ms, p95 ${percentile(sorted, 95).toFixed(0)} ms`,
    );
    expect(percentile(sorted, 50)).toBeLessThan(1000);
    expect((await balanceOf('lag'))?.state).toEqual({
      status: 'open',
      owner: 'Kay',
      balance: 209 + 80,
      lastVersion: 100,
    });
    expect(snapshot).toMatchObject({ version: 100, state: { balance: 209 + 80 } });
  });

  it('resumes from its checkpoint file after a restart, delivering only new records, each with eventSourceARN', async () => {
    // Prepare
    const delivered: DynamoDBRecord[][] = [[], []];
    const recording = (run: number) => [
      {
        name: 'recorder',
        filters: [
          { eventName: ['INSERT'], dynamodb: { Keys: { SK: { S: [{ prefix: 'VERSION#' }] } } } },
        ],
        handler: async (event: { Records: DynamoDBRecord[] }) => {
          delivered[run]?.push(...event.Records);
          return { batchItemFailures: [] };
        },
      },
    ];
    const dir = join(dataDir, 'restart');
    await db.store.appendToStream('account-restart', [
      { type: 'AccountOpened', data: { owner: 'Ro' } },
    ]);
    const first = await start({ dataDir: dir, consumers: recording(0) });
    await eventually(async () => (delivered[0]?.some(isRestartEvent) ? true : undefined));
    await first.stop();
    await db.store.appendToStream('account-restart', [
      { type: 'MoneyDeposited', data: { amount: 3 } },
    ]);

    // Act
    const second = await start({ dataDir: dir, consumers: recording(1) });
    await eventually(async () => (delivered[1]?.some(isRestartEvent) ? true : undefined));
    await second.stop();

    // Assess
    expect(delivered[1]?.map((r) => r.dynamodb?.NewImage?.version?.N)).toEqual(['2']);
    expect(delivered.flat().every((r) => r.dynamodb?.Keys?.SK?.S?.startsWith('VERSION#'))).toBe(
      true,
    );
    expect(new Set(delivered.flat().map((r) => r.eventSourceARN))).toEqual(
      new Set([expect.stringMatching(/^arn:aws:dynamodb:.*:table\/.*\/stream\//)]),
    );
    const checkpoint = JSON.parse(
      readFileSync(
        join(dir, 'streams', `${db.tables.eventsTable}.recorder.checkpoint.json`),
        'utf8',
      ),
    );
    expect(Object.values(checkpoint.shards)).toEqual([{ sequenceNumber: expect.any(String) }]);
  });

  it('retries a failing record like Lambda, then dead-letters it and carries on with the rest', async () => {
    // Prepare
    const fragile = defineProjection<number>({
      name: 'fragile',
      eventTypes: ['MoneyDeposited'],
      key: (e) => e.streamId,
      initialState: () => 0,
      evolve: (total, e) => {
        const { amount } = e.data as { amount: number };
        if (amount === 666) throw new Error('unlucky');
        return total + amount;
      },
    });
    const dir = join(dataDir, 'poison');
    await start({
      dataDir: dir,
      aggregates: [],
      projections: [accountBalances, fragile],
      retryDelayMs: 5,
      maxRetries: 2,
    });

    // Act
    await db.store.appendToStream('account-unlucky', [
      { type: 'MoneyDeposited', data: { amount: 666 } },
    ]);
    await db.store.appendToStream('account-lucky', [
      { type: 'MoneyDeposited', data: { amount: 7 } },
    ]);
    const lucky = await eventually(() => documents.get('fragile', 'account-lucky'));
    const deadLetters = await eventually(async () => {
      try {
        return readFileSync(
          join(dir, 'streams', `${db.tables.eventsTable}.projector.dead-letters.jsonl`),
          'utf8',
        );
      } catch {
        return undefined;
      }
    });

    // Assess
    expect(lucky.state).toBe(7);
    expect(
      deadLetters
        .trim()
        .split('\n')
        .map((line) => {
          const { consumer, attempts, record } = JSON.parse(line);
          return {
            consumer,
            attempts,
            sk: record.dynamodb.Keys.SK.S,
            streamId: record.dynamodb.NewImage.streamId.S,
          };
        }),
    ).toEqual([
      {
        consumer: 'projector',
        attempts: 3,
        sk: 'VERSION#000000000001',
        streamId: 'account-unlucky',
      },
    ]);
    expect(await documents.get('fragile', 'account-unlucky')).toBeUndefined();
  });

  it('stopped during a retry wait, does not call the handler again, dead-letter or checkpoint the failing record', async () => {
    // Prepare
    const calls: { stopped: boolean; sequence: string | undefined }[] = [];
    let stopped = false;
    const only = (handler: StreamConsumer['handler']): StreamConsumer[] => [
      {
        name: 'stopper',
        filters: [
          {
            eventName: ['INSERT'],
            dynamodb: {
              Keys: { SK: { S: [{ prefix: 'VERSION#' }] } },
              NewImage: { streamId: { S: ['account-stopping'] } },
            },
          },
        ],
        handler,
      },
    ];
    const dir = join(dataDir, 'stop-mid-retry');
    const first = await start({
      dataDir: dir,
      maxRetries: 1,
      retryDelayMs: 2000,
      consumers: only(async (event) => {
        const sequence = event.Records[0]?.dynamodb?.SequenceNumber;
        calls.push({ stopped, sequence });
        return { batchItemFailures: [{ itemIdentifier: sequence ?? '' }] };
      }),
    });
    await db.store.appendToStream('account-stopping', [
      { type: 'AccountOpened', data: { owner: 'Sam' } },
    ]);
    await eventually(async () => (calls.length >= 1 ? true : undefined));

    // Act
    stopped = true;
    const stopping = performance.now();
    await first.stop();
    const stopMs = performance.now() - stopping;

    // Assess: no call after stop, nothing dead-lettered, and the next start gets the record again.
    const failing = calls[0]?.sequence;
    expect(failing).toMatch(/^\d+$/);
    expect(calls).toEqual([{ stopped: false, sequence: failing }]);
    expect(stopMs).toBeLessThan(1000);
    expect(
      existsSync(join(dir, 'streams', `${db.tables.eventsTable}.stopper.dead-letters.jsonl`)),
    ).toBe(false);
    const redelivered: (string | undefined)[] = [];
    const second = await start({
      dataDir: dir,
      consumers: only(async (event) => {
        redelivered.push(...event.Records.map((r) => r.dynamodb?.SequenceNumber));
        return { batchItemFailures: [] };
      }),
    });
    await eventually(async () => (redelivered.length >= 1 ? true : undefined), 5000);
    await second.stop();
    expect(redelivered).toEqual([failing]);
  });
});

function isRestartEvent(record: DynamoDBRecord): boolean {
  return record.dynamodb?.NewImage?.streamId?.S === 'account-restart';
}
