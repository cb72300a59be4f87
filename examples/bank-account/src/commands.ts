import { type AppendResult, type EventStoreApi, loadAggregate } from 'dynamo-event-store';
import {
  type AccountCommand,
  accountAggregate,
  accountStreamId,
  decideAccount,
} from './bank-account.js';

/**
 * One command on one account: fold the account, decide, append at the
 * version it decided on (a concurrent change is a WrongExpectedVersionError).
 * It takes any store: the Lambda hands it an `EventStore`, the tests an
 * `InMemoryEventStore`.
 */
export async function handleAccountCommand(
  store: EventStoreApi,
  accountId: string,
  command: AccountCommand,
): Promise<AppendResult> {
  const streamId = accountStreamId(accountId);
  const { state, version } = await loadAggregate(store, accountAggregate, streamId);
  return store.appendToStream(streamId, decideAccount(state, command), {
    expectedVersion: version,
  });
}
