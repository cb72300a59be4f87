import type { ThrottleError } from './error-shapes.js';

export interface FaultOptions {
  /** Probability (0..1) that a request is throttled: it does not run, and fails with `throttleError`. Default 0. */
  throttleRate?: number;
  /** Also throttle the next this many requests (that `throttleOperations` lets through). Default 0. */
  throttleCount?: number;
  /** Default 'ThrottlingException'. */
  throttleError?: ThrottleError;
  /** Operations that may be throttled, e.g. ['TransactWriteItems']. Default: all. */
  throttleOperations?: readonly string[];
  /** Probability (0..1) that a request runs on DynamoDB Local and then its connection is reset instead of replying. Default 0. */
  lostReplyRate?: number;
  /** Also lose the replies of the next this many requests (that `lostReplyOperations` lets through). Default 0. */
  lostReplyCount?: number;
  /** Operations whose replies may be lost. Default: all. */
  lostReplyOperations?: readonly string[];
  /** Seed of the fault dice: the same seed gives the same sequence of decisions. Default: random. */
  seed?: number;
}

/** Decides, request by request, which fault (if any) it gets. */
export class Faults {
  #options: FaultOptions = {};
  #throttlesLeft = 0;
  #lostRepliesLeft = 0;
  #random: () => number = Math.random;

  constructor(options: FaultOptions) {
    this.configure(options);
  }

  /** Replaces the settings given; counts start again from the values given. */
  configure(options: FaultOptions): void {
    this.#options = { ...this.#options, ...options };
    if (options.throttleCount !== undefined) this.#throttlesLeft = options.throttleCount;
    if (options.lostReplyCount !== undefined) this.#lostRepliesLeft = options.lostReplyCount;
    if (options.seed !== undefined) this.#random = seededRandom(options.seed);
  }

  get throttleError(): ThrottleError {
    return this.#options.throttleError ?? 'ThrottlingException';
  }

  /** Asked when a request arrives: a throttled request does not run. */
  throttles(operation: string): boolean {
    const o = this.#options;
    if (!applies(o.throttleOperations, operation)) return false;
    if (this.#throttlesLeft > 0) {
      this.#throttlesLeft--;
      return true;
    }
    return (o.throttleRate ?? 0) > 0 && this.#random() < (o.throttleRate ?? 0);
  }

  /** Asked when a request that ran is about to be answered. */
  losesReply(operation: string): boolean {
    const o = this.#options;
    if (!applies(o.lostReplyOperations, operation)) return false;
    if (this.#lostRepliesLeft > 0) {
      this.#lostRepliesLeft--;
      return true;
    }
    return (o.lostReplyRate ?? 0) > 0 && this.#random() < (o.lostReplyRate ?? 0);
  }
}

function applies(operations: readonly string[] | undefined, operation: string): boolean {
  return operations === undefined || operations.includes(operation);
}

/** mulberry32: small, fast, good enough to roll dice reproducibly. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
