import { Match } from 'aws-cdk-lib/assertions';
import { Runtime } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { EventConsumer } from '../../infra/event-consumer.js';
import { defaultEventSource } from '../../infra/stream-processors.js';
import { InvalidDefinitionError } from '../../src/errors.js';
import { streamEventFilter } from '../../src/stream-filters.js';
import { consumerEntry, consumerFilter, logicalId, type Synthesized, synthesize } from './synth.js';

type Mapping = { Properties: Record<string, unknown> };

describe('EventStoreConstruct.addConsumer', () => {
  let synth: Synthesized;
  let consumer: EventConsumer;
  let mapping: Mapping;

  beforeAll(() => {
    let added: EventConsumer | undefined;
    synth = synthesize({
      extend: (_stack, eventStore) => {
        added = eventStore.addConsumer('Notifier', {
          entry: consumerEntry,
          ...consumerFilter,
          batchSize: 25,
        });
      },
    });
    if (!added) throw new Error('no consumer');
    consumer = added;
    const mine = Object.values(
      synth.template.findResources('AWS::Lambda::EventSourceMapping'),
    ).filter(
      (m) => (m.Properties.FunctionName as { Ref?: string }).Ref === logicalId(consumer.function),
    ) as Mapping[];
    if (mine.length !== 1) throw new Error(`expected one mapping, got ${mine.length}`);
    mapping = mine[0] as Mapping;
  });

  it("maps the app's function to the events stream with streamEventFilter's pattern for its types and prefixes", () => {
    const { Filters } = mapping.Properties.FilterCriteria as { Filters: { Pattern: string }[] };

    expect(Filters.map((f) => JSON.parse(f.Pattern))).toEqual([streamEventFilter(consumerFilter)]);
    expect(consumer.filter).toEqual(streamEventFilter(consumerFilter));
    expect(mapping.Properties).toMatchObject({
      EventSourceArn: { 'Fn::GetAtt': [logicalId(synth.eventStore.eventsTable), 'StreamArn'] },
      StartingPosition: 'TRIM_HORIZON',
      BatchSize: 25,
    });
  });

  it('reports partial batch failures, bisects, bounds retries and sends what still fails to its own DLQ', () => {
    expect(mapping.Properties).toMatchObject({
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      BisectBatchOnFunctionError: true,
      MaximumRetryAttempts: defaultEventSource.retryAttempts,
      MaximumRecordAgeInSeconds: defaultEventSource.maxRecordAge.toSeconds(),
      DestinationConfig: {
        OnFailure: { Destination: { 'Fn::GetAtt': [logicalId(consumer.deadLetterQueue), 'Arn'] } },
      },
    });
  });

  it('bundles the entry like the store’s functions: Node 24, ARM64, traced', () => {
    synth.template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      TracingConfig: { Mode: 'Active' },
      Environment: {
        Variables: Match.objectLike({
          EVENTS_TABLE_NAME: { Ref: logicalId(synth.eventStore.eventsTable) },
        }),
      },
    });
  });

  it('alarms on its errors, throttles, iterator age and dead letters', () => {
    const fn = { Ref: logicalId(consumer.function) };
    for (const metricName of ['Errors', 'Throttles', 'IteratorAge']) {
      synth.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'AWS/Lambda',
        MetricName: metricName,
        Dimensions: [{ Name: 'FunctionName', Value: fn }],
      });
    }
    synth.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [
        {
          Name: 'QueueName',
          Value: { 'Fn::GetAtt': [logicalId(consumer.deadLetterQueue), 'QueueName'] },
        },
      ],
    });
  });

  it('takes a function of the app’s own instead of an entry, creating none', () => {
    let fn: NodejsFunction | undefined;
    const { template } = synthesize({
      extend: (stack, eventStore) => {
        fn = new NodejsFunction(stack, 'Own', {
          entry: consumerEntry,
          runtime: Runtime.NODEJS_24_X,
        });
        eventStore.addConsumer('Own', { function: fn });
      },
    });
    if (!fn) throw new Error('no function');

    expect(Object.keys(template.findResources('AWS::Lambda::Function'))).toHaveLength(4);
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: logicalId(fn) },
      FilterCriteria: { Filters: [{ Pattern: JSON.stringify(streamEventFilter()) }] },
    });
  });

  it.each<[string, { entry?: string; ownFunction?: boolean; eventTypes?: string[] }]>([
    ['neither entry nor function', {}],
    ['both entry and function', { entry: consumerEntry, ownFunction: true }],
    ['an empty eventTypes', { entry: consumerEntry, eventTypes: [] }],
  ])('rejects %s with InvalidDefinitionError', (_name, { ownFunction, ...options }) => {
    expect(() =>
      synthesize({
        extend: (stack, eventStore) => {
          const fn = ownFunction
            ? new NodejsFunction(stack, 'Own', {
                entry: consumerEntry,
                runtime: Runtime.NODEJS_24_X,
              })
            : undefined;
          eventStore.addConsumer('Bad', { ...options, ...(fn && { function: fn }) });
        },
      }),
    ).toThrow(InvalidDefinitionError);
  });
});
