/**
 * `dynamo-event-store/cdk`: the event store as a CDK construct for your app
 * (peers `aws-cdk-lib` and `constructs`; `esbuild` to bundle the functions).
 */
export type { EventStoreAlarmsProps } from './alarms.js';
export type { ApiOverrides } from './api.js';
export {
  EventBusFanOut,
  type EventBusFanOutOptions,
} from './event-bus-fan-out.js';
export { EventConsumer, type EventConsumerOptions } from './event-consumer.js';
export { EventStoreConstruct, type EventStoreConstructProps } from './event-store.js';
export type { FunctionOverrides } from './node-function.js';
export { EventStoreSdkLayer } from './sdk-layer.js';
export { EventStoreStack, type EventStoreStackProps, resolveStage, stackName } from './stack.js';
export type { EventSourceOverrides } from './stream-processors.js';
export type { TableOverrides } from './tables.js';
