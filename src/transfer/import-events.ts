import { ConditionalCheckFailedException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  type BatchGetCommandOutput,
  BatchWriteCommand,
  DynamoDBDocumentClient,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { backoff } from '../backoff.js';
import { dynamoCall } from '../dynamo-call.js';
import { DynamoDBFailureError, ValidationError } from '../errors.js';
import {
  createCounter,
  indexHasItems,
  layoutOf,
  readCounterItem,
  type StoreLayout,
} from '../position/counter.js';
import { buildCounterMove } from '../position/imported-positions.js';
import { Attr, Keys } from '../table.js';
import type { PositionedEvent, PositionMode } from '../types.js';
import { buildImportChunk } from './import-items.js';

export interface ImportOptions {
  client: DynamoDBClient;
  tableName: string;
  /**
   * Import into a store that already holds events: the events it already
   * holds (same id at the same stream version and position) are checked and
   * skipped, so an interrupted import of the same file resumes; every other
   * event must lie above the store's last position. Default false.
   */
  force?: boolean;
  /** The mode of a store without a counter yet (never written). Default reserved. */
  positionMode?: PositionMode;
  /** Events written per chunk; the counter moves after each. Default 100. */
  chunkSize?: number;
}

export interface ImportProgress {
  /** Events written by this import. */
  imported: number;
  /** Events the store already held (a resumed import). */
  alreadyThere: number;
  /** The last position the store now holds from the file. */
  position: number;
}

const BATCH_WRITE_MAX = 25;
const BATCH_GET_MAX = 100;

/**
 * Writes exported events into a store at their original positions, streams
 * and versions, a chunk at a time: the items, then the heads, then the counter
 * (the import's checkpoint: a failed import resumes above it). Appenders must
 * be stopped: one that slips in makes the counter move fail the import.
 */
export class EventImporter {
  readonly #doc: DynamoDBDocumentClient;
  readonly #tableName: string;
  readonly #layout: StoreLayout;
  readonly #chunkSize: number;
  /** The counter: everything at or below it is in the store. */
  #last: number;
  #previous = 0;
  #pending: PositionedEvent[] = [];
  #toVerify: PositionedEvent[] = [];
  readonly #heads = new Map<string, number>();
  readonly progress: ImportProgress;

  private constructor(options: ImportOptions, layout: StoreLayout, last: number) {
    this.#doc = DynamoDBDocumentClient.from(options.client, {
      marshallOptions: { removeUndefinedValues: true },
    });
    this.#tableName = options.tableName;
    this.#layout = layout;
    this.#chunkSize = options.chunkSize ?? 100;
    this.#last = last;
    this.progress = { imported: 0, alreadyThere: 0, position: last };
  }

  /** Checks the target: an empty store (or `force`), in a mode that keeps given positions. */
  static async open(options: ImportOptions): Promise<EventImporter> {
    const doc = DynamoDBDocumentClient.from(options.client);
    const { tableName } = options;
    const counter =
      (await readCounterItem(doc, tableName)) ??
      (await createCounter(doc, tableName, options.positionMode ?? 'reserved'));
    const layout = layoutOf(counter);
    if (layout.mode === 'sequenced') {
      throw new ValidationError(
        `table '${tableName}'`,
        "is a sequenced store: its sequencer hands out positions, so an import cannot keep the exported ones; import into a store set up in 'reserved' or 'strict' mode",
      );
    }
    const last = Number(counter[Attr.position] ?? 0);
    if (!options.force && (last > 0 || (await indexHasItems(doc, tableName)))) {
      throw new ValidationError(
        `table '${tableName}'`,
        `already holds events (up to position ${last}): import into an empty store, or pass --force to check and skip the events it already holds and add those above position ${last} (resumes an interrupted import)`,
      );
    }
    return new EventImporter(options, layout, last);
  }

  /** Takes the next event of the file, in position order. */
  async add(event: PositionedEvent): Promise<void> {
    if (event.position <= this.#previous) {
      throw new ValidationError(
        `event at position ${event.position}`,
        `comes after position ${this.#previous}: an export lists events in increasing position order`,
      );
    }
    this.#previous = event.position;
    if (event.position <= this.#last) {
      this.#toVerify.push(event);
      if (this.#toVerify.length >= BATCH_GET_MAX) await this.#verify();
      return;
    }
    await this.#verify();
    const before = this.#pending.at(-1);
    // A chunk ends between appends, never inside one: an append's events share its range.
    const newAppend =
      before === undefined ||
      before.streamId !== event.streamId ||
      before.createdAt !== event.createdAt ||
      before.position + 1 !== event.position;
    if (this.#pending.length >= this.#chunkSize && newAppend) await this.#flush();
    this.#pending.push(event);
  }

  async finish(): Promise<ImportProgress> {
    await this.#verify();
    await this.#flush();
    return { ...this.progress };
  }

  /** Events at or below the counter must be the very ones the store holds. */
  async #verify(): Promise<void> {
    if (this.#toVerify.length === 0) return;
    const events = this.#toVerify;
    this.#toVerify = [];
    const stored = await this.#batchGet(
      events.map((e) => ({
        [Attr.pk]: Keys.streamPk(e.streamId),
        [Attr.sk]: Keys.versionSk(e.version),
      })),
    );
    for (const event of events) {
      const item = stored.get(`${Keys.streamPk(event.streamId)}|${Keys.versionSk(event.version)}`);
      if (
        item?.[Attr.eventId] !== event.eventId ||
        Number(item?.[Attr.position]) !== event.position
      ) {
        throw new ValidationError(
          `event ${event.eventId} ('${event.streamId}' version ${event.version}, position ${event.position})`,
          `is at or below the store's last position ${this.#last}, but the store ${item ? `holds event ${String(item[Attr.eventId])} at position ${String(item[Attr.position])} there` : 'does not hold it'}: this is not an interrupted import of the same history`,
        );
      }
      this.#heads.set(event.streamId, event.version);
      this.progress.alreadyThere++;
    }
  }

  async #flush(): Promise<void> {
    if (this.#pending.length === 0) return;
    const events = this.#pending;
    await this.#checkVersions(events);
    const writes = buildImportChunk(this.#tableName, this.#layout, this.#last, events);
    for (let i = 0; i < writes.items.length; i += BATCH_WRITE_MAX) {
      await this.#batchWrite(writes.items.slice(i, i + BATCH_WRITE_MAX));
    }
    await Promise.all(
      writes.heads.map((head) =>
        dynamoCall('UpdateItem of an imported stream head', () =>
          this.#doc.send(new UpdateCommand(head)),
        ).catch((error: unknown) => {
          // A head already at this version: the chunk was written before, by an import that died.
          if ((error as { cause?: unknown }).cause instanceof ConditionalCheckFailedException)
            return;
          throw error;
        }),
      ),
    );
    try {
      await this.#doc.send(
        new UpdateCommand(buildCounterMove(this.#tableName, this.#last, writes.through)),
      );
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) {
        throw new ValidationError(
          `table '${this.#tableName}'`,
          `had its position counter moved away from ${this.#last} during the import: another process appends to it; stop it, then run the import again with --force`,
        );
      }
      throw new DynamoDBFailureError('UpdateItem of the position counter after an imported chunk', {
        cause: error,
      });
    }
    for (const event of events) this.#heads.set(event.streamId, event.version);
    this.#last = writes.through;
    this.#pending = [];
    this.progress.imported += events.length;
    this.progress.position = writes.through;
  }

  /**
   * Each stream's events must continue the version the store holds. The
   * events are checked rather than the head: an import that died after a
   * chunk's heads but before its counter left heads ahead of the counter.
   */
  async #checkVersions(events: readonly PositionedEvent[]): Promise<void> {
    const firsts = new Map<string, PositionedEvent>();
    for (const event of events) {
      if (!this.#heads.has(event.streamId) && !firsts.has(event.streamId)) {
        firsts.set(event.streamId, event);
      }
    }
    const key = (streamId: string, version: number) => ({
      [Attr.pk]: Keys.streamPk(streamId),
      [Attr.sk]: Keys.versionSk(version),
    });
    const stored = await this.#batchGet(
      [...firsts.values()].flatMap((e) => [
        key(e.streamId, e.version),
        ...(e.version > 1 ? [key(e.streamId, e.version - 1)] : []),
      ]),
    );
    const at = (streamId: string, version: number) =>
      stored.get(`${Keys.streamPk(streamId)}|${Keys.versionSk(version)}`);
    const versions = new Map(this.#heads);
    for (const event of events) {
      const where = `event ${event.eventId} ('${event.streamId}' version ${event.version}, position ${event.position})`;
      const known = versions.get(event.streamId);
      if (known === undefined) {
        if (event.version > 1 && !at(event.streamId, event.version - 1)) {
          throw new ValidationError(
            where,
            `does not continue the stream: the store does not hold its version ${event.version - 1}; import the export that holds the stream's earlier events first`,
          );
        }
        const there = at(event.streamId, event.version);
        if (there && there[Attr.eventId] !== event.eventId) {
          throw new ValidationError(
            where,
            `cannot be imported: the store holds another event (${String(there[Attr.eventId])}) at that version`,
          );
        }
      } else if (event.version !== known + 1) {
        throw new ValidationError(
          where,
          `does not continue the stream: the version before it in the file or the store is ${known}`,
        );
      }
      versions.set(event.streamId, event.version);
    }
  }

  /** Items by `PK|SK`. */
  async #batchGet(keys: Record<string, string>[]): Promise<Map<string, Record<string, unknown>>> {
    const found = new Map<string, Record<string, unknown>>();
    for (let i = 0; i < keys.length; i += BATCH_GET_MAX) {
      let pending: Record<string, unknown>[] | undefined = keys.slice(i, i + BATCH_GET_MAX);
      for (let attempt = 0; pending && pending.length > 0; attempt++) {
        if (attempt > 0) await backoff(attempt);
        const request: Record<string, unknown>[] = pending;
        const result: BatchGetCommandOutput = await dynamoCall(
          'BatchGetItem during an import',
          () =>
            this.#doc.send(
              new BatchGetCommand({
                RequestItems: { [this.#tableName]: { Keys: request, ConsistentRead: true } },
              }),
            ),
        );
        for (const item of result.Responses?.[this.#tableName] ?? []) {
          found.set(`${String(item[Attr.pk])}|${String(item[Attr.sk])}`, item);
        }
        pending = result.UnprocessedKeys?.[this.#tableName]?.Keys;
      }
    }
    return found;
  }

  async #batchWrite(items: Record<string, unknown>[]): Promise<void> {
    let pending = items.map((Item) => ({ PutRequest: { Item } }));
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt > 0) await backoff(attempt);
      const request = pending;
      const result = await dynamoCall('BatchWriteItem of imported events', () =>
        this.#doc.send(new BatchWriteCommand({ RequestItems: { [this.#tableName]: request } })),
      );
      pending = (result.UnprocessedItems?.[this.#tableName] ?? []) as typeof pending;
    }
  }
}
