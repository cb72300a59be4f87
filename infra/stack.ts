import { Stack, type StackProps, Tags } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { EventStoreConstruct, type EventStoreConstructProps } from './event-store.js';

export interface EventStoreStackProps extends StackProps {
  readonly stage: string;
  readonly eventStore?: EventStoreConstructProps;
}

/** Composition only: one EventStoreConstruct, tagged with its stage. */
export class EventStoreStack extends Stack {
  readonly eventStore: EventStoreConstruct;

  constructor(scope: Construct, id: string, props: EventStoreStackProps) {
    super(scope, id, {
      description: `dynamo-event-store (${props.stage})`,
      ...props,
    });
    Tags.of(this).add('project', 'dynamo-event-store');
    Tags.of(this).add('stage', props.stage);
    this.eventStore = new EventStoreConstruct(this, 'EventStore', props.eventStore);
  }
}

const stagePattern = /^[a-z][a-z0-9-]{0,19}$/;

/** `-c stage=prod` wins over `STAGE=prod`; default `dev`. */
export function resolveStage(fromContext: unknown, fromEnv: string | undefined): string {
  const stage = fromContext ?? fromEnv ?? 'dev';
  if (typeof stage !== 'string' || !stagePattern.test(stage)) {
    throw new Error(
      `stage must match ${stagePattern} (lowercase letter, then up to 19 of a-z 0-9 -), got ${JSON.stringify(stage)}`,
    );
  }
  return stage;
}

export function stackName(stage: string): string {
  return `DynamoEventStore-${stage}`;
}
