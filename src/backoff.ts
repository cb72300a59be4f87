import { setTimeout as sleep } from 'node:timers/promises';

export interface BackoffOptions {
  /** The ceiling of the first wait; it doubles per retry. */
  baseDelayMs: number;
  /** No wait is longer than this. */
  maxDelayMs: number;
}

/** Short waits for retries inside one call (abort markers, slot reads). */
export const quickBackoff: BackoffOptions = { baseDelayMs: 10, maxDelayMs: 500 };

/**
 * Pure: full-jitter exponential backoff before retry number `retryNumber`
 * (1-based). Full jitter spreads competing processes apart instead of
 * sending them back in step, which is what keeps retries fair between them.
 */
export function backoffDelay(
  retryNumber: number,
  options: BackoffOptions,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** (retryNumber - 1));
  return Math.floor(random() * ceiling);
}

/** Waits before retry number `retryNumber`; at most `maxMs` when given. */
export async function backoff(
  retryNumber: number,
  options: BackoffOptions = quickBackoff,
  maxMs = Number.POSITIVE_INFINITY,
): Promise<void> {
  await sleep(Math.min(maxMs, backoffDelay(retryNumber, options)));
}
