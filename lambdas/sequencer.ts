import { Logger } from '@aws-lambda-powertools/logger';
import { Sequencer } from '../src/position/sequencer.js';
import { clientFor, sequencerConfigFromEnv } from './config.js';
import { createSequencerHandler } from './stream/sequencer-handler.js';

const config = sequencerConfigFromEnv();

/** DynamoDB Streams (stream heads) -> positions, for a store in sequenced mode. */
export const handler = createSequencerHandler({
  sequencer: Sequencer.for({ tableName: config.eventsTable, client: clientFor(config) }),
  logger: new Logger({ serviceName: 'sequencer' }),
});
