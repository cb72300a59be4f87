/**
 * `dynamo-event-store/lambda`: handler factories for the functions the CDK
 * construct deploys, and for your own. Each reads its settings from the
 * environment the construct sets, once, when it is called.
 */
export type {
  APIGatewayProxyEventV2,
  DynamoDBBatchResponse,
  DynamoDBStreamEvent,
} from 'aws-lambda';
export type { ApiHandler } from './api/create-api-handler.js';
export type { ApiResult } from './api/responses.js';
export {
  type ApiHandlerOptions,
  createApiHandler,
  createEventHandler,
  createProjectorHandler,
  createSequencerHandler,
  createSnapshotterHandler,
  type EventHandlerOptions,
  type HandlerEnvironment,
  type ProjectorHandlerOptions,
  type SnapshotterHandlerOptions,
} from './handlers.js';
export type { StreamHandler } from './stream/partial-batch.js';
