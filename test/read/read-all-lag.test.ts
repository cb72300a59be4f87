import { describe, expect, it } from 'vitest';
import { AllStreamLaggingError } from '../../src/errors.js';
import { EventStore } from '../../src/event-store.js';
import type { PositionedEvent, RecordedEvent } from '../../src/types.js';
import { placed, streamId, testClient, useTestStore } from '../support/dynamodb.js';
import { hidePosition, recordQueries } from '../support/sdk-spy.js';

// DynamoDB Local's index is never behind, so these tests make it lag with a
// middleware that takes a position out of the byPosition Query responses.
// Strict mode: these tests pin its promises (contiguous positions, an untouched counter on failure).
const db = useTestStore('read-all-lag', { positionMode: 'strict' });

/** Five fresh events at positions first..first+4. */
async function appendFive(): Promise<PositionedEvent[]> {
  const events = [1, 2, 3, 4, 5].map((i) => ({ type: 'E', data: { i } }));
  return placed(await db.store.appendToStream(streamId(), events)).events;
}

/** A reader on its own client, so the lag it is given stays in this test. */
function laggingReader(allStreamMaxWaitMs = 5000) {
  const client = testClient();
  const reader = new EventStore({ tableName: db.tables.eventsTable, client, allStreamMaxWaitMs });
  return { reader, client, queries: recordQueries(client) };
}

/** Reads until the end or an error, keeping what was returned before the error. */
async function readUntilError(events: AsyncIterable<RecordedEvent>) {
  const read: RecordedEvent[] = [];
  try {
    for await (const event of events) read.push(event);
    return { read, error: undefined };
  } catch (error) {
    return { read, error };
  }
}

describe('readAll when the byPosition index lags', () => {
  it('waits for a position the index does not show yet, then returns every position in order', async () => {
    // Prepare
    const recorded = await appendFive();
    const first = recorded[0]!.position;
    const { reader, client, queries } = laggingReader();
    const hole = hidePosition(client, first + 2, 3);

    // Act
    const { read, error } = await readUntilError(reader.readAll({ fromPosition: first }));

    // Assess
    expect(error).toBeUndefined();
    expect(read).toEqual(recorded);
    expect(hole.hidden()).toBe(3);
    // One read shows the hole, two re-reads still do, the fourth sees it filled.
    expect(queries.map((q) => q.input.ExpressionAttributeValues)).toEqual([
      { ':page': 'PAGE#0', ':position': first },
      { ':page': 'PAGE#0', ':position': first + 2 },
      { ':page': 'PAGE#0', ':position': first + 2 },
      { ':page': 'PAGE#0', ':position': first + 2 },
    ]);
    client.destroy();
  });

  it('throws AllStreamLaggingError when a hole is never filled within allStreamMaxWaitMs', async () => {
    const recorded = await appendFive();
    const first = recorded[0]!.position;
    const { reader, client } = laggingReader(200);
    hidePosition(client, first + 2);

    const started = Date.now();
    const { read, error } = await readUntilError(reader.readAll({ fromPosition: first }));
    const elapsed = Date.now() - started;

    // Everything before the hole was returned; nothing after it was.
    expect(read).toEqual(recorded.slice(0, 2));
    expect(error).toBeInstanceOf(AllStreamLaggingError);
    expect(error).toMatchObject({ code: 'AllStreamLagging', position: first + 2 });
    expect((error as AllStreamLaggingError).waitedMs).toBeGreaterThanOrEqual(200);
    // It gave up after its own 200 ms, not the default 5 s (the margin is for a loaded machine).
    expect(elapsed).toBeLessThan(4000);
    client.destroy();
  });

  it('waits for the newest committed position when the index has not caught up at the tail', async () => {
    const recorded = await appendFive();
    const first = recorded[0]!.position;
    const { reader, client, queries } = laggingReader();
    const tail = hidePosition(client, first + 4, 3);

    const { read, error } = await readUntilError(reader.readAll({ fromPosition: first }));

    expect(error).toBeUndefined();
    expect(read).toEqual(recorded);
    expect(tail.hidden()).toBe(3);
    expect(queries.map((q) => q.items)).toEqual([4, 0, 0, 1]);
    client.destroy();
  });

  it('throws AllStreamLaggingError when the tail never shows a committed position', async () => {
    const recorded = await appendFive();
    const first = recorded[0]!.position;
    const { reader, client } = laggingReader(200);
    hidePosition(client, first + 4);

    const { read, error } = await readUntilError(reader.readAll({ fromPosition: first }));

    expect(read).toEqual(recorded.slice(0, 4));
    expect(error).toBeInstanceOf(AllStreamLaggingError);
    expect(error).toMatchObject({ code: 'AllStreamLagging', position: first + 4 });
    client.destroy();
  });

  it('applies filters after the contiguity check, so a hidden filtered-out position is still awaited', async () => {
    // Prepare: the hidden position is one the filter would drop anyway.
    const id = streamId('mixed');
    const { events: recorded } = placed(
      await db.store.appendToStream(id, [
        { type: 'Kept', data: { i: 1 } },
        { type: 'Dropped', data: { i: 2 } },
        { type: 'Kept', data: { i: 3 } },
      ]),
    );
    const first = recorded[0]!.position;
    const { reader, client } = laggingReader(200);
    hidePosition(client, first + 1);

    // Act
    const { read, error } = await readUntilError(
      reader.readAll({ fromPosition: first, eventTypes: ['Kept'] }),
    );

    // Assess: it does not jump over the hole to the next Kept event.
    expect(read).toEqual(recorded.slice(0, 1));
    expect(error).toMatchObject({ code: 'AllStreamLagging', position: first + 1 });
    client.destroy();
  });
});
