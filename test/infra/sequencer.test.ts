import { beforeAll, describe, expect, it } from 'vitest';
import { sequencerEventSource } from '../../infra/event-store.js';
import { headChangeFilter } from '../../src/stream-filters.js';
import {
  actionsByResource,
  logicalId,
  type Synthesized,
  statementsOf,
  synthesize,
} from './synth.js';

type Mapping = { Properties: Record<string, unknown> };

describe('EventStore construct in sequenced mode', () => {
  let synth: Synthesized;
  let sequencer: NonNullable<Synthesized['eventStore']['sequencer']>;
  let mapping: Mapping;

  beforeAll(() => {
    synth = synthesize({ props: { positionMode: 'sequenced' } });
    const found = synth.eventStore.sequencer;
    if (!found) throw new Error('no sequencer in sequenced mode');
    sequencer = found;
    const mappings = Object.values(
      synth.template.findResources('AWS::Lambda::EventSourceMapping'),
    ) as Mapping[];
    const mine = mappings.filter(
      (m) => (m.Properties.FunctionName as { Ref?: string }).Ref === logicalId(sequencer.function),
    );
    if (mine.length !== 1) throw new Error(`expected one sequencer mapping, got ${mine.length}`);
    mapping = mine[0] as Mapping;
  });

  it('deploys the sequencer on the heads records only (the pattern of src/stream-filters.ts), in large batches', () => {
    const { Filters } = mapping.Properties.FilterCriteria as { Filters: { Pattern: string }[] };
    expect(Filters.map((f) => JSON.parse(f.Pattern))).toEqual([headChangeFilter]);
    expect(mapping.Properties).toMatchObject({
      EventSourceArn: { 'Fn::GetAtt': [logicalId(synth.eventStore.eventsTable), 'StreamArn'] },
      StartingPosition: 'TRIM_HORIZON',
      BatchSize: sequencerEventSource.batchSize,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      BisectBatchOnFunctionError: true,
    });
  });

  it('sends failed batches to its own dead-letter queue and alarms on its lag and its DLQ', () => {
    expect(mapping.Properties.DestinationConfig).toEqual({
      OnFailure: { Destination: { 'Fn::GetAtt': [logicalId(sequencer.deadLetterQueue), 'Arn'] } },
    });
    synth.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/Lambda',
      MetricName: 'IteratorAge',
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: logicalId(sequencer.function) } }],
    });
    synth.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [
        {
          Name: 'QueueName',
          Value: { 'Fn::GetAtt': [logicalId(sequencer.deadLetterQueue), 'QueueName'] },
        },
      ],
    });
  });

  it('tells every function the mode, and lets the sequencer write only the events table', () => {
    for (const fn of [synth.eventStore.api.function, sequencer.function]) {
      const resource = synth.template.findResources('AWS::Lambda::Function')[logicalId(fn)];
      const properties = (resource?.Properties ?? {}) as {
        Environment?: { Variables: Record<string, unknown> };
      };
      const Environment = properties.Environment ?? { Variables: {} };
      expect(Environment.Variables.POSITION_MODE).toBe('sequenced');
    }
    const byResource = actionsByResource(statementsOf(synth.template, sequencer.function));
    const tables = Object.keys(byResource).filter((name) => /Table.*\.Arn$/.test(name));
    expect(tables).toEqual([`${logicalId(synth.eventStore.eventsTable)}.Arn`]);
    expect(byResource[`${logicalId(synth.eventStore.eventsTable)}.Arn`]).toEqual(
      expect.arrayContaining([
        'dynamodb:GetItem',
        'dynamodb:PutItem',
        'dynamodb:Query',
        'dynamodb:UpdateItem',
      ]),
    );
  });

  it('deploys no sequencer in the other modes', () => {
    expect(synthesize().eventStore.sequencer).toBeUndefined();
    expect(synthesize({ props: { positionMode: 'strict' } }).eventStore.sequencer).toBeUndefined();
  });
});
