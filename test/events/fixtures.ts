import * as v from 'valibot';
import { z } from 'zod';
import { defineEvent, defineEvents } from '../../src/index.js';

/** Version 1: a bare amount; 2 adds the currency; 3 nests both as money. */
export const depositedV1 = z.object({ amount: z.number() });
export const depositedV2 = z.object({ amount: z.number(), currency: z.string().length(3) });
export const depositedV3 = z.object({
  money: z.object({ amount: z.number().positive(), currency: z.string().length(3) }),
});

export const MoneyDeposited = defineEvent('MoneyDeposited', {
  versions: [depositedV1, depositedV2, depositedV3],
  upcast: {
    1: (v1) => ({ ...v1, currency: 'EUR' }),
    2: (v2) => ({ money: { amount: v2.amount, currency: v2.currency } }),
  },
});

export const AccountOpened = defineEvent('AccountOpened', z.object({ owner: z.string().min(1) }));

/** Valibot, to show any Standard Schema works beside zod. */
export const MoneyWithdrawn = defineEvent(
  'MoneyWithdrawn',
  v.object({ amount: v.pipe(v.number(), v.minValue(1)) }),
);

export const bankEvents = defineEvents(AccountOpened, MoneyDeposited, MoneyWithdrawn);
