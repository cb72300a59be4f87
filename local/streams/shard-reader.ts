import { DescribeTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamCommand,
  type DynamoDBStreamsClient,
  ExpiredIteratorException,
  GetRecordsCommand,
  type GetRecordsCommandOutput,
  GetShardIteratorCommand,
  TrimmedDataAccessException,
} from '@aws-sdk/client-dynamodb-streams';
import type { StreamHandler } from '../../lambdas/stream/partial-batch.js';
import type { FilterPattern } from '../../src/stream-filters.js';
import { CheckpointFile } from './checkpoint-file.js';
import { deliver, sleep } from './delivery.js';
import { passesFilters } from './event-filter.js';
import { toLambdaRecord } from './lambda-event.js';

/** What a Lambda event source mapping is: a handler and the filters in front of it. */
export interface StreamConsumer {
  name: string;
  filters: readonly FilterPattern[];
  handler: StreamHandler;
}

export interface ShardReaderOptions {
  dynamodb: DynamoDBClient;
  streams: DynamoDBStreamsClient;
  tableName: string;
  consumer: StreamConsumer;
  /** Checkpoint and dead-letter files; undefined = memory and log only. */
  checkpointPath: string | undefined;
  deadLetterPath: string | undefined;
  pollIntervalMs: number;
  batchSize: number;
  maxRetries: number;
  retryDelayMs: number;
  log: (line: string) => void;
  signal: AbortSignal;
}

interface ShardState {
  id: string;
  parentId: string | undefined;
  iterator: string | undefined;
  finished: boolean;
  /** TrimmedDataAccess errors in a row: past 1, the checkpoint itself is trimmed. */
  trimmedStreak: number;
}

// Real streams roll shards about every 4 hours; looking for new ones every few seconds is plenty.
const SHARD_REFRESH_MS = 5000;

/** The table's current stream ARN; fails when the table has no stream. */
export async function streamArnOf(dynamodb: DynamoDBClient, tableName: string): Promise<string> {
  const { Table } = await dynamodb.send(new DescribeTableCommand({ TableName: tableName }));
  if (!Table?.LatestStreamArn || !Table.StreamSpecification?.StreamEnabled) {
    throw new Error(
      `Table ${tableName} has no stream enabled: create it with the events table schema`,
    );
  }
  return Table.LatestStreamArn;
}

/**
 * One consumer's reading of the events table's stream, shard by shard,
 * parents before children, as its own event source mapping would: its own
 * iterators, checkpoints and retries, independent of the other consumers.
 */
export class ShardReader {
  readonly #o: ShardReaderOptions;
  readonly #shards = new Map<string, ShardState>();
  #streamArn = '';
  #checkpoints!: CheckpointFile;
  #describedAt = 0;

  constructor(options: ShardReaderOptions) {
    this.#o = options;
  }

  async run(): Promise<void> {
    const { signal, log, consumer } = this.#o;
    while (!signal.aborted) {
      try {
        await this.#refreshIfDue();
        let fetched = 0;
        for (const shard of this.#readyShards()) {
          if (signal.aborted) break;
          fetched += await this.#poll(shard);
        }
        if (fetched === 0) await sleep(this.#o.pollIntervalMs, signal);
      } catch (error) {
        if (signal.aborted) break;
        log(`${consumer.name}: stream polling failed, retrying in 1 s: ${String(error)}`);
        this.#describedAt = 0;
        await sleep(1000, signal);
      }
    }
  }

  async #refreshIfDue(): Promise<void> {
    if (Date.now() - this.#describedAt < SHARD_REFRESH_MS) return;
    const arn = await streamArnOf(this.#o.dynamodb, this.#o.tableName);
    if (arn !== this.#streamArn) {
      this.#streamArn = arn;
      this.#shards.clear();
      this.#checkpoints = new CheckpointFile(this.#o.checkpointPath, arn);
    }
    const seen = new Set<string>();
    let exclusiveStartShardId: string | undefined;
    do {
      const { StreamDescription } = await this.#o.streams.send(
        new DescribeStreamCommand({ StreamArn: arn, ExclusiveStartShardId: exclusiveStartShardId }),
        { abortSignal: this.#o.signal },
      );
      for (const shard of StreamDescription?.Shards ?? []) {
        if (!shard.ShardId) continue;
        seen.add(shard.ShardId);
        if (this.#shards.has(shard.ShardId)) continue;
        this.#shards.set(shard.ShardId, {
          id: shard.ShardId,
          parentId: shard.ParentShardId,
          iterator: undefined,
          finished: this.#checkpoints.get(shard.ShardId).finished ?? false,
          trimmedStreak: 0,
        });
      }
      exclusiveStartShardId = StreamDescription?.LastEvaluatedShardId;
    } while (exclusiveStartShardId);
    // A trimmed shard is gone for good; its children need not wait for it.
    for (const id of this.#shards.keys()) if (!seen.has(id)) this.#shards.delete(id);
    this.#describedAt = Date.now();
  }

  /** Per-item order holds only if a child shard waits until its parent is read to the end. */
  #readyShards(): ShardState[] {
    return [...this.#shards.values()].filter((shard) => {
      if (shard.finished) return false;
      const parent = shard.parentId ? this.#shards.get(shard.parentId) : undefined;
      return !parent || parent.finished;
    });
  }

  async #poll(shard: ShardState): Promise<number> {
    const { signal, consumer } = this.#o;
    shard.iterator ??= await this.#iteratorFor(shard);
    if (!shard.iterator) return 0;
    let page: GetRecordsCommandOutput;
    try {
      page = await this.#getRecords(shard.iterator);
    } catch (error) {
      // DynamoDB Local's empty-shard bug, or an iterator past its 15 minutes: take a new one.
      if (
        error instanceof TrimmedDataAccessException ||
        error instanceof ExpiredIteratorException
      ) {
        if (error instanceof TrimmedDataAccessException) shard.trimmedStreak += 1;
        shard.iterator = undefined;
        return 0;
      }
      throw error;
    }
    shard.trimmedStreak = 0;
    const records = page.Records ?? [];
    const last = records.at(-1)?.dynamodb?.SequenceNumber;
    if (records.length > 0) {
      const batch = records
        .map((record) => toLambdaRecord(record, this.#streamArn))
        .filter((record) => passesFilters(consumer.filters, record));
      if (batch.length > 0) {
        const outcome = await deliver(batch, {
          consumer: consumer.name,
          handler: consumer.handler,
          maxRetries: this.#o.maxRetries,
          retryDelayMs: this.#o.retryDelayMs,
          deadLetterPath: this.#o.deadLetterPath,
          log: this.#o.log,
          signal,
        });
        // Not checkpointed: the next start delivers these records again.
        if (outcome === 'stopped') return records.length;
      }
      // Filtered-out records count as handled, as they do for Lambda.
      if (last) this.#checkpoints.set(shard.id, { sequenceNumber: last });
    }
    shard.iterator = page.NextShardIterator;
    if (!shard.iterator) {
      shard.finished = true;
      this.#checkpoints.set(shard.id, { finished: true });
      this.#describedAt = 0;
    }
    return records.length;
  }

  #getRecords(iterator: string): Promise<GetRecordsCommandOutput> {
    return this.#o.streams.send(
      new GetRecordsCommand({ ShardIterator: iterator, Limit: this.#o.batchSize }),
      { abortSignal: this.#o.signal },
    );
  }

  async #iteratorFor(shard: ShardState): Promise<string | undefined> {
    const { sequenceNumber } = this.#checkpoints.get(shard.id);
    const base = { StreamArn: this.#streamArn, ShardId: shard.id };
    if (sequenceNumber && shard.trimmedStreak < 2) {
      try {
        const { ShardIterator } = await this.#o.streams.send(
          new GetShardIteratorCommand({
            ...base,
            ShardIteratorType: 'AFTER_SEQUENCE_NUMBER',
            SequenceNumber: sequenceNumber,
          }),
          { abortSignal: this.#o.signal },
        );
        return ShardIterator;
      } catch (error) {
        if (!(error instanceof TrimmedDataAccessException)) throw error;
        this.#o.log(
          `${this.#o.consumer.name}: checkpoint of ${shard.id} was trimmed; reading from the oldest record`,
        );
      }
    }
    const { ShardIterator } = await this.#o.streams.send(
      new GetShardIteratorCommand({ ...base, ShardIteratorType: 'TRIM_HORIZON' }),
      { abortSignal: this.#o.signal },
    );
    return ShardIterator;
  }
}
