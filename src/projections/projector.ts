import { ValidationError } from '../errors.js';
import type { EventStore } from '../event-store.js';
import type { RecordedEvent } from '../types.js';
import { documentKeyOf, type ProjectionDefinition } from './define.js';
import type { ProjectionDocument } from './documents.js';
import type { ProjectionStore } from './projection-store.js';
import { type RebuildOptions, type RebuildProgress, rebuildProjection } from './rebuild.js';

export interface ProjectorOptions {
  store: EventStore;
  projectionStore: ProjectionStore;
  projections: readonly ProjectionDefinition[];
  /** Tries per document when concurrent writers keep winning the condition. Default 10. */
  maxAttempts?: number;
  /** Documents written at once. Default 8. */
  concurrency?: number;
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

export interface ApplyResult {
  /** Events folded into documents, counting those read to fill gaps. */
  eventsApplied: number;
  documentsWritten: number;
  failures: ProjectionFailure[];
}

export interface ApplyOptions {
  /** Only this projection (a rebuild); default all. */
  projection?: string;
}

interface Pending {
  index: number;
  event: RecordedEvent;
}

interface EvolveStep {
  document: ProjectionDocument;
  /** False when every event was already in the document: nothing to write. */
  changed: boolean;
  applied: number;
  /** Index in the sorted pending list of the first event that failed. */
  failedFrom: number | undefined;
  error: unknown;
}

interface Group {
  projection: ProjectionDefinition;
  key: string;
  pending: Pending[];
}

/** Applies recorded events to projection documents: idempotent, gap-filling, one conditional write per document. */
export class Projector {
  readonly projections: readonly ProjectionDefinition[];
  readonly #store: EventStore;
  readonly #documents: ProjectionStore;
  readonly #maxAttempts: number;
  readonly #concurrency: number;

  constructor(options: ProjectorOptions) {
    const names = new Set<string>();
    for (const p of options.projections) {
      if (names.has(p.name)) throw new TypeError(`projection '${p.name}' is registered twice`);
      names.add(p.name);
    }
    this.projections = options.projections;
    this.#store = options.store;
    this.#documents = options.projectionStore;
    this.#maxAttempts = options.maxAttempts ?? 10;
    this.#concurrency = options.concurrency ?? 8;
  }

  /**
   * Events may come duplicated, out of order and with gaps (DynamoDB Streams
   * orders records per item only): each document skips what it has and reads
   * what it misses from the stream. Never throws for one bad event or
   * document; it lists the events that failed.
   */
  async apply(events: readonly RecordedEvent[], options: ApplyOptions = {}): Promise<ApplyResult> {
    const result: ApplyResult = { eventsApplied: 0, documentsWritten: 0, failures: [] };
    const groups = this.#group(events, options.projection, result.failures);
    let next = 0;
    const worker = async () => {
      for (let group = groups[next++]; group; group = groups[next++]) {
        await this.#applyGroup(group, result);
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.#concurrency, groups.length) }, worker));
    result.failures.sort((a, b) => a.index - b.index);
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

  #group(
    events: readonly RecordedEvent[],
    only: string | undefined,
    failures: ProjectionFailure[],
  ): Group[] {
    const groups = new Map<string, Group>();
    const projections = only ? this.projections.filter((p) => p.name === only) : this.projections;
    events.forEach((event, index) => {
      for (const projection of projections) {
        let key: string | undefined;
        try {
          key = documentKeyOf(projection, event);
        } catch (error) {
          failures.push({ index, event, projection: projection.name, key: undefined, error });
          continue;
        }
        if (key === undefined) continue;
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
    // Position is commit order, and within a stream it follows versions.
    const pending = [...group.pending].sort((a, b) => a.event.position - b.event.position);
    const fail = (items: Pending[], error: unknown) => {
      for (const { index, event } of items) {
        result.failures.push({ index, event, projection: projection.name, key, error });
      }
    };
    try {
      for (let attempt = 1; ; attempt++) {
        const stored = await this.#documents.getForUpdate(projection.name, key);
        const base = stored?.document ?? emptyDocument(projection, key);
        const step = await this.#evolveDocument(projection, base, pending);
        if (step.changed) {
          // Conditioned on the exact write read (its etag), not on `revision`, which a rebuild restarts.
          const written = await this.#documents.putDocument(step.document, stored?.version);
          if (!written) {
            if (attempt >= this.#maxAttempts) {
              throw new Error(
                `document '${projection.name}/${key}' kept changing under ${attempt} attempts; giving up for this batch`,
              );
            }
            await sleep(Math.random() * Math.min(200, 10 * 2 ** attempt));
            continue;
          }
          result.documentsWritten += 1;
        }
        result.eventsApplied += step.applied;
        if (step.failedFrom !== undefined) fail(pending.slice(step.failedFrom), step.error);
        return;
      }
    } catch (error) {
      fail(pending, error);
    }
  }

  /**
   * Pure apart from gap reads: folds the pending events into a copy of the
   * document. When `evolve` throws, the events before it are kept and the
   * rest of the group fails (and is retried by the stream processor).
   */
  async #evolveDocument(
    projection: ProjectionDefinition,
    base: ProjectionDocument,
    pending: Pending[],
  ): Promise<EvolveStep> {
    let state = base.state;
    let streams = base.streams;
    let applied = 0;
    const advance = (streamId: string, version: number) => {
      if (streams === base.streams) streams = { ...base.streams };
      streams[streamId] = version;
    };
    const finish = (failedFrom?: number, error?: unknown): EvolveStep => ({
      document: {
        ...base,
        state,
        streams,
        revision: base.revision + 1,
        updatedAt: new Date().toISOString(),
      },
      changed: streams !== base.streams,
      applied,
      failedFrom,
      error,
    });
    for (const [i, { event }] of pending.entries()) {
      const last = streams[event.streamId] ?? 0;
      if (event.version <= last) continue;
      try {
        if (event.version > last + 1) {
          for (const missing of await this.#readGap(event.streamId, last + 1, event.version - 1)) {
            if (documentKeyOf(projection, missing) === base.key) {
              state = projection.evolve(state, missing);
              applied += 1;
            }
            // State and per-stream versions move together, so a failure further on leaves them consistent.
            advance(missing.streamId, missing.version);
          }
        }
        state = projection.evolve(state, event);
        applied += 1;
        advance(event.streamId, event.version);
      } catch (error) {
        return finish(i, error);
      }
    }
    return finish();
  }

  async #readGap(streamId: string, from: number, to: number): Promise<RecordedEvent[]> {
    const events: RecordedEvent[] = [];
    for await (const event of this.#store.readStream(streamId, {
      fromVersion: from,
      maxCount: to - from + 1,
    })) {
      events.push(event);
    }
    return events;
  }
}

function emptyDocument(projection: ProjectionDefinition, key: string): ProjectionDocument {
  return {
    projection: projection.name,
    key,
    state: projection.initialState(),
    streams: {},
    revision: 0,
    updatedAt: new Date(0).toISOString(),
  };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
