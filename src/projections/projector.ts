import { InvalidDefinitionError, ProjectionFailedError, ValidationError } from '../errors.js';
import type { EventStoreApi } from '../event-store-api.js';
import type { RecordedEvent } from '../types.js';
import { documentKeyOf, invalidKeyReason, type ProjectionDefinition } from './define.js';
import { type DocumentVersion, type ProjectionDocument, streamVersions } from './documents.js';
import type { ProjectionStore } from './projection-store.js';
import { type RebuildOptions, type RebuildProgress, rebuildProjection } from './rebuild.js';

export interface ProjectorOptions {
  store: EventStoreApi;
  projectionStore: ProjectionStore;
  projections: readonly ProjectionDefinition[];
  /** Tries per document when concurrent writers keep winning the condition. Default 10. */
  maxAttempts?: number;
  /** Documents written at once. Default 8. */
  concurrency?: number;
  /**
   * While filling a gap, write the document every this many events read, so a
   * long gap (a stream's first event seen at version 500,000) that outlives one
   * invocation resumes from the last write instead of starting over. Default 5000.
   */
  gapSaveEvery?: number;
}

/** An event a projection could not apply; the stream processor fails its record. */
export interface ProjectionFailure {
  /** Index of the event in the `apply` input. */
  index: number;
  event: RecordedEvent;
  projection: string;
  key: string | undefined;
  error: unknown;
}

/**
 * An event left out because `key(event)` returned something no document can
 * be keyed by ('', over 1024 bytes, not a string). Retrying cannot fix it, so
 * it is skipped, reported here, and logged by the stream handler.
 */
export interface ProjectionSkip {
  index: number;
  event: RecordedEvent;
  projection: string;
  reason: string;
}

export interface ApplyResult {
  /** Events folded into documents, counting those read to fill gaps. */
  eventsApplied: number;
  documentsWritten: number;
  failures: ProjectionFailure[];
  skipped: ProjectionSkip[];
}

export interface ApplyOptions {
  /** Only this projection (a rebuild); default all. */
  projection?: string;
}

interface Pending {
  index: number;
  event: RecordedEvent;
}

interface Group {
  projection: ProjectionDefinition;
  key: string;
  pending: Pending[];
}

/** One document being folded: what was last written, and what is not yet. */
interface Fold {
  document: ProjectionDocument;
  /** The write `document` was read at or last written as; undefined while absent. */
  expected: DocumentVersion | undefined;
  /** Events folded (or versions moved) since the last write. */
  dirty: boolean;
  unsavedApplied: number;
}

/** Applies recorded events to projection documents: idempotent, gap-filling, one conditional write per document. */
export class Projector {
  readonly projections: readonly ProjectionDefinition[];
  readonly #store: EventStoreApi;
  readonly #documents: ProjectionStore;
  readonly #maxAttempts: number;
  readonly #concurrency: number;
  readonly #gapSaveEvery: number;

  constructor(options: ProjectorOptions) {
    const names = new Set<string>();
    for (const p of options.projections) {
      if (names.has(p.name)) {
        throw new InvalidDefinitionError('Projector', 'projections', `name '${p.name}' twice`);
      }
      names.add(p.name);
    }
    this.projections = options.projections;
    this.#store = options.store;
    this.#documents = options.projectionStore;
    this.#maxAttempts = options.maxAttempts ?? 10;
    this.#concurrency = options.concurrency ?? 8;
    this.#gapSaveEvery = options.gapSaveEvery ?? 5000;
    if (!Number.isSafeInteger(this.#gapSaveEvery) || this.#gapSaveEvery < 1) {
      throw new InvalidDefinitionError(
        'Projector',
        'gapSaveEvery',
        `must be a positive integer (got ${options.gapSaveEvery})`,
      );
    }
  }

  /**
   * Events may come duplicated, out of order and with gaps (DynamoDB Streams
   * orders records per item only): each document skips what it has and reads
   * what it misses from the stream. Never throws for one bad event or
   * document; it lists the events that failed.
   */
  async apply(events: readonly RecordedEvent[], options: ApplyOptions = {}): Promise<ApplyResult> {
    const result: ApplyResult = {
      eventsApplied: 0,
      documentsWritten: 0,
      failures: [],
      skipped: [],
    };
    const groups = this.#group(events, options.projection, result);
    let next = 0;
    const worker = async () => {
      for (let group = groups[next++]; group; group = groups[next++]) {
        await this.#applyGroup(group, result);
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.#concurrency, groups.length) }, worker));
    result.failures.sort((a, b) => a.index - b.index);
    result.skipped.sort((a, b) => a.index - b.index);
    return result;
  }

  /** Clears the projection and replays `$all` into it; see `RebuildOptions` for progress. */
  async rebuildProjection(name: string, options: RebuildOptions = {}): Promise<RebuildProgress> {
    const projection = this.projections.find((p) => p.name === name);
    if (!projection) {
      const known = this.projections.map((p) => `'${p.name}'`).join(', ');
      throw new ValidationError(
        'projection',
        `must be one of ${known || '(none)'} (got '${name}')`,
      );
    }
    return rebuildProjection(
      {
        store: this.#store,
        projectionStore: this.#documents,
        apply: (events, opts) => this.apply(events, opts),
      },
      projection,
      options,
    );
  }

  #group(events: readonly RecordedEvent[], only: string | undefined, result: ApplyResult): Group[] {
    const groups = new Map<string, Group>();
    const projections = only ? this.projections.filter((p) => p.name === only) : this.projections;
    events.forEach((event, index) => {
      for (const projection of projections) {
        // `unknown`: a key function in plain JavaScript (or with a cast) can return anything.
        let key: unknown;
        try {
          key = documentKeyOf(projection, event);
        } catch (error) {
          result.failures.push({
            index,
            event,
            projection: projection.name,
            key: undefined,
            error,
          });
          continue;
        }
        if (key === undefined) continue;
        const reason = invalidKeyReason(key);
        if (reason !== undefined || typeof key !== 'string') {
          const why = reason ?? 'key must be a string';
          result.skipped.push({ index, event, projection: projection.name, reason: why });
          continue;
        }
        const id = `${projection.name}\u0000${key}`;
        const group = groups.get(id) ?? { projection, key, pending: [] };
        group.pending.push({ index, event });
        groups.set(id, group);
      }
    });
    return [...groups.values()];
  }

  async #applyGroup(group: Group, result: ApplyResult): Promise<void> {
    const { projection, key } = group;
    // Position is commit order, and within a stream it follows versions; events
    // not sequenced yet (sequenced mode) keep version order within their stream.
    const pending = [...group.pending].sort(
      (a, b) =>
        (a.event.position ?? 0) - (b.event.position ?? 0) || a.event.version - b.event.version,
    );
    const fail = (items: Pending[], error: unknown) => {
      for (const { index, event } of items) {
        result.failures.push({ index, event, projection: projection.name, key, error });
      }
    };
    try {
      for (let attempt = 1; ; attempt++) {
        const stored = await this.#documents.getForUpdate(projection.name, key);
        const base = stored?.document ?? emptyDocument(projection, key);
        const fold: Fold = {
          document: { ...base, streams: streamVersions(base.streams) },
          expected: stored?.version,
          dirty: false,
          unsavedApplied: 0,
        };
        const step = await this.#evolveDocument(projection, fold, pending, result);
        // Conditioned on the exact write read (its etag), not on `revision`, which a rebuild restarts.
        if (step.written && (await this.#save(fold, result))) {
          if (step.failedFrom !== undefined) fail(pending.slice(step.failedFrom), step.error);
          return;
        }
        if (attempt >= this.#maxAttempts) {
          throw new ProjectionFailedError(
            projection.name,
            `document '${projection.name}/${key}' kept changing under ${attempt} attempts; giving up for this batch`,
          );
        }
        await sleep(Math.random() * Math.min(200, 10 * 2 ** attempt));
      }
    } catch (error) {
      fail(pending, error);
    }
  }

  /**
   * Folds the pending events into the document, reading gaps from the stream
   * as it folds them (a page at a time, never the whole gap) and writing every
   * `gapSaveEvery` events. When `evolve` throws, the events before it are kept
   * and the rest of the group fails (and is retried by the stream processor).
   * `written: false` means a write lost to another writer: start over.
   */
  async #evolveDocument(
    projection: ProjectionDefinition,
    fold: Fold,
    pending: Pending[],
    result: ApplyResult,
  ): Promise<{ written: boolean; failedFrom: number | undefined; error: unknown }> {
    for (const [i, { event }] of pending.entries()) {
      const last = fold.document.streams[event.streamId] ?? 0;
      if (event.version <= last) continue;
      try {
        if (event.version > last + 1) {
          const filled = await this.#fillGap(projection, fold, event, last + 1, result);
          if (!filled) return { written: false, failedFrom: undefined, error: undefined };
        }
        fold.document.state = projection.evolve(fold.document.state, event);
        advance(fold, event, true);
      } catch (error) {
        return { written: true, failedFrom: i, error };
      }
    }
    return { written: true, failedFrom: undefined, error: undefined };
  }

  /** Folds versions from..event.version-1 of the event's stream; false when a progress write lost. */
  async #fillGap(
    projection: ProjectionDefinition,
    fold: Fold,
    event: RecordedEvent,
    from: number,
    result: ApplyResult,
  ): Promise<boolean> {
    let sinceSave = 0;
    for await (const missing of this.#store.readStream(event.streamId, {
      fromVersion: from,
      maxCount: event.version - from,
    })) {
      const mine = documentKeyOf(projection, missing) === fold.document.key;
      if (mine) fold.document.state = projection.evolve(fold.document.state, missing);
      // State and per-stream versions move together, so a write or failure further on leaves them consistent.
      advance(fold, missing, mine);
      sinceSave += 1;
      if (sinceSave >= this.#gapSaveEvery) {
        sinceSave = 0;
        if (!(await this.#save(fold, result))) return false;
      }
    }
    return true;
  }

  /** Writes the fold if it changed; false when another writer got there first. */
  async #save(fold: Fold, result: ApplyResult): Promise<boolean> {
    if (!fold.dirty) return true;
    const document: ProjectionDocument = {
      ...fold.document,
      revision: fold.document.revision + 1,
      updatedAt: new Date().toISOString(),
    };
    const version = await this.#documents.writeDocument(document, fold.expected);
    if (!version) return false;
    fold.document = { ...document, streams: streamVersions(document.streams) };
    fold.expected = version;
    result.documentsWritten += 1;
    result.eventsApplied += fold.unsavedApplied;
    fold.dirty = false;
    fold.unsavedApplied = 0;
    return true;
  }
}

function advance(fold: Fold, event: RecordedEvent, applied: boolean): void {
  fold.document.streams[event.streamId] = event.version;
  fold.dirty = true;
  if (applied) fold.unsavedApplied += 1;
}

function emptyDocument(projection: ProjectionDefinition, key: string): ProjectionDocument {
  return {
    projection: projection.name,
    key,
    state: projection.initialState(),
    streams: streamVersions(),
    revision: 0,
    updatedAt: new Date(0).toISOString(),
  };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
