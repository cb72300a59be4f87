import { aggregates } from 'dynamo-event-store-app/aggregates';
import { events } from 'dynamo-event-store-app/events';
import { createSnapshotterHandler } from '../handlers.js';
import { aggregatesFrom, eventsFrom } from './app-module.js';

/** The snapshotter Lambda the construct deploys, with the app's aggregates bundled in. */
export const handler = createSnapshotterHandler({
  aggregates: aggregatesFrom(aggregates),
  ...eventsFrom(events),
});
