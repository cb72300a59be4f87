import { EventStore, loadAggregate } from 'dynamo-event-store';
import {
  type AccountCommand,
  accountAggregate,
  accountStreamId,
  decideAccount,
} from '../src/bank-account.js';

// EVENTS_TABLE_NAME is set by `eventStore.grantAppend(fn)`; read once, at cold start.
const tableName = process.env.EVENTS_TABLE_NAME;
if (!tableName) throw new Error('EVENTS_TABLE_NAME must be set (eventStore.grantAppend sets it)');
const store = new EventStore({ tableName });

/**
 * A command Lambda of the app: fold the account, decide, append at the
 * version it decided on (a concurrent change is a WrongExpectedVersionError).
 */
export const handler = async (input: { accountId: string; command: AccountCommand }) => {
  const streamId = accountStreamId(input.accountId);
  const { state, version } = await loadAggregate(store, accountAggregate, streamId);
  const events = decideAccount(state, input.command);
  return store.appendToStream(streamId, events, { expectedVersion: version });
};
