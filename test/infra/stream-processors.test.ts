import { beforeAll, describe, expect, it } from 'vitest';
import { defaultEventSource } from '../../infra/stream-processors.js';
import { eventInsertFilter } from '../../src/stream-filters.js';
import { logicalId, type Synthesized, synthesize } from './synth.js';

type Mapping = { Properties: Record<string, unknown> };

describe('EventStore stream processors', () => {
  let synth: Synthesized;
  let all: Mapping[];
  let mappings: Record<'projector' | 'snapshotter', Mapping>;

  beforeAll(() => {
    synth = synthesize();
    all = Object.values(
      synth.template.findResources('AWS::Lambda::EventSourceMapping'),
    ) as Mapping[];
    const forFunction = (id: string): Mapping => {
      const found = all.filter((m) => (m.Properties.FunctionName as { Ref?: string }).Ref === id);
      if (found.length !== 1)
        throw new Error(`expected one mapping for ${id}, got ${found.length}`);
      return found[0]!;
    };
    mappings = {
      projector: forFunction(logicalId(synth.projector.function)),
      snapshotter: forFunction(logicalId(synth.snapshotter.function)),
    };
  });

  const consumers = ['projector', 'snapshotter'] as const;

  it('maps the stream to exactly the two consumers, one mapping each', () => {
    expect(all).toHaveLength(2);
    expect(mappings.projector).not.toBe(mappings.snapshotter);
  });

  it.each(consumers)('%s reads the events table stream from the trim horizon', (consumer) => {
    expect(mappings[consumer].Properties).toMatchObject({
      EventSourceArn: { 'Fn::GetAtt': [logicalId(synth.eventStore.eventsTable), 'StreamArn'] },
      StartingPosition: 'TRIM_HORIZON',
    });
  });

  it.each(consumers)(
    '%s only receives event INSERTs (the pattern of src/stream-filters.ts)',
    (consumer) => {
      const { Filters } = mappings[consumer].Properties.FilterCriteria as {
        Filters: { Pattern: string }[];
      };

      expect(Filters.map((f) => JSON.parse(f.Pattern))).toEqual([
        { eventName: ['INSERT'], dynamodb: { Keys: { SK: { S: [{ prefix: 'VERSION#' }] } } } },
      ]);
      expect(JSON.parse(Filters[0]!.Pattern)).toEqual(eventInsertFilter);
    },
  );

  it.each(consumers)('%s reports batch item failures', (consumer) => {
    expect(mappings[consumer].Properties.FunctionResponseTypes).toEqual([
      'ReportBatchItemFailures',
    ]);
  });

  it.each(consumers)('%s bisects a failing batch', (consumer) => {
    expect(mappings[consumer].Properties.BisectBatchOnFunctionError).toBe(true);
  });

  it.each(consumers)('%s bounds retries and record age', (consumer) => {
    expect(mappings[consumer].Properties).toMatchObject({
      MaximumRetryAttempts: defaultEventSource.retryAttempts,
      MaximumRecordAgeInSeconds: defaultEventSource.maxRecordAge.toSeconds(),
    });
    expect(defaultEventSource.retryAttempts).toBeGreaterThanOrEqual(0);
    expect(defaultEventSource.maxRecordAge.toHours()).toBeLessThan(24);
  });

  it.each(consumers)('%s sends what still fails to its own SQS dead-letter queue', (consumer) => {
    const queueId = logicalId(synth[consumer].deadLetterQueue);

    expect(mappings[consumer].Properties.DestinationConfig).toEqual({
      OnFailure: { Destination: { 'Fn::GetAtt': [queueId, 'Arn'] } },
    });
    expect(synth.template.toJSON().Resources[queueId].Properties).toMatchObject({
      MessageRetentionPeriod: 14 * 24 * 3600,
      SqsManagedSseEnabled: true,
    });
  });
});
