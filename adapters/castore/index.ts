export { DynamoEventStorageAdapter } from './adapter.js';
export { EventAlreadyExistsError } from './events.js';
