import { describe, expect, it } from 'vitest';
import { EventStore } from '../../src/event-store.js';
import { streamId, testClient, useTestStore } from '../support/dynamodb.js';

// Found by the proofs: README "Idempotent retries" says that with 'any' a
// retry with the same ids writes nothing while those events are the stream's
// latest. A retry racing its first try (a client that timed out and sent it
// again) must not store the events a second time on top of the first commit.
const db = useTestStore('any-race');

async function eventIds(id: string): Promise<string[]> {
  const ids: string[] = [];
  for await (const event of db.store.readStream(id)) ids.push(event.eventId);
  return ids;
}

const retried = (id: string) => [{ eventId: `${id}-paid`, type: 'Paid', data: { amount: 1 } }];

describe("an 'any' retry racing its first try", () => {
  it('through one store (group commit): one commit, both tries get its result', async () => {
    // Prepare
    const id = streamId();
    await db.store.appendToStream(id, [{ type: 'Placed', data: {} }]);

    // Act
    const [first, retry] = await Promise.all([
      db.store.appendToStream(id, retried(id)),
      db.store.appendToStream(id, retried(id)),
    ]);

    // Assess
    expect(await eventIds(id)).toEqual([expect.any(String), `${id}-paid`]);
    expect(retry).toEqual(first);
  });

  it('through two stores (two Lambda containers): one commit, both tries get its result', async () => {
    // Prepare: the retry's store reads the stream before the first try commits
    const id = streamId();
    await db.store.appendToStream(id, [{ type: 'Placed', data: {} }]);
    const client = testClient();
    const other = new EventStore({ tableName: db.tables.eventsTable, client });
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    client.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === 'TransactWriteItemsCommand') await held;
        return next(args);
      },
      { step: 'initialize', name: 'holdTransaction' },
    );

    // Act
    const retry = other.appendToStream(id, retried(id));
    await new Promise((resolve) => setTimeout(resolve, 200));
    const first = await db.store.appendToStream(id, retried(id));
    release();
    const retryResult: unknown = await retry.catch((error: unknown) => error);

    // Assess
    expect(await eventIds(id)).toEqual([expect.any(String), `${id}-paid`]);
    expect(retryResult).toEqual(first);
    client.destroy();
  });
});
