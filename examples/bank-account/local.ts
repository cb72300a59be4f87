import { serveFromEnvironment } from 'dynamo-event-store/local';
import { aggregates } from './src/aggregates.js';
import { events } from './src/events.js';
import { projections } from './src/projections.js';

/** `npm start` at the repository root: the store on this machine with the bank-account app. */
serveFromEnvironment({ projections, aggregates, events });
