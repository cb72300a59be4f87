import type { AggregateDefinition } from 'dynamo-event-store';
import { accountAggregate } from './bank-account.js';

/** The app's aggregates module: bundled into the snapshotter, which snapshots `account-*` streams. */
export const aggregates: readonly AggregateDefinition[] = [accountAggregate];
