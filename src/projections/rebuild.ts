import { ProjectionFailedError } from '../errors.js';
import type { EventStoreApi } from '../event-store-api.js';
import type { PositionedEvent, RecordedEvent } from '../types.js';
import type { ProjectionDefinition } from './define.js';
import type { ProjectionStore } from './projection-store.js';

export interface RebuildProgress {
  projection: string;
  /** Documents deleted before the replay (0 when resuming). */
  documentsDeleted: number;
  /** The position an unfinished rebuild had reached, when this one resumed it. */
  resumedFrom?: number;
  /** The last `$all` position replayed so far. */
  position: number;
  eventsRead: number;
  documentsWritten: number;
  done: boolean;
}

export interface RebuildOptions {
  /** Events per apply. Default 500. */
  batchSize?: number;
  /** Called after the clear and after every batch, the last time with `done: true`. */
  onProgress?: (progress: RebuildProgress) => void;
  /**
   * Clear and replay from position 1 even when an earlier rebuild of this
   * projection did not finish. Default false: an unfinished rebuild resumes
   * after the last batch it applied, without clearing again.
   */
  restart?: boolean;
  /**
   * Stops the rebuild at the next batch boundary, once that batch's
   * checkpoint is saved: it returns with `done: false` and `position` exactly
   * where the checkpoint is, and the next call resumes from there.
   */
  signal?: AbortSignal;
}

export interface RebuildDeps {
  store: EventStoreApi;
  projectionStore: ProjectionStore;
  apply(
    events: readonly RecordedEvent[],
    options: { projection: string },
  ): Promise<{ documentsWritten: number; failures: readonly { index: number; error: unknown }[] }>;
}

/**
 * Deletes the projection's documents and replays `$all` from position 1 into
 * it. A live projector may keep writing meanwhile, and both end the same:
 * every document write is conditioned on the etag of the write it read, which
 * a clear removes for good, so a live write based on a read from before the
 * clear fails and is re-read and re-applied on the current document. A document
 * the live projector recreates starts from version 0 and reads its streams from
 * the start; the replay then skips what it already holds. Fails (with the first
 * failure as `cause`) rather than leave a silently partial read model.
 *
 * The rebuild keeps its own checkpoint (`REBUILD#name`) after the clear and
 * after each batch: called again after a failure, it resumes after the last
 * batch applied (replaying a batch twice is harmless: documents skip versions
 * they hold) instead of clearing again.
 */
export async function rebuildProjection(
  deps: RebuildDeps,
  projection: ProjectionDefinition,
  options: RebuildOptions = {},
): Promise<RebuildProgress> {
  const batchSize = options.batchSize ?? 500;
  const name = projection.name;
  const saved = options.restart ? undefined : await deps.projectionStore.getRebuildCheckpoint(name);
  const resumable = saved !== undefined && !saved.done && saved.cleared;
  let documentsDeleted = 0;
  if (!resumable) {
    // Recorded before the clear: a rebuild that dies clearing clears again when called again.
    await deps.projectionStore.saveRebuildCheckpoint(name, {
      position: 0,
      cleared: false,
      done: false,
    });
    documentsDeleted = await deps.projectionStore.clear(name);
    await deps.projectionStore.saveRebuildCheckpoint(name, {
      position: 0,
      cleared: true,
      done: false,
    });
  }
  const progress: RebuildProgress = {
    projection: name,
    documentsDeleted,
    ...(resumable && { resumedFrom: saved.position }),
    position: resumable ? saved.position : 0,
    eventsRead: 0,
    documentsWritten: 0,
    done: false,
  };
  options.onProgress?.({ ...progress });
  let batch: PositionedEvent[] = [];
  const flush = async () => {
    if (batch.length === 0) return;
    const result = await deps.apply(batch, { projection: projection.name });
    const failure = result.failures[0];
    if (failure) {
      const event = batch[failure.index];
      throw new ProjectionFailedError(
        projection.name,
        `rebuild of projection '${projection.name}' failed at position ${event?.position}: ${String(failure.error)}; call it again to resume`,
        { cause: failure.error, position: event?.position },
      );
    }
    progress.eventsRead += batch.length;
    progress.documentsWritten += result.documentsWritten;
    progress.position = batch.at(-1)?.position ?? progress.position;
    batch = [];
    await deps.projectionStore.saveRebuildCheckpoint(name, {
      position: progress.position,
      cleared: true,
      done: false,
    });
    options.onProgress?.({ ...progress });
  };
  for await (const event of deps.store.readAll({
    fromPosition: progress.position + 1,
    eventTypes: projection.eventTypes,
  })) {
    batch.push(event);
    if (batch.length >= batchSize) await flush();
    if (options.signal?.aborted) return { ...progress };
  }
  await flush();
  await deps.projectionStore.saveRebuildCheckpoint(name, {
    position: progress.position,
    cleared: true,
    done: true,
  });
  progress.done = true;
  options.onProgress?.({ ...progress });
  return progress;
}
