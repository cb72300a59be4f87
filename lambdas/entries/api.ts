import { events } from 'dynamo-event-store-app/events';
import { projections } from 'dynamo-event-store-app/projections';
import { createApiHandler } from '../handlers.js';
import { eventsFrom, projectionsFrom } from './app-module.js';

/** The API Lambda the construct deploys; it knows the app's projection names. */
export const handler = createApiHandler({
  projections: projectionsFrom(projections),
  ...eventsFrom(events),
});
