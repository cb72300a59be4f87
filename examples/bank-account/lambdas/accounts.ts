import { EventStore } from 'dynamo-event-store';
import type { AccountCommand } from '../src/bank-account.js';
import { handleAccountCommand } from '../src/commands.js';

// EVENTS_TABLE_NAME is set by `eventStore.grantAppend(fn)`; read once, at cold start.
const tableName = process.env.EVENTS_TABLE_NAME;
if (!tableName) throw new Error('EVENTS_TABLE_NAME must be set (eventStore.grantAppend sets it)');
const store = new EventStore({ tableName });

/** A command Lambda of the app: the domain's command handler on the deployed store. */
export const handler = (input: { accountId: string; command: AccountCommand }) =>
  handleAccountCommand(store, input.accountId, input.command);
