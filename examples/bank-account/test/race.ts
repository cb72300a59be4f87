import type { DynamoDBEmmettEventStore } from 'dynamo-event-store/emmett';

/**
 * An Emmett event store whose first `parties` folds wait for each other, so
 * that concurrent command handlers decide on the same version (as two
 * Lambdas racing would); `failedAppends` collects the appends that failed.
 */
export function racing(inner: DynamoDBEmmettEventStore, parties = 2) {
  let folds = 0;
  let open!: () => void;
  const allRead = new Promise<void>((resolve) => {
    open = resolve;
  });
  const failedAppends: unknown[] = [];
  const eventStore: DynamoDBEmmettEventStore = {
    ...inner,
    aggregateStream: async (name, options) => {
      const result = await inner.aggregateStream(name, options);
      if (++folds <= parties) {
        if (folds === parties) open();
        await allRead;
      }
      return result;
    },
    appendToStream: async (name, events, options) => {
      try {
        return await inner.appendToStream(name, events, options);
      } catch (error) {
        failedAppends.push(error);
        throw error;
      }
    },
  };
  return { eventStore, failedAppends };
}
