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
 * Plain writes to one item queue instead of conflicting: each takes the item
 * for at least `minHoldMs` (about 1 ms on the real service, ~1,000 writes/s
 * per item) and for as long as its write runs.
 */
export class ItemWriteQueue {
  readonly #tails = new Map<string, Promise<void>>();

  async run<T>(item: string, minHoldMs: number, write: () => Promise<T>): Promise<T> {
    const previous = this.#tails.get(item) ?? Promise.resolve();
    let release!: () => void;
    const mine = new Promise<void>((resolve) => {
      release = resolve;
    });
    const tail = previous.then(() => mine);
    this.#tails.set(item, tail);
    await previous;
    const started = performance.now();
    try {
      return await write();
    } finally {
      // The reply goes back at once; the next write waits out the rest of the slot.
      const rest = started + minHoldMs - performance.now();
      (rest > 0 ? sleep(rest) : Promise.resolve()).then(() => {
        release();
        if (this.#tails.get(item) === tail) this.#tails.delete(item);
      });
    }
  }
}
