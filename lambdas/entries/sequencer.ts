import { createSequencerHandler } from '../handlers.js';

/** The sequencer Lambda the construct deploys for a store in sequenced mode. */
export const handler = createSequencerHandler();
