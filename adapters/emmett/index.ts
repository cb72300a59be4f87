export {
  type DynamoDBEmmettEventStore,
  type DynamoDBEmmettEventStoreOptions,
  getDynamoDBEventStore,
} from './dynamodb-event-store.js';
export {
  type DynamoDBReadEvent,
  type DynamoDBReadEventMetadata,
  toEmmettReadEvent,
} from './read-events.js';
