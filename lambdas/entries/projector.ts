import { events } from 'dynamo-event-store-app/events';
import { projections } from 'dynamo-event-store-app/projections';
import { createProjectorHandler } from '../handlers.js';
import { eventsFrom, projectionsFrom } from './app-module.js';

/** The projector Lambda the construct deploys, with the app's projections bundled in. */
export const handler = createProjectorHandler({
  projections: projectionsFrom(projections),
  ...eventsFrom(events),
});
