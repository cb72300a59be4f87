// #region spec
import { DeciderSpecification, isExpectedVersionConflictError } from '@event-driven-io/emmett';
import { ValidationError } from 'dynamo-event-store';
import { getDynamoDBEventStore } from 'dynamo-event-store/emmett';
import { InMemoryEventStore, projectAll } from 'dynamo-event-store/testing';
import { describe, expect, it } from 'vitest';
import {
  type AccountCommand,
  type AccountEvent,
  accountBalances,
  accountDecider,
  accountStreamId,
} from '../src/bank-account.js';
import { handleAccountCommand } from '../src/commands.js';
import { events } from '../src/events.js';
import { racing } from './race.js';

const open = (owner: string): AccountCommand => ({ type: 'OpenAccount', data: { owner } });
const deposit = (amount: number, currency = 'EUR'): AccountCommand => ({
  type: 'DepositMoney',
  data: { amount, currency },
});
const withdraw = (amount: number): AccountCommand => ({ type: 'WithdrawMoney', data: { amount } });
const opened: AccountEvent = { type: 'AccountOpened', data: { owner: 'Ada' } };
const deposited = (amount: number): AccountEvent => ({
  type: 'MoneyDeposited',
  data: { amount, currency: 'EUR' },
});

describe('the account decider', () => {
  const given = DeciderSpecification.for(accountDecider);

  it('opens an account once', () => {
    given([]).when(open('Ada')).then([opened]);
    given([opened])
      .when(open('Ada'))
      .thenThrows(ValidationError, (error) => error.message === 'account is already open');
  });

  it('withdraws up to the balance, and no more', () => {
    given([opened, deposited(100)])
      .when(withdraw(30))
      .then([{ type: 'MoneyWithdrawn', data: { amount: 30 } }]);
    given([opened, deposited(10)])
      .when(withdraw(30))
      .thenThrows(ValidationError, (error) => error.field === 'amount');
  });

  it("takes deposits in the account's currency only", () => {
    given([opened])
      .when(deposit(5))
      .then([deposited(5)]);
    given([opened])
      .when(deposit(5, 'USD'))
      .thenThrows(ValidationError, (error) => error.field === 'currency');
  });
});
// #endregion spec

// #region handler
describe('the account command handler on InMemoryEventStore', () => {
  it('handles commands, and the read model shows the balance', async () => {
    const store = new InMemoryEventStore({ events });
    const eventStore = getDynamoDBEventStore(store); // what the Lambda does with an EventStore
    await handleAccountCommand(eventStore, '42', open('Ada'));
    await handleAccountCommand(eventStore, '42', deposit(100));
    const result = await handleAccountCommand(eventStore, '42', withdraw(30));

    expect(result.newState).toEqual({ status: 'open', owner: 'Ada', balance: 70 });
    expect(result.nextExpectedStreamVersion).toBe(3n);
    const balances = await projectAll(store, accountBalances);
    expect(balances.get('42')).toEqual({
      status: 'open',
      owner: 'Ada',
      balance: 70,
      lastVersion: 3,
    });
  });

  it('refuses a command, and stores nothing', async () => {
    const store = new InMemoryEventStore({ events });
    const eventStore = getDynamoDBEventStore(store);
    await handleAccountCommand(eventStore, '7', open('Bob'));

    await expect(handleAccountCommand(eventStore, '7', withdraw(1))).rejects.toThrow(
      ValidationError,
    );
    expect(await store.getStreamVersion(accountStreamId('7'))).toBe(1);
  });

  it('retries a command that lost a race: one conflict, both deposits stored', async () => {
    const store = new InMemoryEventStore({ events });
    await handleAccountCommand(getDynamoDBEventStore(store), '9', open('Cy'));
    // Both handlers fold the account at version 1 before either appends.
    const { eventStore, failedAppends } = racing(getDynamoDBEventStore(store));

    const results = await Promise.all([
      handleAccountCommand(eventStore, '9', deposit(5)),
      handleAccountCommand(eventStore, '9', deposit(7)),
    ]);

    expect(failedAppends).toHaveLength(1);
    expect(isExpectedVersionConflictError(failedAppends[0])).toBe(true);
    expect(results.map((r) => r.nextExpectedStreamVersion).sort()).toEqual([2n, 3n]);
    const balances = await projectAll(store, accountBalances);
    expect(balances.get('9')).toMatchObject({ balance: 12, lastVersion: 3 });
  });
});
// #endregion handler
