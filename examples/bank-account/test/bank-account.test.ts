import { loadAggregate, ValidationError, WrongExpectedVersionError } from 'dynamo-event-store';
import { InMemoryEventStore, projectAll } from 'dynamo-event-store/testing';
import { describe, expect, it } from 'vitest';
import {
  accountAggregate,
  accountBalances,
  accountStreamId,
  decideAccount,
} from '../src/bank-account.js';
import { handleAccountCommand } from '../src/commands.js';

describe('a bank account', () => {
  it('opens, deposits and withdraws, and folds the balance back', async () => {
    const store = new InMemoryEventStore();
    await handleAccountCommand(store, '42', { type: 'open', owner: 'Ada' });
    await handleAccountCommand(store, '42', { type: 'deposit', amount: 100 });
    await handleAccountCommand(store, '42', { type: 'withdraw', amount: 30 });

    const { state, version } = await loadAggregate(store, accountAggregate, accountStreamId('42'));
    expect({ state, version }).toEqual({
      state: { status: 'open', owner: 'Ada', balance: 70 },
      version: 3,
    });
  });

  it('refuses to withdraw more than the balance, and stores nothing', async () => {
    const store = new InMemoryEventStore();
    await handleAccountCommand(store, '7', { type: 'open', owner: 'Bob' });

    await expect(handleAccountCommand(store, '7', { type: 'withdraw', amount: 1 })).rejects.toThrow(
      ValidationError,
    );
    expect(await store.getStreamVersion(accountStreamId('7'))).toBe(1);
  });

  it('refuses a decision made on a version that moved on', async () => {
    const store = new InMemoryEventStore();
    await handleAccountCommand(store, '9', { type: 'open', owner: 'Cy' });
    const streamId = accountStreamId('9');
    const { state, version } = await loadAggregate(store, accountAggregate, streamId);
    await handleAccountCommand(store, '9', { type: 'deposit', amount: 5 });

    await expect(
      store.appendToStream(streamId, decideAccount(state, { type: 'deposit', amount: 1 }), {
        expectedVersion: version,
      }),
    ).rejects.toThrow(WrongExpectedVersionError);
  });

  it('shows the balance in the account-balances read model', async () => {
    const store = new InMemoryEventStore();
    await handleAccountCommand(store, '5', { type: 'open', owner: 'Di' });
    await handleAccountCommand(store, '5', { type: 'deposit', amount: 12 });

    const balances = await projectAll(store, accountBalances);
    expect(balances.get('5')).toEqual({ status: 'open', owner: 'Di', balance: 12, lastVersion: 2 });
  });
});
