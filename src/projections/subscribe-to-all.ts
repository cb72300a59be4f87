import { z } from 'zod';
import { UndecodableEventError } from '../errors.js';
import type { EventStoreApi } from '../event-store-api.js';
import type { EventShape, UntypedEvent } from '../events/define.js';
import type { PositionedEventOf } from '../types.js';
import { describe, eventTypeSchema, parse, wholeNumber } from '../validation.js';
import type { ProjectionStore } from './projection-store.js';

export interface SubscribeToAllOptions<E extends EventShape = UntypedEvent> {
  /** Its registry, if any, types and decodes the events `handler` gets. */
  store: EventStoreApi<E>;
  /** Where the checkpoint (`CHECKPOINT#name`) lives. */
  checkpoints: ProjectionStore;
  /** Names the checkpoint: a subscription with the same name resumes where the last one stopped. */
  name: string;
  /** Where to start when there is no checkpoint yet. Default 1. */
  fromPosition?: number;
  /** Called once per event, in position order. Throwing stops the subscription (`done` rejects). */
  handler: (event: PositionedEventOf<E>) => Promise<void> | void;
  /** Events read (and checkpointed) at a time. Default 100. */
  batchSize?: number;
  /** Wait between reads once caught up. Default 500 ms. */
  pollIntervalMs?: number;
  /**
   * Only these event types reach the handler. The others are still read and
   * move the position and the checkpoint, so they are not read again.
   */
  eventTypes?: readonly string[];
  /**
   * Consecutive read failures after which the subscription gives up (`done`
   * rejects). Default: never: a lagging index or a throttled read is retried for
   * as long as the subscription runs, each failure reported to `onReadError`.
   */
  maxReadRetries?: number;
  /** Backoff between read retries: doubling from this... Default 100 ms. */
  retryBaseDelayMs?: number;
  /** ...up to this. Default 5000 ms. */
  retryMaxDelayMs?: number;
  /** Told of every failed read (the subscription retries it); default: nothing. */
  onReadError?: (error: unknown, attempt: number) => void;
}

export interface Subscription {
  /** Finishes the event in hand, saves the checkpoint and resolves. */
  stop(): Promise<void>;
  /**
   * Resolves after stop(); rejects when the handler throws, when a read fails
   * past `maxReadRetries`, or at once with UndecodableEventError (an event the
   * store's registry cannot read: fix the definitions, restart, and it resumes).
   */
  readonly done: Promise<void>;
  /** The last position handled or skipped by `eventTypes` (and checkpointed, once the batch ends). */
  readonly position: number;
}

const functionOf = (what: string) =>
  z.custom<unknown>((value) => typeof value === 'function', {
    error: (issue) => `must be ${what} (got ${describe(issue.input)})`,
  });

const subscribeToAllOptionsSchema = z.object(
  {
    store: z.custom<unknown>((value) => typeof value === 'object' && value !== null, {
      error: (issue) => `must be an EventStore (got ${describe(issue.input)})`,
    }),
    checkpoints: z.custom<unknown>((value) => typeof value === 'object' && value !== null, {
      error: (issue) => `must be a ProjectionStore (got ${describe(issue.input)})`,
    }),
    name: z
      .string({ error: (issue) => `must be a string (got ${describe(issue.input)})` })
      .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/, {
        error: (issue) =>
          `must be 1..128 letters, digits, '.', '_' or '-' (got ${describe(issue.input)})`,
      }),
    handler: functionOf('a function (event) => void | Promise<void>'),
    fromPosition: wholeNumber(1, Number.MAX_SAFE_INTEGER).optional(),
    batchSize: wholeNumber(1, 1000).optional(),
    pollIntervalMs: wholeNumber(0, 600_000).optional(),
    // An empty list would read the whole store to deliver nothing, as readAll says too.
    eventTypes: z
      .array(eventTypeSchema)
      .min(1, { error: 'must list at least one type (got [])' })
      .optional(),
    maxReadRetries: wholeNumber(0, Number.MAX_SAFE_INTEGER).optional(),
    retryBaseDelayMs: wholeNumber(1, 600_000).optional(),
    retryMaxDelayMs: wholeNumber(1, 600_000).optional(),
    onReadError: functionOf('a function (error, attempt) => void').optional(),
  },
  {
    error: (issue) =>
      `must be an object with store, checkpoints, name and handler (got ${describe(issue.input)})`,
  },
);

/**
 * A catch-up subscription to `$all` with a durable checkpoint. Delivery is
 * at least once: the checkpoint is saved after each batch, so a crash
 * replays at most the batch in flight. The handler must tolerate that.
 */
export function subscribeToAll<E extends EventShape = UntypedEvent>(
  options: SubscribeToAllOptions<E>,
): Subscription {
  // At the call, not in the loop: a typo must not look like a read failure that is retried.
  parse(subscribeToAllOptionsSchema, options, 'options');
  const batchSize = options.batchSize ?? 100;
  const pollIntervalMs = options.pollIntervalMs ?? 500;
  const maxReadRetries = options.maxReadRetries ?? Number.POSITIVE_INFINITY;
  const retryBaseDelayMs = options.retryBaseDelayMs ?? 100;
  const retryMaxDelayMs = options.retryMaxDelayMs ?? 5000;
  let stopping = false;
  let wake: (() => void) | undefined;
  let position = 0;
  const wanted = options.eventTypes && new Set(options.eventTypes);

  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });

  const readBatch = async (): Promise<PositionedEventOf<E>[]> => {
    for (let attempt = 0; ; attempt++) {
      try {
        const events: PositionedEventOf<E>[] = [];
        // Unfiltered: a filtered read says nothing about the positions it skipped,
        // so the position could not move past them.
        for await (const event of options.store.readAll({
          fromPosition: position + 1,
          maxCount: batchSize,
        })) {
          events.push(event);
        }
        return events;
      } catch (error) {
        // Stored data its schemas cannot read fails every retry: stop, as a throwing handler does.
        if (attempt >= maxReadRetries || stopping || error instanceof UndecodableEventError) {
          throw error;
        }
        try {
          options.onReadError?.(error, attempt + 1);
        } catch {
          // A reporting callback that throws must not end the subscription it reports on.
        }
        // Capped, so a subscription that waited out a long outage polls again within seconds.
        await pause(Math.min(retryMaxDelayMs, retryBaseDelayMs * 2 ** Math.min(attempt, 30)));
      }
    }
  };

  const run = async () => {
    const checkpoint = await options.checkpoints.getCheckpoint(options.name);
    position = checkpoint ?? (options.fromPosition ?? 1) - 1;
    let saved = position;
    try {
      while (!stopping) {
        const events = await readBatch();
        for (const event of events) {
          if (stopping) break;
          if (!wanted || wanted.has(event.type)) await options.handler(event);
          position = event.position;
        }
        if (position > saved) {
          await options.checkpoints.saveCheckpoint(options.name, position);
          saved = position;
        }
        if (events.length < batchSize && !stopping) await pause(pollIntervalMs);
      }
    } finally {
      // Keep what was handled even when the handler threw mid-batch.
      if (position > saved) await options.checkpoints.saveCheckpoint(options.name, position);
    }
  };

  const done = run();
  // `done` is for whoever wants it; nobody awaiting it must not crash the process.
  done.catch(() => {});
  return {
    stop: async () => {
      stopping = true;
      wake?.();
      await done;
    },
    done,
    get position() {
      return position;
    },
  };
}
