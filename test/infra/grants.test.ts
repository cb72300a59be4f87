import { AccountRootPrincipal, Role } from 'aws-cdk-lib/aws-iam';
import { Code, Function as LambdaFunction, Runtime } from 'aws-cdk-lib/aws-lambda';
import { beforeAll, describe, expect, it } from 'vitest';
import { TableActions } from '../../infra/tables.js';
import { EnvVar, Index } from '../../src/table.js';
import {
  actionsByResource,
  logicalId,
  type Synthesized,
  sorted,
  statementsOf,
  synthesize,
} from './synth.js';

describe('EventStore grants for other functions', () => {
  let synth: Synthesized;
  let appender: LambdaFunction;
  let reader: LambdaFunction;
  let caller: Role;
  let eventsArn: string;

  beforeAll(() => {
    synth = synthesize({
      extend: (stack, eventStore) => {
        const props = {
          runtime: Runtime.NODEJS_24_X,
          handler: 'index.handler',
          code: Code.fromInline('export const handler = async () => {};'),
        };
        appender = new LambdaFunction(stack, 'Appender', props);
        reader = new LambdaFunction(stack, 'Reader', props);
        eventStore.grantAppend(appender);
        eventStore.grantRead(reader);
        caller = new Role(stack, 'ApiCaller', { assumedBy: new AccountRootPrincipal() });
        eventStore.grantInvokeApi(caller);
      },
    });
    eventsArn = `${logicalId(synth.eventStore.eventsTable)}.Arn`;
  });

  it.each([
    ['grantAppend', () => appender],
    ['grantRead', () => reader],
  ])('%s sets EVENTS_TABLE_NAME on the function', (_, fn) => {
    synth.template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: { [EnvVar.eventsTable]: { Ref: logicalId(synth.eventStore.eventsTable) } },
      },
      Role: { 'Fn::GetAtt': [logicalId(fn().role!), 'Arn'] },
    });
  });

  it('grantAppend grants exactly what an append needs, on the events table only', () => {
    const byResource = actionsByResource(statementsOf(synth.template, appender));

    expect(byResource).toEqual({ [eventsArn]: sorted(TableActions.append) });
    expect(TableActions.append).not.toContain('dynamodb:DeleteItem');
  });

  it('grantRead grants reads of the events table, of $all and of snapshots, no writes', () => {
    const byResource = actionsByResource(statementsOf(synth.template, reader));

    expect(byResource).toEqual({
      [eventsArn]: sorted(TableActions.read),
      [`${eventsArn}/index/${Index.byPosition}`]: sorted(TableActions.read),
      [`${eventsArn}/index/${Index.byCategory}`]: sorted(TableActions.read),
      [`${logicalId(synth.eventStore.snapshotTable)}.Arn`]: sorted(TableActions.snapshotRead),
    });
  });

  it('grantRead sets SNAPSHOT_TABLE_NAME on the function', () => {
    synth.template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: {
          [EnvVar.snapshotTable]: { Ref: logicalId(synth.eventStore.snapshotTable) },
        },
      },
      Role: { 'Fn::GetAtt': [logicalId(reader.role!), 'Arn'] },
    });
  });

  it('grantInvokeApi lets a principal call the IAM-authorized API, and nothing else', () => {
    const policies = Object.values(
      synth.template.findResources('AWS::IAM::Policy', {
        Properties: { Roles: [{ Ref: logicalId(caller) }] },
      }),
    );
    const statements = policies.flatMap((p) => p.Properties.PolicyDocument.Statement);

    expect(statements).toHaveLength(1);
    expect(statements[0]).toMatchObject({ Action: 'execute-api:Invoke', Effect: 'Allow' });
    expect(JSON.stringify(statements[0].Resource)).toContain(
      logicalId(synth.eventStore.api.httpApi),
    );
  });
});
