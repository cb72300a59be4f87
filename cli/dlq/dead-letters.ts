import { Keys } from '../../src/table.js';

/** An event a dead-lettered record was about, to be read again from the store. */
export interface EventKey {
  streamId: string;
  version: number;
}

/**
 * One batch (or record) a stream processor gave up on. Locally a line of its
 * dead-letter file (the record itself); on AWS an SQS message holding the
 * batch's coordinates (shard, first and last sequence number).
 */
export interface DeadLetter {
  id: string;
  consumer: string;
  /** When it was dead-lettered. */
  at: string;
  attempts: number | undefined;
  /** Where its records sat in the events table's stream. */
  coordinates: string;
  /** The events its records are about. */
  events(): Promise<EventKey[]>;
}

/** Where a deployment keeps its dead letters: the local runtime's files, or SQS queues. */
export interface DeadLetterQueue {
  list(consumer?: string): Promise<DeadLetter[]>;
  /** Deletes these letters: their records were applied again. */
  remove(consumer: string, letters: readonly DeadLetter[]): Promise<void>;
}

/** The event an events-table key names; undefined for a head, slot or counter item. */
export function eventKeyOf(pk: unknown, sk: unknown): EventKey | undefined {
  const streamPrefix = Keys.streamPk('');
  if (typeof pk !== 'string' || typeof sk !== 'string') return undefined;
  if (!pk.startsWith(streamPrefix) || !Keys.isEventSk(sk)) return undefined;
  return {
    streamId: pk.slice(streamPrefix.length),
    version: Number(sk.slice(Keys.versionPrefix.length)),
  };
}
