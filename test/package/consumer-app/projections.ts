import { defineProjection, type ProjectionDefinition } from 'dynamo-event-store';

/** The consumer app's own projection module, bundled into its projector by the construct. */
export const projections: readonly ProjectionDefinition[] = [
  defineProjection<{ total: number }>({
    name: 'order-totals',
    eventTypes: ['OrderPlaced'],
    key: (event) => event.streamId,
    initialState: () => ({ total: 0 }),
    evolve: (state, event) => ({ total: state.total + (event.data as { total: number }).total }),
  }),
];
