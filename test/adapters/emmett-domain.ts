import { type Command, type Event, IllegalStateError } from '@event-driven-io/emmett';

// A bank account, as an Emmett decider: the domain the Emmett backend's tests run.

export type Deposit = Command<'Deposit', { amount: number }>;
export type Withdraw = Command<'Withdraw', { amount: number }>;
export type AccountCommand = Deposit | Withdraw;

export type Deposited = Event<'Deposited', { amount: number }>;
export type Withdrawn = Event<'Withdrawn', { amount: number }>;
export type AccountEvent = Deposited | Withdrawn;

export type Account = { balance: number };

export const account = {
  initialState: (): Account => ({ balance: 0 }),
  evolve: (state: Account, event: AccountEvent): Account =>
    event.type === 'Deposited'
      ? { balance: state.balance + event.data.amount }
      : { balance: state.balance - event.data.amount },
  decide: (command: AccountCommand, state: Account): AccountEvent => {
    if (command.type === 'Deposit') return { type: 'Deposited', data: command.data };
    if (command.data.amount > state.balance) {
      throw new IllegalStateError(
        `Cannot withdraw ${command.data.amount}: the balance is ${state.balance}`,
      );
    }
    return { type: 'Withdrawn', data: command.data };
  },
};
