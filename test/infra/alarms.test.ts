import { isDeepStrictEqual as isEqual } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { logicalId, type Synthesized, synthesize } from './synth.js';

interface MetricQuery {
  MetricStat?: { Metric: { MetricName: string; Dimensions: { Name: string; Value: unknown }[] } };
}

describe('EventStore alarms', () => {
  let synth: Synthesized;

  beforeAll(() => {
    synth = synthesize();
  });

  const lambdaAlarm = (metricName: string, functionId: string) => ({
    Namespace: 'AWS/Lambda',
    MetricName: metricName,
    Dimensions: [{ Name: 'FunctionName', Value: { Ref: functionId } }],
    ComparisonOperator: 'GreaterThanOrEqualToThreshold',
  });

  it.each(['projector', 'snapshotter'] as const)(
    'alarms when the %s falls behind the stream',
    (consumer) => {
      synth.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        ...lambdaAlarm('IteratorAge', logicalId(synth[consumer].function)),
        Statistic: 'Maximum',
        Threshold: 5 * 60 * 1000,
      });
    },
  );

  it.each(['projector', 'snapshotter'] as const)(
    'alarms as soon as the %s dead-letter queue holds a message',
    (consumer) => {
      synth.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'AWS/SQS',
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Dimensions: [
          {
            Name: 'QueueName',
            Value: {
              'Fn::GetAtt': [logicalId(synth[consumer].deadLetterQueue), 'QueueName'],
            },
          },
        ],
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      });
    },
  );

  it.each(['api', 'projector', 'snapshotter'] as const)(
    'alarms on %s errors and throttles',
    (name) => {
      const fn = name === 'api' ? synth.eventStore.api.function : synth[name].function;

      for (const metric of ['Errors', 'Throttles']) {
        synth.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
          ...lambdaAlarm(metric, logicalId(fn)),
          Statistic: 'Sum',
          Threshold: 1,
        });
      }
    },
  );

  it.each(['eventsTable', 'readModelTable'] as const)(
    'alarms on DynamoDB throttled requests of the %s, transactions included',
    (table) => {
      const tableRef = { Name: 'TableName', Value: { Ref: logicalId(synth.eventStore[table]) } };
      const alarms = Object.values(synth.template.findResources('AWS::CloudWatch::Alarm')).filter(
        (alarm) =>
          ((alarm.Properties.Metrics ?? []) as MetricQuery[]).some(
            (q) =>
              q.MetricStat?.Metric.MetricName === 'ThrottledRequests' &&
              q.MetricStat.Metric.Dimensions.some((d) => isEqual(d, tableRef)),
          ),
      );
      const operations = ((alarms[0]?.Properties.Metrics ?? []) as MetricQuery[]).flatMap(
        (q) => q.MetricStat?.Metric.Dimensions.filter((d) => d.Name === 'Operation') ?? [],
      );

      expect(alarms).toHaveLength(1);
      expect(alarms[0]!.Properties).toMatchObject({ Threshold: 1 });
      expect(operations.map((d) => d.Value)).toEqual(
        expect.arrayContaining(['TransactWriteItems', 'PutItem', 'GetItem', 'Query']),
      );
    },
  );

  it('treats no data (an idle store) as fine', () => {
    for (const alarm of Object.values(synth.template.findResources('AWS::CloudWatch::Alarm'))) {
      expect(alarm.Properties.TreatMissingData).toBe('notBreaching');
    }
  });
});
