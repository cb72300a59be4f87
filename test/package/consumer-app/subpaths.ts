import { EventStore, type EventStoreError } from 'dynamo-event-store';
import { EventStoreConstruct, type EventStoreConstructProps } from 'dynamo-event-store/cdk';
import { EventStoreClient, type EventStoreClientOptions } from 'dynamo-event-store/client';
import {
  createApiHandler,
  createProjectorHandler,
  createSnapshotterHandler,
  type StreamHandler,
} from 'dynamo-event-store/lambda';
import { type LocalRuntimeOptions, startLocalRuntime } from 'dynamo-event-store/local';

/** Each subpath resolves, with types (the type-check proves those), and at run time. */
const props: EventStoreConstructProps = { projections: './projections.ts' };
const options: LocalRuntimeOptions = { port: 0 };
const clientOptions: EventStoreClientOptions = { url: 'http://localhost:3000' };
const handler: StreamHandler | undefined = undefined;
const error: EventStoreError | undefined = undefined;
void [props, options, clientOptions, handler, error];
console.log(
  JSON.stringify({
    '.': typeof EventStore,
    './lambda': [createApiHandler, createProjectorHandler, createSnapshotterHandler].map(
      (f) => typeof f,
    ),
    './cdk': typeof EventStoreConstruct,
    './client': typeof EventStoreClient,
    './local': typeof startLocalRuntime,
  }),
);
