import { StreamNotFoundError, ValidationError } from './errors.js';
import type { EventStoreApi } from './event-store-api.js';
import type { AggregateStreamOptions, AggregateStreamResult, RecordedEvent } from './types.js';
import { describe, parse, streamIdSchema } from './validation.js';

/**
 * Folds the stream into a state with `evolve`, to its end or to `toVersion`.
 * With `snapshot`, starts from the stored snapshot when its stateVersion is
 * the one asked for (default 1) and it is not past `toVersion`, and reads only
 * the newer events; a snapshot of another reducer schema is ignored. An absent
 * stream folds to `initialState()` at version 0. Built on the store's own
 * reads, so every store folds alike.
 */
export async function aggregateStream<State, Event extends RecordedEvent>(
  store: Pick<EventStoreApi, 'readStream' | 'getSnapshot'>,
  streamId: string,
  options: AggregateStreamOptions<State, Event>,
): Promise<AggregateStreamResult<State>> {
  const id = parse(streamIdSchema, streamId, 'streamId');
  const wantedStateVersion = validateOptions(options);
  const toVersion = options.toVersion ?? Number.MAX_SAFE_INTEGER;

  const snapshot =
    wantedStateVersion === undefined ? undefined : await store.getSnapshot<State>(id);
  const usable =
    snapshot && snapshot.stateVersion === wantedStateVersion && snapshot.version <= toVersion
      ? snapshot
      : undefined;

  let state = usable ? usable.state : options.initialState();
  let version = usable?.version ?? 0;
  let eventsRead = 0;
  if (version >= toVersion) return { state, version, eventsRead, fromSnapshotVersion: version };
  try {
    for await (const event of store.readStream(id, {
      fromVersion: version + 1,
      ...(options.toVersion !== undefined && { maxCount: toVersion - version }),
    })) {
      state = options.evolve(state, event as Event);
      version = event.version;
      eventsRead++;
    }
  } catch (error) {
    // A snapshot without a head belongs to no stream: the stream is absent either way.
    if (error instanceof StreamNotFoundError) {
      return {
        state: options.initialState(),
        version: 0,
        eventsRead: 0,
        fromSnapshotVersion: undefined,
      };
    }
    throw error;
  }
  return { state, version, eventsRead, fromSnapshotVersion: usable?.version };
}

/** Returns the stateVersion a snapshot must have to be used, or undefined when none is wanted. */
function validateOptions<State, Event extends RecordedEvent>(
  options: AggregateStreamOptions<State, Event>,
): number | undefined {
  if (typeof options !== 'object' || options === null) {
    throw new ValidationError(
      'options',
      `must be an object with initialState and evolve (got ${describe(options)})`,
    );
  }
  for (const name of ['initialState', 'evolve'] as const) {
    if (typeof options[name] !== 'function') {
      throw new ValidationError(
        `options.${name}`,
        `must be a function (got ${describe(options[name])})`,
      );
    }
  }
  const { snapshot, toVersion } = options;
  if (toVersion !== undefined && !(Number.isSafeInteger(toVersion) && toVersion >= 1)) {
    throw new ValidationError(
      'options.toVersion',
      `must be an integer >= 1 (got ${describe(toVersion)})`,
    );
  }
  if (!snapshot) return undefined;
  const stateVersion = typeof snapshot === 'object' ? (snapshot.stateVersion ?? 1) : 1;
  if (!Number.isSafeInteger(stateVersion) || stateVersion < 1) {
    throw new ValidationError(
      'options.snapshot.stateVersion',
      `must be an integer >= 1 (got ${describe(stateVersion)})`,
    );
  }
  return stateVersion;
}
