import type { ProjectionDefinition } from 'dynamo-event-store';
import { accountBalances } from './bank-account.js';

/**
 * The app's projections module: the construct bundles it into the projector
 * (and the API, which answers 404 for any other name), and the local runtime
 * takes the same list.
 */
export const projections: readonly ProjectionDefinition[] = [accountBalances];
