import { backoffDelay } from '../backoff.js';
import { ContentionRetriesExhaustedError, WrongExpectedVersionError } from '../errors.js';
import type { AppendQueue, StoreContext } from '../store-context.js';
import { Limits } from '../table.js';
import type { AppendResult } from '../types.js';
import { type BaseVersion, findOutcome } from './base-version.js';
import { type BatchOutcome, commitBatch } from './commit-batch.js';
import { HeadLookups } from './head-lookups.js';
import type { Pending, PendingGroup, Requeue } from './pending.js';
import { type PreparedAppend, TRANSACTION_OVERHEAD_BYTES } from './validate-append.js';

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
  /** True while the next batch waits for appends about to queue (see #resumeAfter). */
  #held = false;

  readonly #lookups: HeadLookups;

  constructor(private readonly ctx: StoreContext) {
    this.#lookups = new HeadLookups(ctx);
  }

  async submit(append: PreparedAppend, timeoutMs: number): Promise<AppendResult> {
    await this.#setLanes();
    const base = this.#knownBase(append) ?? (await this.#lookups.base(append, timeoutMs));
    if (base.kind === 'done') return base.result;
    return new Promise<AppendResult>((resolve, reject) => {
      this.#queue.push(newPending(append, base.version, Date.now(), timeoutMs, resolve, reject));
      this.#pump();
    });
  }

  /**
   * Appends to several streams in one transaction, all or nothing. The group
   * is one member of group commit: it may share its transaction with other
   * appends, but its own appends are never split over two.
   */
  async submitGroup(
    appends: readonly PreparedAppend[],
    timeoutMs: number,
  ): Promise<AppendResult[]> {
    await this.#setLanes();
    const bases = await Promise.all(appends.map((a) => this.#lookups.base(a, timeoutMs)));
    const done = bases.flatMap((b) => (b.kind === 'done' ? [b.result] : []));
    if (done.length === appends.length) return done;
    const [found] = done;
    if (found) {
      // One stream ends with its events, another does not: not a retry of this whole group.
      const append = appends.find((a) => a.streamId === found.streamId) as PreparedAppend;
      throw new WrongExpectedVersionError(
        found.streamId,
        append.expectedVersion,
        found.nextExpectedVersion,
      );
    }
    const now = Date.now();
    return new Promise<AppendResult[]>((resolve, reject) => {
      let settled = false;
      const members: Pending[] = [];
      const group: PendingGroup = {
        members,
        resolve: (results) => {
          if (!settled) resolve(results);
          settled = true;
        },
        reject: (error) => {
          if (!settled) reject(error);
          settled = true;
        },
      };
      appends.forEach((append, i) => {
        const base = bases[i] as { version: number };
        members.push(
          newPending(append, base.version, now, timeoutMs, () => {}, group.reject, group),
        );
      });
      this.#queue.push(...members);
      this.#pump();
    });
  }

  async #setLanes(): Promise<void> {
    const { mode } = await this.ctx.positions.strategy();
    this.#lanes = mode === 'strict' ? 1 : LANES;
  }

  /**
   * Holds the next batch until `wait` settles and the turn of the event loop
   * after it has run, then pumps. Two kinds of appends are about to queue:
   * - after a transaction, the next appends of the callers it answered (in
   *   the continuations of those answers). Taken at once, the first went
   *   alone and the rest waited a whole transaction: 16 exact writers in
   *   strict mode sent 1 and 15 appends in turn, now 16;
   * - while a lane is free, the appends of this store whose stream heads are
   *   being read, one round trip away: the lane waits for them (at most
   *   about one read's round trip, HeadLookups.arriving) rather than
   *   send a small transaction without them. 16 `'any'` writers in strict
   *   mode went from about 5 appends per transaction to 16.
   * No timer otherwise: a lone caller waits at most for the end of the turn.
   */
  #resumeAfter(wait: Promise<void>, thenWaitForReads: boolean): void {
    this.#held = true;
    void wait
      .then(() => new Promise<void>((resolve) => setImmediate(resolve)))
      .finally(() => {
        this.#held = false;
        this.#pump(thenWaitForReads);
      });
  }

  #pump(waitForReads = true): void {
    if (this.#held) return;
    const maxInFlight = this.ctx.groupCommit ? this.#lanes : Number.POSITIVE_INFINITY;
    if (waitForReads && this.ctx.groupCommit && this.#inFlight < maxInFlight) {
      const arriving = this.#queue.length > 0 ? this.#lookups.arriving() : undefined;
      if (arriving) {
        this.#resumeAfter(arriving, false);
        return;
      }
    }
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
          this.#resumeAfter(Promise.resolve(), true);
        });
    }
    if (this.#inFlight < maxInFlight) this.#wakeForPaused();
  }

  /**
   * The next transaction's members, in arrival order, as many as fit. A
   * group goes whole or waits.
   */
  #take(): Pending[] {
    const now = Date.now();
    const batch: Pending[] = [];
    const streams = new Set<string>();
    let actions = 1;
    let bytes = TRANSACTION_OVERHEAD_BYTES;
    for (let i = 0; i < this.#queue.length; ) {
      const pending = this.#queue[i] as Pending;
      const unit = pending.group?.members ?? [pending];
      const size = unit.reduce((n, p) => n + 1 + p.append.events.length, 0);
      const unitBytes = unit.reduce((n, p) => n + p.append.bytes, 0);
      const alone = unit.some((p) => p.alone);
      const fits =
        unit.every(
          (p) =>
            p.notBefore <= now &&
            this.#queue.includes(p) &&
            !streams.has(p.append.streamId) &&
            !(this.ctx.groupCommit && this.#busy.has(p.append.streamId)),
        ) &&
        actions + size <= Limits.transactionActions &&
        bytes + unitBytes <= Limits.transactionBytes &&
        !(alone && batch.length > 0);
      if (!fits) {
        i++;
        continue;
      }
      // The unit's first member is the one at i; the others (if any) come after it.
      for (const member of unit) this.#queue.splice(this.#queue.indexOf(member), 1);
      for (const member of unit) {
        this.#startFromKnown(member);
        batch.push(member);
        streams.add(member.append.streamId);
      }
      actions += size;
      bytes += unitBytes;
      if (alone || !this.ctx.groupCommit) break;
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
    const groups = new Map<PendingGroup, BatchOutcome>();
    const ofGroup = (pending: Pending) => {
      if (!pending.group) return undefined;
      let entries = groups.get(pending.group);
      if (!entries) {
        entries = { committed: [], failed: [], requeue: [] };
        groups.set(pending.group, entries);
      }
      return entries;
    };
    for (const entry of outcome.committed) {
      const grouped = ofGroup(entry.pending);
      if (grouped) grouped.committed.push(entry);
      else this.#commitOne(entry.pending, entry.result);
    }
    for (const entry of outcome.failed) {
      const grouped = ofGroup(entry.pending);
      if (grouped) grouped.failed.push(entry);
      else entry.pending.reject(entry.error);
    }
    for (const requeue of outcome.requeue) {
      const grouped = ofGroup(requeue.pending);
      if (grouped) grouped.requeue.push(requeue);
      else this.#requeue(requeue);
    }
    for (const [group, entries] of groups) this.#settleGroup(group, entries);
  }

  #commitOne(pending: Pending, result: AppendResult): void {
    this.#remember(pending.append.streamId, {
      version: result.nextExpectedVersion,
      lastEventId: result.events.at(-1)?.eventId,
    });
    pending.resolve(result);
  }

  /**
   * A group is settled as one: committed when every member is (its
   * transaction committed, or each found its events already stored), failed
   * when any member failed (its transaction did not commit, so nothing of the
   * group is written), otherwise queued again whole.
   */
  #settleGroup(group: PendingGroup, entries: BatchOutcome): void {
    const [failure] = entries.failed;
    if (failure) {
      group.reject(failure.error);
      return;
    }
    if (entries.committed.length === group.members.length) {
      const results = group.members.map((member) => {
        const entry = entries.committed.find((c) => c.pending === member) as {
          result: AppendResult;
        };
        this.#remember(member.append.streamId, {
          version: entry.result.nextExpectedVersion,
          lastEventId: entry.result.events.at(-1)?.eventId,
        });
        return entry.result;
      });
      group.resolve(results);
      return;
    }
    this.#requeueGroup(group, entries.requeue);
  }

  #requeueGroup(group: PendingGroup, requeues: readonly Requeue[]): void {
    const members = group.members;
    const refresh = requeues.filter((r) => r.refreshBase).map((r) => r.pending);
    if (refresh.length === 0) {
      this.#retryGroup(group, requeues);
      return;
    }
    // The outcome of its last transaction is unknown: look where each stream is first, also when
    // the budget is spent, so a group that committed is never answered "nothing written".
    Promise.all(refresh.map((m) => findOutcome(this.ctx, m.append, m.baseVersion))).then(
      (bases) => {
        const results = bases.flatMap((b) => (b.kind === 'done' ? [b.result] : []));
        if (results.length === members.length) {
          return group.resolve(
            members.map(
              (m) => results.find((r) => r.streamId === m.append.streamId) as AppendResult,
            ),
          );
        }
        bases.forEach((base, i) => {
          // A member found committed keeps its base: its head refuses it, and the stream is looked at again.
          if (base.kind === 'base') (refresh[i] as Pending).baseVersion = base.version;
        });
        if (this.#retryGroup(group, requeues)) this.#pump();
      },
      (error: unknown) => group.reject(error),
    );
  }

  /** Queues the group again after its backoff, or fails it when its budget is spent; true if queued. */
  #retryGroup(group: PendingGroup, requeues: readonly Requeue[]): boolean {
    const now = Date.now();
    const members = group.members;
    const lead = members[0] as Pending;
    const pause = requeues.some((r) => r.pause);
    const delay = pause
      ? backoffDelay(Math.max(...members.map((m) => ++m.pauses)), this.ctx.retry)
      : 0;
    const attempts = Math.max(...members.map((m) => m.attempts));
    if (now + delay > lead.deadline || attempts >= this.ctx.retry.maxAttempts) {
      const lastError = members.find((m) => m.lastError !== undefined)?.lastError;
      group.reject(
        new ContentionRetriesExhaustedError(
          members.map((m) => m.append.streamId).join("', '"),
          attempts,
          {
            cause: lastError,
            elapsedMs: now - lead.startedAt,
          },
        ),
      );
      return false;
    }
    const alone = requeues.some((r) => r.alone);
    for (const member of members) {
      member.notBefore = now + delay;
      if (alone) member.alone = true;
    }
    this.#queue.push(...members);
    return true;
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
    if (alone) pending.alone = true;
    if (!refreshBase) {
      this.#retryLater(pending, pause);
      return;
    }
    // The outcome of its last transaction is unknown: look where its events would be before
    // anything else, so a commit whose reply was lost is answered as committed, also on the
    // last allowed try and after other writers appended to the stream.
    findOutcome(this.ctx, pending.append, pending.baseVersion).then(
      (outcome) => {
        if (outcome.kind === 'done') return pending.resolve(outcome.result);
        pending.baseVersion = outcome.version;
        this.#retryLater(pending, pause);
        this.#pump();
      },
      (error: unknown) => pending.reject(error),
    );
  }

  /** Back in the queue after its pause, unless that would pass its deadline or its tries. */
  #retryLater(pending: Pending, pause: boolean): void {
    const now = Date.now();
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
    this.#queue.push(pending);
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

function newPending(
  append: PreparedAppend,
  baseVersion: number,
  now: number,
  timeoutMs: number,
  resolve: (result: AppendResult) => void,
  reject: (error: unknown) => void,
  group?: PendingGroup,
): Pending {
  return {
    append,
    baseVersion,
    startedAt: now,
    deadline: now + timeoutMs,
    attempts: 0,
    pauses: 0,
    notBefore: now,
    alone: false,
    lastError: undefined,
    ...(group && { group }),
    resolve,
    reject,
  };
}
