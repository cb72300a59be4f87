import { randomUUID } from 'node:crypto';
import { DynamoDBDocumentClient, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoDBSingleTableEventStorageAdapter } from '@castore/event-storage-adapter-dynamodb';
import { localClient } from '../../local/dynamodb-local.js';
import { buildBatchTransaction, type ReservationPlan } from '../../src/append/build-transaction.js';
import { validateAppend } from '../../src/append/validate-append.js';
import { loadLayout, type StoreLayout } from '../../src/position/counter.js';
import { ReservedPositions } from '../../src/position/reserved-positions.js';
import { buildCommittedSlot } from '../../src/position/slots.js';
import { StrictPositions } from '../../src/position/strict-positions.js';
import { Attr, Keys } from '../../src/table.js';
import type { FromPeer, PeerPlan, PeerReport, ToPeer } from './peer-protocol.js';

/** One peer process: gets its plan, says ready, runs its writers on "go", reports. */
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

function tell(message: FromPeer, last = false): void {
  process.send?.(message, undefined, {}, () => {
    if (last) process.disconnect();
  });
}

let go: (() => void) | undefined;
const started = new Promise<void>((resolve) => {
  go = resolve;
});

process.on('message', (message: ToPeer) => {
  if (message.kind === 'go') go?.();
  else
    run(message.plan).then(
      (report) => tell({ kind: 'done', report }, true),
      (error: unknown) =>
        tell({ kind: 'failed', error: String((error as Error)?.stack ?? error) }, true),
    );
});

type Op = (writer: number, index: number) => Promise<void>;

async function run(plan: PeerPlan): Promise<PeerReport> {
  const client = localClient(plan.endpoint, plan.accessKeyId);
  try {
    const op = await prepare(plan, client);
    tell({ kind: 'ready' });
    await started;
    const t0 = performance.now();
    const deadline = t0 + plan.durationMs;
    const report: PeerReport = { ops: 0, failed: 0, errors: {}, latencies: [], wallMs: 0 };
    await Promise.all(
      Array.from({ length: plan.writers }, async (_, writer) => {
        for (let i = 0; performance.now() < deadline; i++) {
          const startedAt = performance.now();
          try {
            await op(writer, i);
            report.ops++;
          } catch (error) {
            report.failed++;
            const name = (error as Error)?.name ?? 'Unknown';
            report.errors[name] = (report.errors[name] ?? 0) + 1;
          }
          report.latencies.push(performance.now() - startedAt);
        }
      }),
    );
    report.wallMs = performance.now() - t0;
    return report;
  } finally {
    client.destroy();
  }
}

async function prepare(plan: PeerPlan, client: ReturnType<typeof localClient>): Promise<Op> {
  const { load, prefix, tableName } = plan;
  const data = (writer: number, index: number) => ({ process: 0, writer, append: index, event: 0 });
  if (load.kind === 'castore') {
    const adapter = new DynamoDBSingleTableEventStorageAdapter({
      tableName,
      dynamoDBClient: client,
    });
    return async (writer, index) => {
      await adapter.pushEvent(
        {
          aggregateId: `${prefix}-${writer}-${index}`,
          version: 1,
          type: 'Simulated',
          payload: data(writer, index),
        },
        { eventStoreId: 'BENCH' },
      );
    };
  }
  const doc = DynamoDBDocumentClient.from(client);
  const layout = await loadLayout(doc, tableName, load.mode);
  const reserve = reservationSource(doc, tableName, layout, load);
  return async (writer, index) => {
    const id = `${prefix}-${writer}-${index}`;
    const append = validateAppend(
      id,
      [{ type: 'Simulated', eventId: `${id}-0`, data: data(writer, index) }],
      { expectedVersion: 'no_stream' },
    );
    const reservation = await reserve();
    const tx = buildBatchTransaction(tableName, [{ append, baseVersion: 0 }], reservation);
    await doc.send(new TransactWriteCommand({ ...tx.input, ClientRequestToken: randomUUID() }));
    reservation.committed?.();
  };
}

type RawReservation = ReservationPlan & { committed?: () => void };

function reservationSource(
  doc: DynamoDBDocumentClient,
  tableName: string,
  layout: StoreLayout,
  load: Extract<PeerPlan['load'], { kind: 'raw-transaction' }>,
): () => Promise<RawReservation> {
  if (load.mode === 'strict') {
    // The store's own strategy: warm, it moves the counter inside the transaction without a read.
    const strict = new StrictPositions(doc, tableName, layout);
    return () => strict.reserve(1);
  }
  if (load.reserve) {
    const reserved = new ReservedPositions(doc, tableName, layout);
    return () => reserved.reserve(1);
  }
  // The reserved mode's transaction alone: its slot, head and event, at positions counted here
  // (this table has no other writer), as ReservedPositions would place them.
  let next = 1;
  return async () => {
    const first = next++;
    return {
      first,
      last: first,
      guardsHead: true,
      positionActions: (entries) => [
        buildCommittedSlot(tableName, first, 1, entries, randomUUID()),
      ],
      eventPlacement: (position) => ({
        [Attr.position]: position,
        [Attr.positionPage]: Keys.positionPage(position, layout.pageShards),
        [Attr.rangeFirst]: first,
        [Attr.rangeLast]: first,
      }),
    };
  };
}
