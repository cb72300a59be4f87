import { createHash } from 'node:crypto';
import {
  appendFileSync,
  existsSync,
  readdirSync,
  readFileSync,
  renameSync,
  unlinkSync,
} from 'node:fs';
import { join } from 'node:path';
import type { DeadLetter, DeadLetterQueue, EventKey } from './dead-letters.js';
import { eventKeyOf } from './dead-letters.js';

const SUFFIX = '.dead-letters.jsonl';
/** A file being settled by `remove`; one left by a crash is read and settled again. */
const CLAIM = '.redrive-';

/**
 * The local runtime's dead letters: the stream poller appends a line per
 * failed record to `<data>/streams/<events table>.<consumer>.dead-letters.jsonl`
 * (local/streams/delivery.ts), the record itself inside.
 */
export class LocalDeadLetters implements DeadLetterQueue {
  readonly #dir: string;

  constructor(
    dataDir: string,
    readonly eventsTable: string,
  ) {
    this.#dir = join(dataDir, 'streams');
  }

  async list(consumer?: string): Promise<DeadLetter[]> {
    const consumers = consumer ? [consumer] : this.#consumers();
    return consumers.flatMap((name) =>
      this.#files(name).flatMap((file) => readLines(file).map((line) => toLetter(name, line))),
    );
  }

  /**
   * The live file is renamed first, so a record the poller dead-letters
   * meanwhile goes to a new file and is not lost; the lines kept are
   * appended back to it.
   */
  async remove(consumer: string, letters: readonly DeadLetter[]): Promise<void> {
    const live = this.#path(consumer);
    if (existsSync(live)) renameSync(live, `${live}${CLAIM}${process.pid}`);
    const claims = this.#files(consumer).filter((f) => f !== live);
    const drop = new Map<string, number>();
    for (const letter of letters) drop.set(letter.id, (drop.get(letter.id) ?? 0) + 1);
    const kept: string[] = [];
    for (const file of claims) {
      for (const line of readLines(file)) {
        const id = idOf(line);
        const left = drop.get(id) ?? 0;
        if (left > 0) drop.set(id, left - 1);
        else kept.push(line);
      }
    }
    if (kept.length > 0) appendFileSync(live, kept.map((line) => `${line}\n`).join(''));
    for (const file of claims) unlinkSync(file);
  }

  #path(consumer: string): string {
    return join(this.#dir, `${this.eventsTable}.${consumer}${SUFFIX}`);
  }

  #consumers(): string[] {
    if (!existsSync(this.#dir)) return [];
    const prefix = `${this.eventsTable}.`;
    const names = new Set<string>();
    for (const name of readdirSync(this.#dir)) {
      const at = name.indexOf(SUFFIX);
      if (name.startsWith(prefix) && at > prefix.length) names.add(name.slice(prefix.length, at));
    }
    return [...names].sort();
  }

  /** The live file and any claimed ones a crashed redrive left. */
  #files(consumer: string): string[] {
    if (!existsSync(this.#dir)) return [];
    const base = `${this.eventsTable}.${consumer}${SUFFIX}`;
    return readdirSync(this.#dir)
      .filter((name) => name === base || name.startsWith(`${base}${CLAIM}`))
      .map((name) => join(this.#dir, name));
  }
}

function readLines(file: string): string[] {
  try {
    return readFileSync(file, 'utf8')
      .split('\n')
      .filter((line) => line.trim() !== '');
  } catch {
    return [];
  }
}

function idOf(line: string): string {
  return createHash('sha256').update(line).digest('hex').slice(0, 16);
}

interface FileLine {
  at?: string;
  attempts?: number;
  record?: {
    dynamodb?: {
      SequenceNumber?: string;
      Keys?: Record<string, { S?: string }>;
    };
  };
}

function toLetter(consumer: string, line: string): DeadLetter {
  let parsed: FileLine = {};
  try {
    parsed = JSON.parse(line) as FileLine;
  } catch {
    // A torn line (a crash mid-append) is listed, and fails its redrive, rather than hidden.
  }
  const keys = parsed.record?.dynamodb?.Keys;
  const event = eventKeyOf(keys?.PK?.S, keys?.SK?.S);
  return {
    id: idOf(line),
    consumer,
    at: parsed.at ?? '',
    attempts: parsed.attempts,
    coordinates: `sequence ${parsed.record?.dynamodb?.SequenceNumber ?? '?'}`,
    events: async (): Promise<EventKey[]> => {
      if (!event) throw new Error(`dead letter ${idOf(line)} holds no event record`);
      return [event];
    },
  };
}
