/**
 * Takes turns in arrival order, one holder at a time. A turn ends when its
 * holder releases it or its lease runs out, whichever comes first: the lease
 * keeps one stuck holder from stalling the rest, which is safe because turns
 * only avoid needless conflicts; correctness comes from DynamoDB's conditions.
 */
export class Turns {
  #tail: Promise<void> = Promise.resolve();

  constructor(private readonly leaseMs: number) {}

  /** Resolves when it is the caller's turn, with the function that ends it. */
  async take(): Promise<() => void> {
    let end!: () => void;
    const ended = new Promise<void>((resolve) => {
      end = resolve;
    });
    const previous = this.#tail;
    this.#tail = previous.then(() => ended);
    await previous;
    const lease = setTimeout(end, this.leaseMs);
    lease.unref();
    return () => {
      clearTimeout(lease);
      end();
    };
  }
}
