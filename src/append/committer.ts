import { backoffDelay } from '../backoff.js';
import { ContentionRetriesExhaustedError } from '../errors.js';
import type { AppendQueue, StoreContext } from '../store-context.js';
import { Limits } from '../table.js';
import type { AppendResult } from '../types.js';
import { type BaseVersion, findBaseVersion } from './base-version.js';
import { type BatchOutcome, commitBatch } from './commit-batch.js';
import type { Pending, Requeue } from './pending.js';
import type { PreparedAppend } from './validate-append.js';
import { TRANSACTION_OVERHEAD_BYTES } from './validate-append.js';

/** Versions this store committed last, per stream: the next `any` append starts there. */
const KNOWN_VERSIONS_MAX = 10_000;

/**
 * Transactions in flight at once per store, where no item is shared between
 * them (reserved and sequenced modes): the next batch's reservation overlaps
 * the last one's commit. Measured under the simulation (1x16 and 4x16): 2
 * lanes gave 66-74 appends/s, 1 lane 59-62, 8 lanes 33-43 (many small
 * transactions, which DynamoDB Local runs one at a time). Strict mode moves
 * one counter in every transaction, so there they go one at a time.
 */
const LANES = 2;

/**
 * Group commit: appends from one store share transactions. While the store's
 * transactions are in flight (one in strict mode, up to LANES otherwise), new
 * appends queue; the next carries as many as fit (100 actions, 4 MB, one
 * position claim for all). A lone caller waits for no timer. Two appends to
 * one stream never share a transaction, nor are they in flight at once
 * (DynamoDB refuses two actions on one item, and concurrent transactions on
 * one head cancel each other): the second waits for the next one.
 *
 * With group commit off, every append is its own transaction, all in flight at once.
 */
export class Committer implements AppendQueue {
  readonly #queue: Pending[] = [];
  readonly #known = new Map<string, { version: number; lastEventId: string | undefined }>();
  #inFlight = 0;
  /** Streams with an append in a transaction now, and how many. */
  readonly #busy = new Map<string, number>();
  #lanes = 1;
  #timer: NodeJS.Timeout | undefined;

  constructor(private readonly ctx: StoreContext) {}

  async submit(append: PreparedAppend, timeoutMs: number): Promise<AppendResult> {
    const { mode } = await this.ctx.positions.strategy();
    this.#lanes = mode === 'strict' ? 1 : LANES;
    const base = this.#knownBase(append) ?? (await findBaseVersion(this.ctx, append));
    if (base.kind === 'done') return base.result;
    const now = Date.now();
    return new Promise<AppendResult>((resolve, reject) => {
      this.#queue.push({
        append,
        baseVersion: base.version,
        startedAt: now,
        deadline: now + timeoutMs,
        attempts: 0,
        pauses: 0,
        notBefore: now,
        alone: false,
        lastError: undefined,
        resolve,
        reject,
      });
      this.#pump();
    });
  }

  #pump(): void {
    const maxInFlight = this.ctx.groupCommit ? this.#lanes : Number.POSITIVE_INFINITY;
    while (this.#inFlight < maxInFlight) {
      const batch = this.#take();
      if (batch.length === 0) break;
      this.#inFlight++;
      const streams = batch.map((p) => p.append.streamId);
      for (const s of streams) this.#busy.set(s, (this.#busy.get(s) ?? 0) + 1);
      void commitBatch(this.ctx, batch)
        .then((outcome) => this.#settle(outcome))
        .finally(() => {
          this.#inFlight--;
          for (const s of streams) {
            const left = (this.#busy.get(s) ?? 1) - 1;
            if (left > 0) this.#busy.set(s, left);
            else this.#busy.delete(s);
          }
          this.#pump();
        });
    }
    if (this.#inFlight < maxInFlight) this.#wakeForPaused();
  }

  /** The next transaction's members, in arrival order, as many as fit. */
  #take(): Pending[] {
    const now = Date.now();
    const batch: Pending[] = [];
    const streams = new Set<string>();
    let actions = 1;
    let bytes = TRANSACTION_OVERHEAD_BYTES;
    for (let i = 0; i < this.#queue.length; ) {
      const pending = this.#queue[i] as Pending;
      const size = 1 + pending.append.events.length;
      const fits =
        pending.notBefore <= now &&
        !streams.has(pending.append.streamId) &&
        !(this.ctx.groupCommit && this.#busy.has(pending.append.streamId)) &&
        actions + size <= Limits.transactionActions &&
        bytes + pending.append.bytes <= Limits.transactionBytes &&
        !(pending.alone && batch.length > 0);
      if (!fits) {
        i++;
        continue;
      }
      this.#queue.splice(i, 1);
      this.#startFromKnown(pending);
      batch.push(pending);
      streams.add(pending.append.streamId);
      actions += size;
      bytes += pending.append.bytes;
      if (pending.alone || !this.ctx.groupCommit) break;
    }
    return batch;
  }

  /**
   * An `any` append to a stream this store committed to last starts there,
   * without reading the stream first: the read would find the same version,
   * and its other finding (the stream ends with this very append, a retry)
   * cannot hold unless this append's last event ends that commit, which is
   * then read as usual. If another writer moved the stream since, the head
   * refuses and the refusal reads the stream, as for any stale base.
   */
  #knownBase({ streamId, expectedVersion, events }: PreparedAppend): BaseVersion | undefined {
    if (expectedVersion !== 'any' && expectedVersion !== 'stream_exists') return undefined;
    const known = this.#known.get(streamId);
    if (known === undefined || known.version === 0) return undefined;
    if (known.lastEventId === events.at(-1)?.eventId) return undefined;
    return { kind: 'base', version: known.version };
  }

  /** An `any` append starts at least where this store's own last commit left its stream. */
  #startFromKnown(pending: Pending): void {
    const { expectedVersion, streamId } = pending.append;
    if (expectedVersion !== 'any' && expectedVersion !== 'stream_exists') return;
    const known = this.#known.get(streamId);
    if (known === undefined || known.version <= pending.baseVersion) return;
    // A commit that ended with this append's last event may be this append (a retry racing its
    // first try): keep the old base, so the head refuses it and the stream is looked at again.
    if (known.lastEventId === pending.append.events.at(-1)?.eventId) return;
    pending.baseVersion = known.version;
  }

  #settle(outcome: BatchOutcome): void {
    for (const { pending, result } of outcome.committed) {
      this.#remember(pending.append.streamId, {
        version: result.nextExpectedVersion,
        lastEventId: result.events.at(-1)?.eventId,
      });
      pending.resolve(result);
    }
    for (const { pending, error } of outcome.failed) pending.reject(error);
    for (const requeue of outcome.requeue) this.#requeue(requeue);
  }

  #remember(streamId: string, known: { version: number; lastEventId: string | undefined }): void {
    this.#known.delete(streamId);
    this.#known.set(streamId, known);
    if (this.#known.size > KNOWN_VERSIONS_MAX) {
      const oldest = this.#known.keys().next().value;
      if (oldest !== undefined) this.#known.delete(oldest);
    }
  }

  #requeue({ pending, pause, refreshBase, alone }: Requeue): void {
    const now = Date.now();
    if (alone) pending.alone = true;
    const delay = pause ? backoffDelay(++pending.pauses, this.ctx.retry) : 0;
    if (now + delay > pending.deadline || pending.attempts >= this.ctx.retry.maxAttempts) {
      pending.reject(
        new ContentionRetriesExhaustedError(pending.append.streamId, pending.attempts, {
          cause: pending.lastError,
          elapsedMs: now - pending.startedAt,
        }),
      );
      return;
    }
    pending.notBefore = now + delay;
    if (!refreshBase) {
      this.#queue.push(pending);
      return;
    }
    // The outcome of its last transaction is unknown: look again where the stream is.
    findBaseVersion(this.ctx, pending.append).then(
      (base) => {
        if (base.kind === 'done') return pending.resolve(base.result);
        pending.baseVersion = base.version;
        this.#queue.push(pending);
        this.#pump();
      },
      (error: unknown) => pending.reject(error),
    );
  }

  #wakeForPaused(): void {
    if (this.#timer || this.#queue.length === 0) return;
    const next = Math.min(...this.#queue.map((p) => p.notBefore));
    const delay = Math.max(0, next - Date.now());
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#pump();
    }, delay);
  }
}
