import { EventBus } from 'aws-cdk-lib/aws-events';
import { beforeAll, describe, expect, it } from 'vitest';
import type { EventBusFanOut } from '../../infra/event-bus-fan-out.js';
import type { EventConsumer } from '../../infra/event-consumer.js';
import { passesFilters } from '../../local/streams/event-filter.js';
import type { FilterPattern } from '../../src/stream-filters.js';
import { Attr, Keys } from '../../src/table.js';
import { consumerEntry, consumerFilter, logicalId, synthesize } from './synth.js';

/** A DynamoDB stream record as Lambda and Pipes filter it. */
function record(
  eventName: 'INSERT' | 'MODIFY' | 'REMOVE',
  sk: string,
  image: { streamId: string; type?: string },
): unknown {
  return {
    eventName,
    dynamodb: {
      Keys: { [Attr.pk]: { S: image.streamId }, [Attr.sk]: { S: sk } },
      NewImage: {
        [Attr.streamId]: { S: image.streamId },
        ...(image.type && { [Attr.type]: { S: image.type } }),
      },
    },
  };
}

const event = `${Keys.versionPrefix}00000001`;

describe('the filters the construct deploys for app readers, as the local poller evaluates them', () => {
  let deployed: { consumer: FilterPattern[]; fanOut: FilterPattern[] };

  beforeAll(() => {
    let reader: EventConsumer | undefined;
    let toBus: EventBusFanOut | undefined;
    const { template } = synthesize({
      extend: (stack, store) => {
        reader = store.addConsumer('Reader', { entry: consumerEntry, ...consumerFilter });
        toBus = store.addEventBusFanOut('ToBus', {
          eventBus: new EventBus(stack, 'Bus'),
          ...consumerFilter,
        });
      },
    });
    if (!reader || !toBus) throw new Error('no reader or fan-out');
    const [mapping] = Object.values(
      template.findResources('AWS::Lambda::EventSourceMapping', {
        Properties: { FunctionName: { Ref: logicalId(reader.function) } },
      }),
    );
    const pipe = template.toJSON().Resources[logicalId(toBus.pipe)];
    const patterns = (filters: { Pattern: string }[]): FilterPattern[] =>
      filters.map((f) => JSON.parse(f.Pattern) as FilterPattern);
    deployed = {
      consumer: patterns(mapping?.Properties.FilterCriteria.Filters ?? []),
      fanOut: patterns(pipe?.Properties.SourceParameters.FilterCriteria.Filters ?? []),
    };
  });

  it.each([
    [
      'a Deposited event in account-1',
      record('INSERT', event, { streamId: 'account-1', type: 'Deposited' }),
      true,
    ],
    [
      'a Withdrawn event in account-2',
      record('INSERT', event, { streamId: 'account-2', type: 'Withdrawn' }),
      true,
    ],
    [
      'an event of another type',
      record('INSERT', event, { streamId: 'account-1', type: 'Opened' }),
      false,
    ],
    [
      'an event in another stream',
      record('INSERT', event, { streamId: 'order-1', type: 'Deposited' }),
      false,
    ],
    ['a stream head', record('MODIFY', Keys.headSk, { streamId: 'account-1' }), false],
    [
      'a snapshot-like non-event insert',
      record('INSERT', 'SNAPSHOT', { streamId: 'account-1', type: 'Deposited' }),
      false,
    ],
    [
      'an event removed',
      record('REMOVE', event, { streamId: 'account-1', type: 'Deposited' }),
      false,
    ],
  ])('%s: passes both deployed filters = %s', (_name, streamRecord, passes) => {
    expect(deployed.consumer).toHaveLength(1);
    expect(deployed.fanOut).toHaveLength(1);
    expect(passesFilters(deployed.consumer, streamRecord)).toBe(passes);
    expect(passesFilters(deployed.fanOut, streamRecord)).toBe(passes);
  });
});
