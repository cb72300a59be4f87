import type { ApiStore } from '../../lambdas/api/deps.js';
import type { EventStore } from '../../src/event-store.js';

/** The real store, except that reading a stream head (GET /streams/{id}) fails with `error`. */
export function storeFailingWith(store: EventStore, error: Error): ApiStore {
  return {
    appendToStream: store.appendToStream.bind(store),
    readStream: store.readStream.bind(store),
    readAll: store.readAll.bind(store),
    readAllPage: store.readAllPage.bind(store),
    streamExists: store.streamExists.bind(store),
    getSnapshot: store.getSnapshot.bind(store),
    getStreamHead: async () => {
      throw error;
    },
  };
}
