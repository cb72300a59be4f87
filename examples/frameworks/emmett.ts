import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { type Command, DeciderCommandHandler, type Event } from '@event-driven-io/emmett';
import { createTables, EventStore } from 'dynamo-event-store';
import { getDynamoDBEventStore } from 'dynamo-event-store/emmett';

type Deposit = Command<'Deposit', { amount: number }>;
type Deposited = Event<'Deposited', { amount: number }>;
type Account = { balance: number };

const client = new DynamoDBClient({});
await createTables(client, { eventsTable: 'bank-events' });
const eventStore = getDynamoDBEventStore(new EventStore({ tableName: 'bank-events', client }));

const handle = DeciderCommandHandler({
  decide: (command: Deposit, _state: Account): Deposited => ({
    type: 'Deposited',
    data: command.data,
  }),
  evolve: (state: Account, event: Deposited): Account => ({
    balance: state.balance + event.data.amount,
  }),
  initialState: (): Account => ({ balance: 0 }),
  retry: { onVersionConflict: true }, // lost a race: read the stream again, decide again
});

const { newState, nextExpectedStreamVersion } = await handle(eventStore, 'account-42', {
  type: 'Deposit',
  data: { amount: 100 },
});
const { events } = await eventStore.readStream<Deposited>('account-42');
console.log(newState, nextExpectedStreamVersion, events[0]?.metadata.globalPosition);
// { balance: 100 } 1n 1n
