import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Items held by in-flight transactions. The real service lets one
 * transaction at a time hold an item; another transaction touching it is
 * cancelled and a plain write to it fails (nothing waits for the holder).
 */
export class ItemLocks {
  readonly #held = new Set<string>();

  /** The indexes in `items` that are held now. */
  heldAmong(items: readonly (string | undefined)[]): Set<number> {
    const held = new Set<number>();
    items.forEach((item, i) => {
      if (item !== undefined && this.#held.has(item)) held.add(i);
    });
    return held;
  }

  /** Holds `items` (none of them held: check first) until the returned release is called. */
  hold(items: readonly (string | undefined)[]): () => void {
    const taken = [...new Set(items)].filter((item): item is string => item !== undefined);
    for (const item of taken) this.#held.add(item);
    return () => {
      for (const item of taken) this.#held.delete(item);
    };
  }

  get size(): number {
    return this.#held.size;
  }
}

/**
 * Plain writes to one item queue instead of conflicting: the item takes one
 * write per `minHoldMs` (about 1 ms on the real service, ~1,000 writes/s per
 * item). Each write goes on to DynamoDB Local as soon as its turn comes,
 * without waiting for the one before to be answered: DynamoDB Local's time
 * under load is shared by every item, while the real service's partition
 * pipelines the writes of one item, so waiting for the answer would make one
 * busy item as slow as this machine, not as slow as the service.
 */
const PRUNE_ABOVE = 10_000;

export class ItemWriteQueue {
  readonly #nextTurn = new Map<string, number>();

  async run<T>(item: string, minHoldMs: number, write: () => Promise<T>): Promise<T> {
    const now = performance.now();
    const turn = Math.max(now, this.#nextTurn.get(item) ?? 0);
    this.#nextTurn.set(item, turn + minHoldMs);
    if (this.#nextTurn.size > PRUNE_ABOVE) this.#prune(now);
    if (turn > now) await sleep(turn - now);
    return write();
  }

  /** Forgets items whose next turn has come: they are free. */
  #prune(now: number): void {
    for (const [item, next] of this.#nextTurn) if (next <= now) this.#nextTurn.delete(item);
  }
}
