import { EventStore, type EventStoreError } from 'dynamo-event-store';
import { DynamoEventStorageAdapter } from 'dynamo-event-store/castore';
import { EventStoreConstruct, type EventStoreConstructProps } from 'dynamo-event-store/cdk';
import { EventStoreClient, type EventStoreClientOptions } from 'dynamo-event-store/client';
import { type DynamoDBEmmettEventStore, getDynamoDBEventStore } from 'dynamo-event-store/emmett';
import {
  createApiHandler,
  createProjectorHandler,
  createSnapshotterHandler,
  type StreamHandler,
} from 'dynamo-event-store/lambda';
import { type LocalRuntimeOptions, startLocalRuntime } from 'dynamo-event-store/local';
import { InMemoryEventStore } from 'dynamo-event-store/testing';

/** Each subpath resolves, with types (the type-check proves those), and at run time. */
const props: EventStoreConstructProps = { projections: './projections.ts' };
const options: LocalRuntimeOptions = { port: 0 };
const clientOptions: EventStoreClientOptions = { url: 'http://localhost:3000' };
const handler: StreamHandler | undefined = undefined;
const error: EventStoreError | undefined = undefined;
const emmett: DynamoDBEmmettEventStore | undefined = undefined;
void [props, options, clientOptions, handler, error, emmett];
console.log(
  JSON.stringify({
    '.': typeof EventStore,
    './lambda': [createApiHandler, createProjectorHandler, createSnapshotterHandler].map(
      (f) => typeof f,
    ),
    './cdk': typeof EventStoreConstruct,
    './client': typeof EventStoreClient,
    './local': typeof startLocalRuntime,
    './emmett': typeof getDynamoDBEventStore,
    './castore': typeof DynamoEventStorageAdapter,
    './testing': typeof InMemoryEventStore,
  }),
);
