/**
 * `dynamo-event-store/testing`: what a user's tests need to run a domain on
 * the store without DynamoDB. It imports no AWS SDK (a dependency-cruiser
 * rule keeps it so), so a test that imports only this and the domain starts fast.
 */
export { InMemoryEventStore, type InMemoryEventStoreOptions } from './in-memory-event-store.js';
export { projectAll } from './project-all.js';
