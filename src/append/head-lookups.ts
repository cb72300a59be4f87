import { setTimeout as sleep } from 'node:timers/promises';
import { BatchGetCommand } from '@aws-sdk/lib-dynamodb';
import { isRetryableAwsError } from '../aws-errors.js';
import { backoff, backoffDelay } from '../backoff.js';
import { ContentionRetriesExhaustedError, WrongExpectedVersionError } from '../errors.js';
import type { StoreContext } from '../store-context.js';
import { Attr, Keys } from '../table.js';
import { type BaseVersion, findBaseVersion } from './base-version.js';
import { awsCall } from './store-error.js';
import type { PreparedAppend } from './validate-append.js';

/** Keys in one BatchGetItem. */
const BATCH_KEYS = 100;
/** Lookups in flight at once; more callers wait and share the next one. */
const IN_FLIGHT = 2;

interface Waiting {
  readonly append: PreparedAppend;
  readonly startedAt: number;
  readonly deadline: number;
  readonly resolve: (base: BaseVersion) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * Where `any` and `stream_exists` appends start, read from their stream
 * heads, many streams per call. The head carries the version and the id of
 * the last event it committed, written in the same transaction as the events,
 * so it says what the newest event says: the version, and whether this
 * append may be a retry of one that committed (only then does the stream end
 * with its last event id). Concurrent appends share BatchGetItem calls the way
 * they share transactions: the callers of one turn of the event loop share a
 * call (a lone caller's goes out at the end of its turn, with no timer), and
 * later ones queue while calls are in flight. A head written before heads kept `lastEventId`, and a
 * possible retry, are looked at by reading the stream, as before.
 */
export class HeadLookups {
  readonly #queue: Waiting[] = [];
  #inFlight = 0;
  readonly #unanswered = new Set<Promise<BaseVersion>>();
  #pumpScheduled = false;
  #lastCallMs: number | undefined;

  constructor(private readonly ctx: StoreContext) {}

  /** `timeoutMs`: the append's time budget; throttling past it is ContentionRetriesExhausted. */
  base(append: PreparedAppend, timeoutMs: number): Promise<BaseVersion> {
    const { expectedVersion } = append;
    if (expectedVersion === 'no_stream') return Promise.resolve({ kind: 'base', version: 0 });
    if (typeof expectedVersion === 'number') {
      return Promise.resolve({ kind: 'base', version: expectedVersion });
    }
    const answer = new Promise<BaseVersion>((resolve, reject) => {
      const startedAt = Date.now();
      this.#queue.push({ append, startedAt, deadline: startedAt + timeoutMs, resolve, reject });
      this.#pumpSoon();
    });
    this.#unanswered.add(answer);
    const forget = () => this.#unanswered.delete(answer);
    answer.then(forget, forget);
    return answer;
  }

  /**
   * Settles when the lookups asked for so far have answered their callers
   * (their appends are about to queue), or after about one read's round trip;
   * undefined when none is open.
   */
  arriving(): Promise<void> | undefined {
    if (this.#unanswered.size === 0) return undefined;
    let timer: NodeJS.Timeout | undefined;
    const cap = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, this.#arrivalWaitMs());
    });
    const answered = Promise.allSettled([...this.#unanswered]).then(() => undefined);
    return Promise.race([answered, cap]).finally(() => clearTimeout(timer));
  }

  /**
   * How long `arriving` waits at most: about one read's round trip (twice the
   * last one's), 20-200 ms; 50 ms before any read has answered. A read slowed
   * by throttling does not hold a free lane for long.
   */
  #arrivalWaitMs(): number {
    if (this.#lastCallMs === undefined) return 50;
    return Math.min(200, Math.max(20, 2 * this.#lastCallMs));
  }

  /**
   * Callers of one turn of the event loop (the writers one transaction just
   * answered, say) share one call: the call goes out after that turn, not with
   * its first caller alone.
   */
  #pumpSoon(): void {
    if (this.#pumpScheduled) return;
    this.#pumpScheduled = true;
    setImmediate(() => {
      this.#pumpScheduled = false;
      this.#pump();
    });
  }

  #pump(): void {
    while (this.#inFlight < IN_FLIGHT && this.#queue.length > 0) {
      this.#inFlight++;
      void this.#lookUp(this.#take()).finally(() => {
        this.#inFlight--;
        this.#pump();
      });
    }
  }

  /** Up to BATCH_KEYS distinct streams, in arrival order; appends to one stream share its key. */
  #take(): Waiting[] {
    const streams = new Set<string>();
    const batch: Waiting[] = [];
    for (let i = 0; i < this.#queue.length; ) {
      const waiting = this.#queue[i] as Waiting;
      const { streamId } = waiting.append;
      if (!streams.has(streamId) && streams.size === BATCH_KEYS) {
        i++;
        continue;
      }
      streams.add(streamId);
      batch.push(waiting);
      this.#queue.splice(i, 1);
    }
    return batch;
  }

  async #lookUp(waiting: readonly Waiting[]): Promise<void> {
    let batch = waiting;
    let heads: Map<string, Record<string, unknown>> | undefined;
    for (let attempt = 1; heads === undefined; attempt++) {
      try {
        const sentAt = Date.now();
        heads = await readHeads(this.ctx, [...new Set(batch.map((w) => w.append.streamId))]);
        this.#lastCallMs = Date.now() - sentAt;
      } catch (error) {
        const delay = backoffDelay(attempt, this.ctx.retry);
        batch = this.#giveUpOn(batch, error, attempt, delay);
        if (batch.length === 0) return;
        await sleep(delay);
      }
    }
    await Promise.all(
      batch.map(async ({ append, resolve, reject }) => {
        try {
          resolve(await baseFromHead(this.ctx, append, heads.get(append.streamId)));
        } catch (error) {
          reject(error);
        }
      }),
    );
  }

  /**
   * After a failed head read: a store error fails every append at once;
   * throttling is retried like a transaction's, within each append's time
   * budget and tries. Returns the appends that wait for the next try.
   */
  #giveUpOn(batch: readonly Waiting[], error: unknown, attempt: number, delay: number): Waiting[] {
    if (!isRetryableAwsError(error)) {
      for (const waiting of batch) waiting.reject(error);
      return [];
    }
    const now = Date.now();
    const outOfTime = attempt >= this.ctx.retry.maxAttempts;
    return batch.filter((waiting) => {
      if (!outOfTime && now + delay <= waiting.deadline) return true;
      waiting.reject(
        new ContentionRetriesExhaustedError(waiting.append.streamId, attempt, {
          cause: error,
          elapsedMs: now - waiting.startedAt,
        }),
      );
      return false;
    });
  }
}

async function baseFromHead(
  ctx: StoreContext,
  append: PreparedAppend,
  head: Record<string, unknown> | undefined,
): Promise<BaseVersion> {
  const { streamId, expectedVersion, events } = append;
  if (!head) {
    if (expectedVersion === 'stream_exists') {
      throw new WrongExpectedVersionError(streamId, expectedVersion, 0);
    }
    return { kind: 'base', version: 0 };
  }
  const version = Number(head[Attr.version]);
  const lastEventId = head[Attr.lastEventId];
  const mayBeRetry = lastEventId === events.at(-1)?.eventId && version >= events.length;
  if (lastEventId === undefined || mayBeRetry) return findBaseVersion(ctx, append);
  return { kind: 'base', version };
}

/** Strongly consistent: the heads of `streamIds` that exist, by stream id. */
async function readHeads(
  ctx: StoreContext,
  streamIds: readonly string[],
): Promise<Map<string, Record<string, unknown>>> {
  const heads = new Map<string, Record<string, unknown>>();
  let keys: Record<string, unknown>[] = streamIds.map((id) => ({
    [Attr.pk]: Keys.streamPk(id),
    [Attr.sk]: Keys.headSk,
  }));
  for (let attempt = 1; keys.length > 0; attempt++) {
    const page = await awsCall(`BatchGetItem of ${keys.length} stream heads`, () =>
      ctx.doc.send(
        new BatchGetCommand({
          RequestItems: {
            [ctx.tableName]: {
              Keys: keys,
              ConsistentRead: true,
              ProjectionExpression: '#pk, #version, #lastEventId',
              ExpressionAttributeNames: {
                '#pk': Attr.pk,
                '#version': Attr.version,
                '#lastEventId': Attr.lastEventId,
              },
            },
          },
        }),
      ),
    );
    for (const item of page.Responses?.[ctx.tableName] ?? []) {
      heads.set(Keys.streamIdOf(String(item[Attr.pk])), item);
    }
    // DynamoDB may hand back part of a batch unprocessed under load: ask again for those.
    keys = (page.UnprocessedKeys?.[ctx.tableName]?.Keys ?? []) as Record<string, unknown>[];
    if (keys.length > 0) await backoff(attempt);
  }
  return heads;
}
