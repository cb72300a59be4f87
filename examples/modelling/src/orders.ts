// #region orders
import {
  defineAggregate,
  type EventStore,
  loadAggregate,
  ValidationError,
  withCorrelation,
} from 'dynamo-event-store';
import { events, type OrderEvent } from './events.js';

type OrderState = { status: 'none' | 'placed' | 'paid' | 'shipped'; due: number };

export const orderAggregate = defineAggregate({
  events, // types `event` below: a union narrowed by `type`
  category: 'order',
  initialState: (): OrderState => ({ status: 'none', due: 0 }),
  evolve: (state, event): OrderState => {
    switch (event.type) {
      case 'OrderPlaced':
        return { status: 'placed', due: event.data.total.amount };
      case 'OrderPaid':
        return { status: 'paid', due: state.due - event.data.amount };
      case 'OrderShipped':
        return { ...state, status: 'shipped' };
      default:
        return state; // a type the registry does not know
    }
  },
});

export interface PayOrder {
  commandId: string;
  /** The request's id when the caller has one; otherwise the command starts the conversation. */
  correlationId?: string;
  orderId: string;
  amount: number;
}

export async function payOrder(store: EventStore<OrderEvent>, command: PayOrder) {
  const streamId = `order-${command.orderId}`;
  const { state, version } = await loadAggregate(store, orderAggregate, streamId);
  if (state.status !== 'placed') {
    throw new ValidationError('orderId', `must be an order awaiting payment (is ${state.status})`);
  }
  return store.appendToStream(streamId, [{ type: 'OrderPaid', data: { amount: command.amount } }], {
    expectedVersion: version,
    metadata: withCorrelation(command),
  });
}
// #endregion orders
