// #region events
import { defineEvent, defineEvents, type EventsOf } from 'dynamo-event-store';
import { z } from 'zod';

// Version 1 of OrderPlaced carried a bare number; version 2 names the currency.
const orderPlacedV1 = z.object({ total: z.number() });
const orderPlacedV2 = z.object({
  total: z.object({ amount: z.number().positive(), currency: z.string().length(3) }),
});

export const OrderPlaced = defineEvent('OrderPlaced', {
  versions: [orderPlacedV1, orderPlacedV2],
  // Events stored at version 1 are read as version 2: the upcaster runs on every read.
  upcast: { 1: (v1) => ({ total: { amount: v1.total, currency: 'EUR' } }) },
});
export const OrderPaid = defineEvent('OrderPaid', z.object({ amount: z.number().positive() }));
export const OrderShipped = defineEvent('OrderShipped', z.object({ carrier: z.string() }));

// Exported as `events`: the name the construct and the local runtime look for.
export const events = defineEvents(OrderPlaced, OrderPaid, OrderShipped);
export type OrderEvent = EventsOf<typeof events>;
// #endregion events
