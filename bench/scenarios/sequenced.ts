import { sequencerHandlerWith } from '../../lambdas/stream/sequencer-handler.js';
import { startStreamProcessing } from '../../local/stream-poller.js';
import { EventStore } from '../../src/event-store.js';
import { Sequencer } from '../../src/position/sequencer.js';
import { StreamFilters } from '../../src/stream-filters.js';
import type { PositionedEvent } from '../../src/types.js';
import { storeAppends } from '../appends.js';
import {
  type Figure,
  formatNumber,
  freshTable,
  percentile,
  ratio,
  runLanes,
  type Scenario,
  timed,
} from '../harness.js';

/** Every position 1..N once, every event once, each stream in version order. */
function exactness(events: readonly PositionedEvent[], appended: number): Figure {
  const positionsOk = events.every((e, i) => e.position === i + 1);
  const ids = new Set(events.map((e) => e.eventId));
  const lastVersion = new Map<string, number>();
  let ordered = true;
  for (const e of events) {
    if ((lastVersion.get(e.streamId) ?? 0) + 1 !== e.version) ordered = false;
    lastVersion.set(e.streamId, e.version);
  }
  const exact = positionsOk && ids.size === events.length && ordered && events.length === appended;
  return {
    name: 'positions 1..N once, every committed event once, per-stream order',
    value: exact ? 1 : 0,
    unit: exact ? 'exact' : `NOT exact (${events.length} read, ${appended} appended)`,
    target: { op: '>=', value: 1 },
  };
}

/** Sequences what a run appended (the sweeper, as after lost records), then reads `$all` whole. */
async function placedEvents(
  endpointClient: Parameters<typeof Sequencer.for>[0]['client'],
  tableName: string,
): Promise<PositionedEvent[]> {
  await Sequencer.for({ tableName, client: endpointClient }).sweep();
  const store = new EventStore({ tableName, client: endpointClient });
  const events: PositionedEvent[] = [];
  for await (const event of store.readAll()) events.push(event);
  return events;
}

export const sequenced4x16: Scenario = {
  name: 'sequenced-4x16',
  uses: 'simulation',
  title:
    '4 processes x 16 writers, distinct streams: sequenced vs strict and vs reserved (simulated service)',
  async run(ctx) {
    const shape = { processes: 4, writers: 16 } as const;
    // Strict last: its cancellation storm keeps retrying past the run's end and
    // slowed the DynamoDB Local the next run shares (sequenced measured 25/s
    // right after it, 87-102/s on a fresh one).
    const sequenced = await storeAppends(ctx, { ...shape, mode: 'sequenced' });
    const reserved = await storeAppends(ctx, { ...shape, mode: 'reserved' });
    const strict = await storeAppends(ctx, { ...shape, mode: 'strict' });
    return [
      ratio(
        'sequenced / strict',
        sequenced.perSecond,
        strict.perSecond,
        { op: '>=', value: 20 },
        `${formatNumber(sequenced.perSecond)}/s over ${formatNumber(strict.perSecond)}/s`,
      ),
      ratio(
        'sequenced / reserved (the default)',
        sequenced.perSecond,
        reserved.perSecond,
        { op: '>=', value: 3 },
        `${formatNumber(sequenced.perSecond)}/s over ${formatNumber(reserved.perSecond)}/s`,
      ),
      {
        name: 'failed sequenced appends',
        value: sequenced.failed,
        unit: `of ${sequenced.appends}`,
        target: { op: '<=', value: 0 },
      },
    ];
  },
};

/**
 * Append-committed to position-readable, one append at a time, with the
 * sequencer fed by the local stream poller (as Lambda would, polling each
 * shard every 200 ms), on plain DynamoDB Local. Then the run's exactness.
 */
export const sequencingLag: Scenario = {
  name: 'sequencing-lag',
  uses: 'local',
  title:
    'sequenced mode: append committed -> position readable in $all, with the poller-fed sequencer',
  async run(ctx) {
    const { client } = ctx.local;
    const tableName = await freshTable(client, 'bench-seq-lag', 'sequenced');
    const processing = await startStreamProcessing({
      client,
      eventsTable: tableName,
      readModelTable: tableName,
      positionMode: 'sequenced',
      consumers: [
        {
          name: 'sequencer',
          filters: StreamFilters.sequencer,
          handler: sequencerHandlerWith({ sequencer: Sequencer.for({ tableName, client }) }),
        },
      ],
      log: () => {},
    });
    const store = new EventStore({ tableName, client });
    const lags: number[] = [];
    let from = 1;
    try {
      for (let i = 0; i < (ctx.smoke ? 10 : 60); i++) {
        const result = await store.appendToStream(`lag-${i}`, [{ type: 'Lagged', data: { i } }]);
        const committed = performance.now();
        const eventId = result.events[0]?.eventId;
        for (;;) {
          let found = false;
          for await (const event of store.readAll({ fromPosition: from })) {
            from = event.position + 1;
            if (event.eventId === eventId) found = true;
          }
          if (found) break;
          await new Promise((resolve) => setTimeout(resolve, 10));
        }
        lags.push(performance.now() - committed);
      }
    } finally {
      await processing.stop();
    }
    lags.sort((a, b) => a - b);
    const all: PositionedEvent[] = [];
    for await (const event of store.readAll()) all.push(event);
    return [
      {
        name: 'lag p50',
        value: percentile(lags, 50),
        unit: 'ms',
        target: { op: '<=', value: 300 },
      },
      {
        name: 'lag p99',
        value: percentile(lags, 99),
        unit: 'ms',
        target: { op: '<=', value: 1000 },
      },
      exactness(all, lags.length),
    ];
  },
};

/** `$all` of a sequenced store (blocks, events read from the table) against a strict one (the index). */
export const sequencedReadAll: Scenario = {
  name: 'sequenced-read-all',
  uses: 'local',
  title: 'sequenced readAll vs strict readAll, 10,000 events in 200 streams (plain DynamoDB Local)',
  async run(ctx) {
    const { client } = ctx.local;
    const streams = ctx.smoke ? 40 : 200;
    const perStream = 50;
    const total = streams * perStream;
    const rates: Record<'strict' | 'sequenced', number> = { strict: 0, sequenced: 0 };
    let exact: Figure | undefined;
    for (const mode of ['strict', 'sequenced'] as const) {
      const tableName = await freshTable(client, `bench-${mode}-all`, mode);
      const store = new EventStore({ tableName, client });
      await runLanes(streams, 4, async (job) => {
        await store.appendToStream(
          `acct-${job}`,
          Array.from({ length: perStream }, (_, n) => ({ type: 'Filled', data: { n } })),
        );
      });
      if (mode === 'sequenced') exact = exactness(await placedEvents(client, tableName), total);
      let best = Number.POSITIVE_INFINITY;
      for (let run = 0; run < 2; run++) {
        best = Math.min(
          best,
          await timed(async () => {
            let read = 0;
            for await (const _event of store.readAll()) read++;
            if (read !== total) throw new Error(`${mode} readAll read ${read} of ${total}`);
          }),
        );
      }
      rates[mode] = (total / best) * 1000;
    }
    return [
      { name: 'strict readAll', value: rates.strict, unit: 'events/s' },
      { name: 'sequenced readAll', value: rates.sequenced, unit: 'events/s' },
      ratio(
        'sequenced / strict',
        rates.sequenced,
        rates.strict,
        { op: '>=', value: 0.5 },
        `${formatNumber(rates.sequenced)}/s over ${formatNumber(rates.strict)}/s`,
      ),
      ...(exact ? [exact] : []),
    ];
  },
};
