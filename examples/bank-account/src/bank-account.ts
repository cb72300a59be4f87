import type { Command, Decider, Event } from '@event-driven-io/emmett';
import { defineAggregate, defineProjection, ValidationError } from 'dynamo-event-store';
import type { AccountEventShape } from './events.js';

/** The example domain: a bank account per stream `account-{id}`, as an Emmett decider. */

export const AccountEventType = {
  opened: 'AccountOpened',
  deposited: 'MoneyDeposited',
  withdrawn: 'MoneyWithdrawn',
  closed: 'AccountClosed',
} as const;

/** The registry's events (src/events.ts) as Emmett sees them: each type with its latest data. */
export type AccountEvent = {
  [T in AccountEventShape['type']]: Event<T, Extract<AccountEventShape, { type: T }>['data']>;
}[AccountEventShape['type']];

export type AccountCommand =
  | Command<'OpenAccount', { owner: string }>
  | Command<'DepositMoney', { amount: number; currency: string }>
  | Command<'WithdrawMoney', { amount: number }>
  | Command<'CloseAccount', Record<string, never>>;

export type AccountStatus = 'none' | 'open' | 'closed';

export type AccountState = {
  status: AccountStatus;
  owner: string | null;
  /** In minor units (cents) of ACCOUNT_CURRENCY: integers keep sums exact. */
  balance: number;
};

/** Every account keeps euros (deposits before MoneyDeposited named a currency were euros). */
export const ACCOUNT_CURRENCY = 'EUR';

const ACCOUNT_CATEGORY = 'account';

export const accountStreamId = (accountId: string): string => `${ACCOUNT_CATEGORY}-${accountId}`;

/** `account-42` -> `42`; undefined for another category. */
export function accountIdOf(streamId: string): string | undefined {
  const prefix = `${ACCOUNT_CATEGORY}-`;
  return streamId.startsWith(prefix) ? streamId.slice(prefix.length) : undefined;
}

export const initialAccountState = (): AccountState => ({
  status: 'none',
  owner: null,
  balance: 0,
});

/**
 * Takes any `{ type, data }` (Emmett's events, the store's recorded events):
 * any other event type leaves the state as it is, since streams may carry
 * events a newer writer added.
 */
export function evolveAccount(
  state: AccountState,
  event: { type: string; data: unknown },
): AccountState {
  const e = event as AccountEvent;
  switch (e.type) {
    case AccountEventType.opened:
      return { ...state, status: 'open', owner: e.data.owner };
    case AccountEventType.deposited:
      return { ...state, balance: state.balance + e.data.amount };
    case AccountEventType.withdrawn:
      return { ...state, balance: state.balance - e.data.amount };
    case AccountEventType.closed:
      return { ...state, status: 'closed' };
    default:
      return state;
  }
}

const amountOk = (amount: number) => Number.isSafeInteger(amount) && amount > 0;

function mustBeOpen(state: AccountState): void {
  if (state.status !== 'open') throw new ValidationError('account', `is ${state.status}, not open`);
}

/** The business rules: the event a command makes on the current state, or a ValidationError. */
export function decideAccount(command: AccountCommand, state: AccountState): AccountEvent {
  switch (command.type) {
    case 'OpenAccount':
      if (state.status !== 'none') throw new ValidationError('account', 'is already open');
      if (command.data.owner.length === 0) throw new ValidationError('owner', 'must not be empty');
      return { type: AccountEventType.opened, data: { owner: command.data.owner } };
    case 'DepositMoney':
    case 'WithdrawMoney': {
      mustBeOpen(state);
      const { amount } = command.data;
      if (!amountOk(amount)) {
        throw new ValidationError('amount', `must be a positive integer (got ${amount})`);
      }
      if (command.type === 'DepositMoney') {
        const { currency } = command.data;
        if (currency !== ACCOUNT_CURRENCY) {
          throw new ValidationError(
            'currency',
            `must be ${ACCOUNT_CURRENCY}, the account's currency (got ${currency})`,
          );
        }
        return { type: AccountEventType.deposited, data: { amount, currency } };
      }
      if (amount > state.balance) {
        throw new ValidationError(
          'amount',
          `must be at most the balance ${state.balance} (got ${amount})`,
        );
      }
      return { type: AccountEventType.withdrawn, data: { amount } };
    }
    case 'CloseAccount':
      mustBeOpen(state);
      return { type: AccountEventType.closed, data: {} };
  }
}

/** What Emmett's `DeciderCommandHandler` and `DeciderSpecification` take. */
export const accountDecider: Decider<AccountState, AccountCommand, AccountEvent> = {
  decide: decideAccount,
  evolve: evolveAccount,
  initialState: initialAccountState,
};

export const accountAggregate = defineAggregate<AccountState>({
  category: ACCOUNT_CATEGORY,
  initialState: initialAccountState,
  evolve: evolveAccount,
  snapshotEvery: 100,
});

export type AccountBalance = AccountState & { lastVersion: number };

export const accountBalances = defineProjection<AccountBalance>({
  name: 'account-balances',
  eventTypes: Object.values(AccountEventType),
  key: (event) => accountIdOf(event.streamId),
  initialState: () => ({ ...initialAccountState(), lastVersion: 0 }),
  evolve: (state, event) => ({
    ...evolveAccount(state, event),
    lastVersion: event.version,
  }),
});
