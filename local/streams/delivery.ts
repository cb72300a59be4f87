import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { DynamoDBRecord } from 'aws-lambda';
import type { StreamHandler } from '../../lambdas/stream/partial-batch.js';
import { toStreamEvent } from './lambda-event.js';

export interface DeliveryOptions {
  consumer: string;
  handler: StreamHandler;
  /** Retries after the first attempt before the failed records go to the dead-letter file. */
  maxRetries: number;
  /** Backoff base; doubles per retry. */
  retryDelayMs: number;
  /** JSON lines; undefined = log only. */
  deadLetterPath: string | undefined;
  log: (line: string) => void;
  signal: AbortSignal;
}

/**
 * Invokes the handler the way a Lambda event source mapping with
 * ReportBatchItemFailures does: on failures, retry from the first failed
 * record (so later records may be seen twice); a thrown error or an unknown
 * item identifier fails the whole batch. Retries are bounded, then the
 * records that still fail are written to the dead-letter file and skipped.
 */
export async function deliver(
  records: DynamoDBRecord[],
  options: DeliveryOptions,
): Promise<'done' | 'stopped'> {
  let pending = records;
  for (let attempt = 0; ; attempt++) {
    const failed = await invoke(pending, options);
    if (failed.length === 0) return 'done';
    // Stopping mid-retry keeps the records for the next start instead of dead-lettering them.
    if (options.signal.aborted) return 'stopped';
    if (attempt >= options.maxRetries) {
      deadLetter(failed, options, attempt + 1);
      return 'done';
    }
    pending = pending.slice(pending.indexOf(failed[0] as DynamoDBRecord));
    await sleep(options.retryDelayMs * 2 ** attempt, options.signal);
    if (options.signal.aborted) return 'stopped';
  }
}

/** Resolves after `ms`, or as soon as `signal` aborts. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

/** The records that failed, in batch order. */
async function invoke(
  records: DynamoDBRecord[],
  options: DeliveryOptions,
): Promise<DynamoDBRecord[]> {
  try {
    const response = await options.handler(toStreamEvent(records));
    const ids = new Set((response?.batchItemFailures ?? []).map((f) => f.itemIdentifier));
    const known = new Set(records.map((r) => r.dynamodb?.SequenceNumber));
    // Lambda treats an identifier it cannot place as a failure of the whole batch.
    const wholeBatch = [...ids].some((id) => !id || !known.has(id));
    return records.filter((r) => wholeBatch || ids.has(r.dynamodb?.SequenceNumber ?? ''));
  } catch {
    // Powertools throws when every record failed; Lambda then retries the whole batch.
    return records;
  }
}

function deadLetter(failed: DynamoDBRecord[], options: DeliveryOptions, attempts: number): void {
  const sequences = failed.map((r) => r.dynamodb?.SequenceNumber).join(', ');
  options.log(
    `${options.consumer}: ${failed.length} record(s) still failing after ${attempts} attempt(s), skipped${
      options.deadLetterPath ? ` to ${options.deadLetterPath}` : ''
    }: ${sequences}`,
  );
  if (!options.deadLetterPath) return;
  mkdirSync(dirname(options.deadLetterPath), { recursive: true });
  const at = new Date().toISOString();
  appendFileSync(
    options.deadLetterPath,
    failed
      .map((record) => `${JSON.stringify({ consumer: options.consumer, at, attempts, record })}\n`)
      .join(''),
  );
}
