import { randomUUID } from 'node:crypto';
import {
  ConditionalCheckFailedException,
  type DynamoDBClient,
  type TransactionCanceledException,
} from '@aws-sdk/client-dynamodb';
import {
  DynamoDBDocumentClient,
  PutCommand,
  ScanCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { isRetryableAwsError } from '../aws-errors.js';
import { backoff } from '../backoff.js';
import { dynamoCall } from '../dynamo-call.js';
import {
  DynamoDBFailureError,
  PositionCounterMissingError,
  PositionModeMismatchError,
} from '../errors.js';
import { Attr, Keys } from '../table.js';
import { counterKey, layoutOf, PositionMode, readCounterItem } from './counter.js';
import { buildMark, readMarks } from './marks.js';
import { readSlot, SlotState } from './slots.js';
import type { RangeEntry, TransactItem } from './strategy.js';

/** What a stream head's record says: the stream is now at `version`. */
export interface HeadChange {
  readonly streamId: string;
  readonly version: number;
}

export interface SequenceResult {
  /** Ranges placed by this call, in position order. */
  readonly entries: readonly RangeEntry[];
  /** Transactions the counter refused (another sequencer committed first). */
  readonly retries: number;
}

/** Entries per block: a block is one item (400 KB), and an entry is at most ~600 bytes. */
const ENTRIES_PER_BLOCK = 500;
/** Blocks per transaction, next to the counter. */
const BLOCKS_PER_TRANSACTION = 24;
const MAX_ATTEMPTS = 50;

/**
 * Sequenced mode (DESIGN.md, "Sequenced mode: the rules"). Heads' stream
 * records say which streams moved; the sequencer gives their new events
 * positions, a batch at a time, in ONE transaction: the counter, conditioned
 * on the value read, and block items listing `(streamId, fromVersion, count,
 * firstPosition)` in position order. Blocks carry index keys, so `$all`
 * readers walk them.
 *
 * Never twice: each stream's mark (its last placed range, `SEQ#` items in the
 * stream's partition) is written after the commit; the counter's
 * `appliedThrough` says up to where every block's marks are written, and the
 * next call writes the missing ones before it plans. A record seen again, or
 * out of order, is below the mark and skipped; a mark behind the record's
 * version (records lost) is caught up from the mark, in version order.
 */
export class Sequencer {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /** The sequencer of the events table `tableName`, on `client`. */
  static for(options: { tableName: string; client: DynamoDBClient }): Sequencer {
    return new Sequencer(DynamoDBDocumentClient.from(options.client), options.tableName);
  }

  async sequence(changes: readonly HeadChange[]): Promise<SequenceResult> {
    // The newest version per stream, in the order the streams first appear.
    const targets = new Map<string, number>();
    for (const { streamId, version } of changes) {
      targets.set(streamId, Math.max(targets.get(streamId) ?? 0, version));
    }
    const placed: RangeEntry[] = [];
    let retries = 0;
    // Each round places what one transaction holds; a batch larger than that takes more rounds.
    for (;;) {
      const counter = await readCounterItem(this.doc, this.tableName);
      if (!counter) throw new PositionCounterMissingError(this.tableName);
      // Blocks in a store of another mode would hand out positions twice.
      const { mode } = layoutOf(counter);
      if (mode !== PositionMode.sequenced) {
        throw new PositionModeMismatchError(this.tableName, mode, PositionMode.sequenced);
      }
      const last = Number(counter[Attr.position]);
      const applied = Number(counter[Attr.appliedThrough] ?? last);
      if (applied < last) await this.#rollForward(applied, last);
      const entries = await this.#plan(targets, last);
      if (entries.length === 0) return { entries: placed, retries };
      try {
        await this.#commit(entries, last);
      } catch (error) {
        if (!isCounterMoved(error) && !isRetryableAwsError(error)) {
          throw new DynamoDBFailureError('TransactWriteItems of a sequencing batch', {
            cause: error,
          });
        }
        if (++retries >= MAX_ATTEMPTS) throw error;
        await backoff(retries);
        continue;
      }
      await this.#writeMarks(entries);
      await this.#setApplied(last + entries.reduce((n, e) => n + e.count, 0));
      placed.push(...entries);
    }
  }

  /**
   * The sweeper: every stream whose head is above its mark (its records were
   * lost past the stream's retention, or dead-lettered), sequenced. Reads the
   * whole table: run it now and then, not per batch.
   */
  async sweep(): Promise<SequenceResult> {
    const changes: HeadChange[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await dynamoCall('Scan for stream heads', () =>
        this.doc.send(
          new ScanCommand({
            TableName: this.tableName,
            FilterExpression: '#sk = :head',
            ProjectionExpression: '#streamId, #version',
            ExpressionAttributeNames: {
              '#sk': Attr.sk,
              '#streamId': Attr.streamId,
              '#version': Attr.version,
            },
            ExpressionAttributeValues: { ':head': Keys.headSk },
            ConsistentRead: true,
            ExclusiveStartKey: startKey,
          }),
        ),
      );
      for (const item of page.Items ?? []) {
        changes.push({
          streamId: String(item[Attr.streamId]),
          version: Number(item[Attr.version]),
        });
      }
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return this.sequence(changes);
  }

  /** Ranges to place: per stream, from its mark to its newest version. */
  async #plan(targets: ReadonlyMap<string, number>, last: number): Promise<RangeEntry[]> {
    const marks = await Promise.all(
      [...targets].map(async ([streamId, version]) => ({
        streamId,
        version,
        mark: await this.#markOf(streamId),
      })),
    );
    const entries: RangeEntry[] = [];
    let next = last + 1;
    for (const { streamId, version, mark } of marks) {
      if (version <= mark) continue;
      const count = version - mark;
      entries.push({ streamId, fromVersion: mark + 1, count, firstPosition: next });
      next += count;
      if (entries.length >= ENTRIES_PER_BLOCK * BLOCKS_PER_TRANSACTION) break;
    }
    return entries;
  }

  /** The stream's last placed version: the end of its newest `SEQ#` range (0: none). */
  async #markOf(streamId: string): Promise<number> {
    const [newest] = await readMarks(this.doc, this.tableName, streamId, { limit: 1 });
    return newest ? newest.fromVersion + newest.count - 1 : 0;
  }

  async #commit(entries: readonly RangeEntry[], last: number): Promise<void> {
    const count = entries.reduce((n, e) => n + e.count, 0);
    const items: TransactItem[] = [
      {
        Update: {
          TableName: this.tableName,
          Key: counterKey,
          UpdateExpression: 'SET #position = :next, #applied = :last',
          ConditionExpression: '#position = :last',
          ExpressionAttributeNames: { '#position': Attr.position, '#applied': Attr.appliedThrough },
          ExpressionAttributeValues: { ':next': last + count, ':last': last },
        },
      },
    ];
    for (let i = 0; i < entries.length; i += ENTRIES_PER_BLOCK) {
      items.push(buildBlock(this.tableName, entries.slice(i, i + ENTRIES_PER_BLOCK)));
    }
    await this.doc.send(
      new TransactWriteCommand({ TransactItems: items, ClientRequestToken: randomUUID() }),
    );
  }

  /** Marks of the blocks between `applied` and `last`, which a sequencer committed and did not finish. */
  async #rollForward(applied: number, last: number): Promise<void> {
    for (let first = applied + 1; first <= last; ) {
      const block = await readSlot(this.doc, this.tableName, first);
      if (block?.state !== 'committed') {
        throw new DynamoDBFailureError(`reading the block at position ${first}`, {
          cause: new Error(`no block at ${first} below the counter (${last})`),
        });
      }
      await this.#writeMarks(block.entries);
      first += block.count;
    }
    await this.#setApplied(last);
  }

  /** Idempotent: a mark is written once, whoever gets there first. */
  async #writeMarks(entries: readonly RangeEntry[]): Promise<void> {
    await Promise.all(
      entries.map(async (entry) => {
        try {
          await this.doc.send(
            new PutCommand({
              TableName: this.tableName,
              Item: buildMark(entry),
              ConditionExpression: 'attribute_not_exists(#pk)',
              ExpressionAttributeNames: { '#pk': Attr.pk },
            }),
          );
        } catch (error) {
          if (!(error instanceof ConditionalCheckFailedException)) {
            throw new DynamoDBFailureError(`PutItem of the mark of '${entry.streamId}'`, {
              cause: error,
            });
          }
        }
      }),
    );
  }

  async #setApplied(through: number): Promise<void> {
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: counterKey,
          UpdateExpression: 'SET #applied = :through',
          ConditionExpression: 'attribute_not_exists(#applied) OR #applied < :through',
          ExpressionAttributeNames: { '#applied': Attr.appliedThrough },
          ExpressionAttributeValues: { ':through': through },
        }),
      );
    } catch (error) {
      // Someone already recorded as much or more: nothing to do.
      if (!(error instanceof ConditionalCheckFailedException)) {
        throw new DynamoDBFailureError('UpdateItem of the applied mark', { cause: error });
      }
    }
  }
}

/** Pure: a block, written once at its first position, shown in `$all` by its index keys. */
export function buildBlock(tableName: string, entries: readonly RangeEntry[]): TransactItem {
  const first = entries[0]?.firstPosition ?? 0;
  const count = entries.reduce((n, e) => n + e.count, 0);
  return {
    Put: {
      TableName: tableName,
      Item: {
        [Attr.pk]: Keys.slotPk(first),
        [Attr.sk]: Keys.slotSk,
        [Attr.slotState]: SlotState.committed,
        [Attr.count]: count,
        [Attr.entries]: entries.map((e) => [e.streamId, e.fromVersion, e.count, e.firstPosition]),
        [Attr.txId]: 'sequencer',
        [Attr.position]: first,
        [Attr.positionPage]: Keys.positionPage(first),
      },
      ConditionExpression: 'attribute_not_exists(#pk)',
      ExpressionAttributeNames: { '#pk': Attr.pk },
    },
  };
}

function isCounterMoved(error: unknown): boolean {
  const cancelled = error as TransactionCanceledException | undefined;
  return (
    cancelled?.name === 'TransactionCanceledException' &&
    (cancelled.CancellationReasons ?? []).some(
      (r) => r.Code === 'ConditionalCheckFailed' || r.Code === 'TransactionConflict',
    )
  );
}
