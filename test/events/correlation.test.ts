import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createEventHandler } from '../../lambdas/index.js';
import { type StreamProcessing, startStreamProcessing } from '../../local/stream-poller.js';
import {
  causedBy,
  defineEvent,
  defineEvents,
  EventStore,
  ProjectionStore,
  type RecordedEvent,
  streamEventFilter,
  subscribeToAll,
  withCorrelation,
} from '../../src/index.js';
import { streamId, useTestStore } from '../support/dynamodb.js';
import { eventually } from '../support/stream-events.js';
import { AccountOpened } from './fixtures.js';

const db = useTestStore('correlation');
const events = defineEvents(
  AccountOpened,
  defineEvent('WelcomeQueued', z.object({ owner: z.string() })),
  defineEvent('WelcomeSent', z.object({ to: z.string() })),
);
const running: StreamProcessing[] = [];
afterAll(() => Promise.allSettled(running.map((p) => p.stop())));

/** The stream's events, or undefined while it does not exist. */
async function eventsOf(
  stream: AsyncIterable<RecordedEvent>,
): Promise<RecordedEvent[] | undefined> {
  const found: RecordedEvent[] = [];
  try {
    for await (const event of stream) found.push(event);
  } catch {
    return undefined;
  }
  return found;
}

describe('correlation and causation through the processors', () => {
  it('carries the command’s correlation id to every event it leads to, each caused by the one before', async () => {
    // Prepare: a Lambda consumer (run by the local poller on the table's stream) and a subscription,
    // each appending the next step with causedBy(the event it got).
    const store = new EventStore({ tableName: db.tables.eventsTable, client: db.client, events });
    const account = streamId('account');
    const mail = `mail-${account}`;
    const handler = createEventHandler({
      events,
      handle: async (event) => {
        if (event.type !== 'AccountOpened' || event.streamId !== account) return;
        await store.appendToStream(
          mail,
          [{ type: 'WelcomeQueued', data: { owner: event.data.owner } }],
          {
            metadata: causedBy(event),
          },
        );
      },
    });
    running.push(
      await startStreamProcessing({
        client: db.client,
        eventsTable: db.tables.eventsTable,
        readModelTable: db.tables.readModelTable,
        pollIntervalMs: 50,
        log: () => {},
        consumers: [
          {
            name: 'welcome',
            filters: [streamEventFilter({ eventTypes: ['AccountOpened'] })],
            handler,
          },
        ],
      }),
    );
    const subscription = subscribeToAll({
      store,
      checkpoints: new ProjectionStore({ tableName: db.tables.readModelTable, client: db.client }),
      name: `mailer-${randomUUID().slice(0, 8)}`,
      pollIntervalMs: 50,
      handler: async (event) => {
        if (event.type !== 'WelcomeQueued' || event.streamId !== mail) return;
        await store.appendToStream(
          mail,
          [{ type: 'WelcomeSent', data: { to: event.data.owner } }],
          {
            metadata: causedBy(event),
          },
        );
      },
    });
    const command = { commandId: randomUUID(), correlationId: `request-${randomUUID()}` };

    // Act
    const opened = await store.appendToStream(
      account,
      [{ type: 'AccountOpened', data: { owner: 'Ada' }, metadata: { userId: 'u-7' } }],
      { metadata: withCorrelation(command) },
    );
    const [queued, sent] = await eventually(async () => {
      const found = await eventsOf(store.readStream(mail));
      return found?.length === 2 ? found : undefined;
    }, 20_000);
    await subscription.stop();

    // Assess
    expect(opened.events[0]?.metadata).toEqual({
      correlationId: command.correlationId,
      causationId: command.commandId,
      userId: 'u-7',
    });
    expect(queued).toMatchObject({
      type: 'WelcomeQueued',
      data: { owner: 'Ada' },
      metadata: { correlationId: command.correlationId, causationId: opened.events[0]?.eventId },
    });
    expect(sent).toMatchObject({
      type: 'WelcomeSent',
      data: { to: 'Ada' },
      metadata: { correlationId: command.correlationId, causationId: queued?.eventId },
    });
  });
});
