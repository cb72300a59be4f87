import {
  DynamoDBDocumentClient,
  QueryCommand,
  type QueryCommandInput,
} from '@aws-sdk/lib-dynamodb';
import type { EventStore } from '../../src/event-store.js';
import { EventStore as Store } from '../../src/event-store.js';
import { buildIndexQuery } from '../../src/read/read-all.js';
import { buildReadStreamQuery } from '../../src/read/read-stream.js';
import { Attr, Keys, Limits } from '../../src/table.js';
import {
  type BenchContext,
  formatNumber,
  freshTable,
  ratio,
  runLanes,
  type Scenario,
  timed,
} from '../harness.js';

const PAGE = 1000;
const RUNS = 3;
const TEXT = 'x'.repeat(200);

export interface LongStream {
  store: EventStore;
  tableName: string;
  streamId: string;
  events: number;
}

/** One stream of 10,000 events (2,000 in smoke mode) on plain DynamoDB Local, shared by the read rows. */
export function longStream(ctx: BenchContext): Promise<LongStream> {
  return ctx.memo('long stream', async () => {
    const events = ctx.smoke ? 2000 : 10_000;
    const tableName = await freshTable(ctx.local.client, 'bench-long');
    const store = new Store({ tableName, client: ctx.local.client });
    const streamId = 'long-1';
    for (let version = 0; version < events; version += 98) {
      const count = Math.min(98, events - version);
      await store.appendToStream(
        streamId,
        Array.from({ length: count }, (_, i) => ({
          type: 'Deposited',
          data: { n: version + i, amount: 1, text: TEXT },
        })),
        { expectedVersion: version },
      );
    }
    return { store, tableName, streamId, events };
  });
}

/** Every item of a paged Query, through the document client (unmarshalled, as the store gets them). */
async function queryAll(doc: DynamoDBDocumentClient, input: QueryCommandInput): Promise<unknown[]> {
  const items: unknown[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await doc.send(new QueryCommand({ ...input, ExclusiveStartKey: start }));
    items.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start);
  return items;
}

export const readStreamVsQuery: Scenario = {
  name: 'read-stream',
  uses: 'local',
  title: 'readStream vs raw paged Query of the same items (plain DynamoDB Local)',
  async run(ctx) {
    const long = await longStream(ctx);
    const doc = DynamoDBDocumentClient.from(ctx.local.client);
    const plan = {
      streamId: long.streamId,
      direction: 'forwards',
      fromVersion: undefined,
      maxCount: undefined,
    } as const;
    let storeMs = Number.POSITIVE_INFINITY;
    let rawMs = Number.POSITIVE_INFINITY;
    // Alternated, fastest of each: a busy machine slows one run, not one side.
    for (let i = 0; i < RUNS; i++) {
      rawMs = Math.min(
        rawMs,
        await timed(async () => {
          const items = await queryAll(doc, buildReadStreamQuery(long.tableName, plan, PAGE));
          if (items.length !== long.events) throw new Error(`raw read ${items.length} items`);
        }),
      );
      storeMs = Math.min(
        storeMs,
        await timed(async () => {
          let read = 0;
          for await (const _event of long.store.readStream(long.streamId)) read++;
          if (read !== long.events) throw new Error(`readStream read ${read} events`);
        }),
      );
    }
    const store = (long.events / storeMs) * 1000;
    const raw = (long.events / rawMs) * 1000;
    return [
      { name: 'readStream events/s', value: store, unit: '/s' },
      { name: 'raw Query items/s', value: raw, unit: '/s' },
      ratio(
        'readStream / raw Query',
        store,
        raw,
        { op: '>=', value: 0.7 },
        `${formatNumber(store)}/s over ${formatNumber(raw)}/s`,
      ),
    ];
  },
};

export const readAllVsQuery: Scenario = {
  name: 'read-all',
  uses: 'local',
  title: 'readAll vs raw paged Query of the same byPosition index items (plain DynamoDB Local)',
  async run(ctx) {
    const streams = ctx.smoke ? 40 : 200;
    const perStream = 50;
    const total = streams * perStream;
    const tableName = await freshTable(ctx.local.client, 'bench-all');
    const store = new Store({ tableName, client: ctx.local.client });
    await runLanes(streams, 4, async (job) => {
      await store.appendToStream(
        `acct-${job}`,
        Array.from({ length: perStream }, (_, n) => ({ type: 'Filled', data: { n, text: TEXT } })),
      );
    });
    const doc = DynamoDBDocumentClient.from(ctx.local.client);
    const pages = Keys.pageOf(total) + 1;
    let storeMs = Number.POSITIVE_INFINITY;
    let rawMs = Number.POSITIVE_INFINITY;
    for (let i = 0; i < RUNS; i++) {
      rawMs = Math.min(
        rawMs,
        await timed(async () => {
          let read = 0;
          for (let page = 0; page < pages; page++) {
            const from = page * Limits.positionPageSize + 1;
            const parts = await Promise.all(
              Keys.pagePartitions(page, Limits.pageShards).map((partition) =>
                queryAll(doc, buildIndexQuery(tableName, partition, from, PAGE)),
              ),
            );
            const items = parts.flat() as Record<string, unknown>[];
            items.sort((a, b) => Number(a[Attr.position]) - Number(b[Attr.position]));
            read += items.length;
          }
          if (read !== total) throw new Error(`raw read ${read} index items, expected ${total}`);
        }),
      );
      storeMs = Math.min(
        storeMs,
        await timed(async () => {
          let read = 0;
          let previous = 0;
          for await (const event of store.readAll()) {
            if (event.position <= previous)
              throw new Error(`position ${event.position} after ${previous}`);
            previous = event.position;
            read++;
          }
          if (read !== total) throw new Error(`readAll read ${read} events, expected ${total}`);
        }),
      );
    }
    let filtered = 0;
    const filterMs = await timed(async () => {
      filtered = 0;
      for await (const _event of store.readAll({ streamPrefix: 'acct-7' })) filtered++;
    });
    const storeRate = (total / storeMs) * 1000;
    const raw = (total / rawMs) * 1000;
    return [
      { name: 'readAll events/s', value: storeRate, unit: '/s' },
      { name: 'raw Query items/s (8 shards per page, merged)', value: raw, unit: '/s' },
      ratio(
        'readAll / raw Query',
        storeRate,
        raw,
        { op: '>=', value: 0.7 },
        `${formatNumber(storeRate)}/s over ${formatNumber(raw)}/s`,
      ),
      {
        name: 'readAll with streamPrefix, events/s scanned',
        value: (total / filterMs) * 1000,
        unit: '/s',
      },
      { name: 'events matched by streamPrefix acct-7', value: filtered, unit: 'events' },
    ];
  },
};
