// #region shipping
import { causedBy, type EventStore } from 'dynamo-event-store';
import { createEventHandler } from 'dynamo-event-store/lambda';
import { events, type OrderEvent } from './events.js';

/** A consumer (`eventStore.addConsumer`): ships every paid order. */
export const shippingHandler = (store: EventStore<OrderEvent>) =>
  createEventHandler({
    events, // events arrive parsed, upcast and typed
    handle: async (event) => {
      if (event.type !== 'OrderPaid') return;
      // In the payment's conversation, caused by the payment.
      await store.appendToStream(
        event.streamId,
        [{ type: 'OrderShipped', data: { carrier: 'post' } }],
        {
          metadata: causedBy(event),
        },
      );
    },
  });
// #endregion shipping
