// #region handler
import { DeciderCommandHandler, type EventStore } from '@event-driven-io/emmett';
import { type AccountCommand, accountDecider, accountStreamId } from './bank-account.js';

/**
 * Emmett's command handler: fold the account, decide, append at the version
 * it decided on. A concurrent change makes the append fail with Emmett's
 * ExpectedVersionConflictError; the handler then reads the account again and
 * decides again (a few times). A refused command is the decider's
 * ValidationError, and nothing is written.
 */
const handle = DeciderCommandHandler({ ...accountDecider, retry: { onVersionConflict: true } });

/**
 * One command on one account, on any Emmett event store: the Lambda hands
 * it `getDynamoDBEventStore(new EventStore({ tableName, events }))`, the tests
 * the same adapter over an `InMemoryEventStore({ events })`.
 */
export const handleAccountCommand = (
  eventStore: EventStore,
  accountId: string,
  command: AccountCommand,
) => handle(eventStore, accountStreamId(accountId), command);
// #endregion handler
