import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { InvalidDefinitionError } from '../src/errors.js';
import {
  type EventFilterOptions,
  type FilterPattern,
  streamEventFilter,
} from '../src/stream-filters.js';
import {
  createEventStoreFunction,
  defaultTimeouts,
  type FunctionOverrides,
} from './node-function.js';
import { addStreamSource, type EventSourceOverrides } from './stream-processors.js';

/** An app's own reader of the events, as `EventStoreConstruct.addConsumer` takes it. */
export interface EventConsumerOptions extends EventFilterOptions {
  /**
   * A handler module (exports `handler`, e.g. `createEventHandler(...)` from
   * `dynamo-event-store/lambda`), bundled like the store's own functions:
   * Node 24, ARM64, ESM, traced, its own log group and role. Give this or `function`.
   */
  readonly entry?: string;
  /** A function of the app's own instead of `entry`. */
  readonly function?: IFunction;
  /** Overrides of the bundled function's props (with `entry` only). */
  readonly functionOverrides?: FunctionOverrides;
  /** Records per invocation. Default 100. */
  readonly batchSize?: number;
  /** The rest of the mapping's props (not its filter, failure reporting or DLQ). */
  readonly eventSource?: EventSourceOverrides;
}

export interface EventConsumerProps extends EventConsumerOptions {
  readonly table: ITable;
  readonly environment: Record<string, string>;
  readonly logRetention: RetentionDays;
}

/**
 * An app's function on the events table's stream, on the same terms as the
 * store's projector: event INSERTs only, narrowed by type and stream prefix
 * with the SDK's `streamEventFilter` (so Lambda drops the rest before
 * invoking, and the local poller applies the same pattern), partial batch
 * responses, bisect on error, bounded retries and its own DLQ. It reads the
 * records it is given; to read the store too, `grantRead` it.
 */
export class EventConsumer extends Construct {
  readonly function: IFunction;
  readonly deadLetterQueue: Queue;
  /** The pattern the mapping deploys. */
  readonly filter: FilterPattern;

  constructor(scope: Construct, id: string, props: EventConsumerProps) {
    super(scope, id);
    if (props.entry !== undefined && props.function !== undefined) {
      throw new InvalidDefinitionError(
        `consumer ${id}`,
        'entry',
        'and function cannot both be given: the consumer is one function',
      );
    }
    this.filter = streamEventFilter(props);
    this.function = props.function ?? this.#bundled(props);
    this.deadLetterQueue = addStreamSource(this, this.function, {
      table: props.table,
      filters: [this.filter],
      eventSource: {
        ...(props.batchSize !== undefined && { batchSize: props.batchSize }),
        ...props.eventSource,
      },
    });
  }

  #bundled(props: EventConsumerProps): IFunction {
    if (props.entry === undefined) {
      throw new InvalidDefinitionError(
        `consumer ${this.node.id}`,
        'entry',
        'or function is required (a handler module to bundle, or a function of your own)',
      );
    }
    return createEventStoreFunction(this, 'Handler', {
      entry: props.entry,
      environment: props.environment,
      timeout: defaultTimeouts.processor,
      memorySize: 512,
      logRetention: props.logRetention,
      overrides: props.functionOverrides,
    });
  }
}
