import { aggregates } from 'dynamo-event-store-app/aggregates';
import { createSnapshotterHandler } from '../handlers.js';
import { aggregatesFrom } from './app-module.js';

/** The snapshotter Lambda the construct deploys, with the app's aggregates bundled in. */
export const handler = createSnapshotterHandler({ aggregates: aggregatesFrom(aggregates) });
