// #region events
import { defineEvent, defineEvents, type EventsOf } from 'dynamo-event-store';
import { z } from 'zod';

/** In minor units (cents): integers keep sums exact. */
const amount = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);

// Version 1 of MoneyDeposited had no currency: every account kept euros.
// Version 2 names it, so a deposit in another currency can be refused.
export const MoneyDeposited = defineEvent('MoneyDeposited', {
  versions: [
    z.object({ amount }),
    z.object({ amount, currency: z.string().regex(/^[A-Z]{3}$/, 'an ISO 4217 code') }),
  ],
  upcast: { 1: (v1) => ({ ...v1, currency: 'EUR' }) },
});
export const AccountOpened = defineEvent('AccountOpened', z.object({ owner: z.string().min(1) }));
export const MoneyWithdrawn = defineEvent('MoneyWithdrawn', z.object({ amount }));
export const AccountClosed = defineEvent('AccountClosed', z.object({}));

// Exported as `events`: the name the construct and the local runtime look for.
export const events = defineEvents(AccountOpened, MoneyDeposited, MoneyWithdrawn, AccountClosed);
export type AccountEventShape = EventsOf<typeof events>;
// #endregion events
