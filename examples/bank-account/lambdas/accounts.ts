import { EventStore } from 'dynamo-event-store';
import { getDynamoDBEventStore } from 'dynamo-event-store/emmett';
import type { AccountCommand } from '../src/bank-account.js';
import { handleAccountCommand } from '../src/commands.js';
import { events } from '../src/events.js';

// EVENTS_TABLE_NAME is set by `eventStore.grantAppend(fn)`; read once, at cold start.
const tableName = process.env.EVENTS_TABLE_NAME;
if (!tableName) throw new Error('EVENTS_TABLE_NAME must be set (eventStore.grantAppend sets it)');
// The registry validates what the decider appends and upcasts what the handler reads.
const eventStore = getDynamoDBEventStore(new EventStore({ tableName, events }));

/**
 * A command Lambda of the app: Emmett's command handler on the deployed
 * store. A refused command throws the decider's ValidationError (code
 * `ValidationError`, with `field`), which the invoker gets as the error.
 */
export const handler = async (input: { accountId: string; command: AccountCommand }) => {
  const { newState, nextExpectedStreamVersion } = await handleAccountCommand(
    eventStore,
    input.accountId,
    input.command,
  );
  return { state: newState, version: Number(nextExpectedStreamVersion) };
};
