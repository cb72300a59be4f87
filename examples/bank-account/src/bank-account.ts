import {
  defineAggregate,
  defineProjection,
  type NewEvent,
  type RecordedEvent,
  ValidationError,
} from 'dynamo-event-store';

/** The example domain: a bank account per stream `account-{id}`. */

export const AccountEventType = {
  opened: 'AccountOpened',
  deposited: 'MoneyDeposited',
  withdrawn: 'MoneyWithdrawn',
  closed: 'AccountClosed',
} as const;

export type AccountEvent =
  | RecordedEvent<typeof AccountEventType.opened, { owner: string }>
  | RecordedEvent<typeof AccountEventType.deposited, { amount: number }>
  | RecordedEvent<typeof AccountEventType.withdrawn, { amount: number }>
  | RecordedEvent<typeof AccountEventType.closed, Record<string, never>>;

export type AccountStatus = 'none' | 'open' | 'closed';

export type AccountState = {
  status: AccountStatus;
  owner: string | null;
  /** In minor units (cents): integers keep sums exact. */
  balance: number;
};

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

/** Any other event type leaves the state as it is: streams may carry events a newer writer added. */
export function evolveAccount(state: AccountState, event: RecordedEvent): AccountState {
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

export type AccountCommand =
  | { type: 'open'; owner: string }
  | { type: 'deposit'; amount: number }
  | { type: 'withdraw'; amount: number }
  | { type: 'close' };

/**
 * The example's business rules: which events a command produces on the
 * current state, or a ValidationError. Append the result with the state's
 * version as `expectedVersion`, so a concurrent change is caught.
 */
export function decideAccount(state: AccountState, command: AccountCommand): NewEvent[] {
  const amountOk = (amount: number) => Number.isSafeInteger(amount) && amount > 0;
  switch (command.type) {
    case 'open':
      if (state.status !== 'none') throw new ValidationError('account', 'is already open');
      if (command.owner.length === 0) throw new ValidationError('owner', 'must not be empty');
      return [{ type: AccountEventType.opened, data: { owner: command.owner } }];
    case 'deposit':
    case 'withdraw': {
      if (state.status !== 'open')
        throw new ValidationError('account', `is ${state.status}, not open`);
      if (!amountOk(command.amount)) {
        throw new ValidationError('amount', `must be a positive integer (got ${command.amount})`);
      }
      if (command.type === 'deposit') {
        return [{ type: AccountEventType.deposited, data: { amount: command.amount } }];
      }
      if (command.amount > state.balance) {
        throw new ValidationError(
          'amount',
          `must be at most the balance ${state.balance} (got ${command.amount})`,
        );
      }
      return [{ type: AccountEventType.withdrawn, data: { amount: command.amount } }];
    }
    case 'close':
      if (state.status !== 'open')
        throw new ValidationError('account', `is ${state.status}, not open`);
      return [{ type: AccountEventType.closed, data: {} }];
  }
}
