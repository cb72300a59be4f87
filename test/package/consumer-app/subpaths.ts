import { EventStore, type EventStoreError } from 'dynamo-event-store';
import { EventStoreConstruct, type EventStoreConstructProps } from 'dynamo-event-store/cdk';
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
const handler: StreamHandler | undefined = undefined;
const error: EventStoreError | undefined = undefined;
void [props, options, handler, error];
console.log(
  JSON.stringify({
    '.': typeof EventStore,
    './lambda': [createApiHandler, createProjectorHandler, createSnapshotterHandler].map(
      (f) => typeof f,
    ),
    './cdk': typeof EventStoreConstruct,
    './local': typeof startLocalRuntime,
    './testing': typeof InMemoryEventStore,
  }),
);
