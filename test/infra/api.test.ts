import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { defaultThrottle } from '../../infra/api.js';
import { logicalId, type Synthesized, synthesize } from './synth.js';

describe('EventStore HTTP API', () => {
  let synth: Synthesized;

  beforeAll(() => {
    synth = synthesize();
  });

  it('requires IAM authorization on every route', () => {
    const routes = Object.values(synth.template.findResources('AWS::ApiGatewayV2::Route'));

    expect(routes.length).toBeGreaterThan(0);
    for (const route of routes) expect(route.Properties.AuthorizationType).toBe('AWS_IAM');
  });

  it('routes every request to the API function, which owns the routing', () => {
    const integrationId = Object.keys(
      synth.template.findResources('AWS::ApiGatewayV2::Integration', {
        Properties: {
          IntegrationType: 'AWS_PROXY',
          PayloadFormatVersion: '2.0',
          IntegrationUri: { 'Fn::GetAtt': [logicalId(synth.eventStore.api.function), 'Arn'] },
        },
      }),
    );

    expect(integrationId).toHaveLength(1);
    synth.template.hasResourceProperties('AWS::ApiGatewayV2::Route', {
      RouteKey: '$default',
      Target: { 'Fn::Join': ['', ['integrations/', { Ref: integrationId[0] }]] },
    });
  });

  it('has no route but $default, so GET /openapi.json reaches the handler like every path', () => {
    const routeKeys = Object.values(synth.template.findResources('AWS::ApiGatewayV2::Route')).map(
      (route) => route.Properties.RouteKey,
    );

    expect(routeKeys).toEqual(['$default']);
  });

  it('throttles the $default stage, which deploys itself', () => {
    synth.template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      AutoDeploy: true,
      DefaultRouteSettings: {
        ThrottlingRateLimit: defaultThrottle.rateLimit,
        ThrottlingBurstLimit: defaultThrottle.burstLimit,
      },
    });
  });

  it('writes JSON access logs, with the request id and the caller, to its own log group', () => {
    const logGroupId = logicalId(synth.eventStore.api.accessLogs);
    const stage = Object.values(synth.template.findResources('AWS::ApiGatewayV2::Stage'))[0]!;
    const settings = stage.Properties.AccessLogSettings as {
      DestinationArn: unknown;
      Format: string;
    };

    expect(settings.DestinationArn).toEqual({ 'Fn::GetAtt': [logGroupId, 'Arn'] });
    expect(JSON.parse(settings.Format)).toMatchObject({
      requestId: '$context.requestId',
      caller: '$context.identity.caller',
      status: '$context.status',
    });
  });

  it('outputs the API URL and both table names', () => {
    const outputs = synth.template.findOutputs('*');
    const names = Object.keys(outputs);

    for (const name of ['ApiUrl', 'EventsTableName', 'ReadModelTableName']) {
      expect(names.some((n) => n.includes(name))).toBe(true);
    }
    synth.template.hasOutput('*', {
      Value: { Ref: logicalId(synth.eventStore.eventsTable) },
    });
    synth.template.hasOutput('*', {
      Value: Match.objectLike({ 'Fn::Join': Match.anyValue() }),
      Description: 'HTTP API base URL',
    });
  });
});
