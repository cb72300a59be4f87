import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { EventStoreStack, resolveStage, stackName } from '../../infra/stack.js';
import { exampleModules, testApp } from './synth.js';

describe('EventStoreStack', () => {
  it.each([
    ['prod', 'staging', 'prod'],
    [undefined, 'staging', 'staging'],
    [undefined, undefined, 'dev'],
  ])('resolves the stage from context %s and STAGE %s to %s', (context, env, expected) => {
    expect(resolveStage(context, env)).toBe(expected);
  });

  it.each(['Prod', 'a b', '', 42, 'x'.repeat(21)])(
    'rejects the stage %j with the rule',
    (stage) => {
      expect(() => resolveStage(stage, undefined)).toThrow(/stage must match/);
    },
  );

  it('composes one event store, env-agnostic, tagged with its stage', () => {
    const stack = new EventStoreStack(testApp(), stackName('qa'), {
      stage: 'qa',
      eventStore: exampleModules,
    });
    const template = Template.fromStack(stack);

    expect(stack.stackName).toBe('DynamoEventStore-qa');
    expect(stack.environment).toBe('aws://unknown-account/unknown-region');
    template.resourceCountIs('AWS::DynamoDB::Table', 3);
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      Tags: [
        { Key: 'project', Value: 'dynamo-event-store' },
        { Key: 'stage', Value: 'qa' },
      ],
    });
  });
});
