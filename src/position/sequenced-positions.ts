import { PositionMode, type StoreLayout } from './counter.js';
import type { PositionStrategy, Reservation } from './strategy.js';

/** Sequenced mode: an append claims no position; the sequencer places it after the commit. */
export class SequencedPositions implements PositionStrategy {
  readonly mode = PositionMode.sequenced;

  constructor(readonly layout: StoreLayout) {}

  async reserve(): Promise<Reservation> {
    return {
      first: null,
      last: null,
      guardsHead: false,
      positionActions: () => [],
      eventPlacement: () => ({}),
      onPositionActionFailed: () => 'retry',
      committed: () => {},
      // Nothing but the transaction's own items: an unknown outcome is for the idempotency check.
      abandon: async (outcome) => (outcome === 'unknown' ? 'unknown' : 'not-committed'),
    };
  }
}
