import { Presets, SingleBar } from 'cli-progress';
import type { Output } from './output.js';

export interface Progress {
  /** `done` of `total` so far. */
  update(done: number, total?: number): void;
  stop(): void;
}

/**
 * A progress bar on stderr (done of total, rate, time left), only when a
 * person watches a terminal: in a pipe, a file or with --json it draws nothing.
 */
export function startProgress(out: Output, unit: string, total: number): Progress {
  if (!out.showsProgress) return { update: () => {}, stop: () => {} };
  const bar = new SingleBar(
    {
      format: `{bar} {percentage}% | {value}/{total} ${unit} | {rate}/s | {eta_formatted} left`,
      stream: out.stderr,
      hideCursor: true,
      etaBuffer: 50,
      clearOnComplete: true,
    },
    Presets.shades_classic,
  );
  const started = Date.now();
  let first: number | undefined;
  bar.start(Math.max(total, 1), 0, { rate: 0 });
  return {
    update(done, newTotal) {
      first ??= done;
      if (newTotal !== undefined) bar.setTotal(Math.max(newTotal, done, 1));
      const seconds = (Date.now() - started) / 1000;
      bar.update(done, { rate: seconds > 0 ? Math.round((done - first) / seconds) : 0 });
    },
    stop: () => bar.stop(),
  };
}

/** `1.2 s`, `3 min 4 s`. */
export function duration(ms: number): string {
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}
