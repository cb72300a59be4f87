import { HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { Key } from 'aws-cdk-lib/aws-kms';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  actionsByResource,
  logicalId,
  type Synthesized,
  statementsOf,
  synthesize,
} from './synth.js';

const issuer = 'https://issuer.example.com/';

/** One stack with every option: a customer managed key, a JWT authorizer, a custom throttle. */
describe('EventStore options', () => {
  let synth: Synthesized;
  let keyId: string;

  beforeAll(() => {
    let key: Key | undefined;
    synth = synthesize({
      props: (stack) => {
        key = new Key(stack, 'TableKey', { enableKeyRotation: true });
        return {
          encryptionKey: key,
          apiAuthorizer: new HttpJwtAuthorizer('Jwt', issuer, { jwtAudience: ['event-store'] }),
          apiAuthorizationScopes: ['events/append'],
          apiThrottle: { rateLimit: 10, burstLimit: 20 },
        };
      },
    });
    keyId = logicalId(key!);
  });

  it('encrypts both tables with the customer managed key', () => {
    for (const table of [synth.eventStore.eventsTable, synth.eventStore.readModelTable]) {
      expect(
        synth.template.toJSON().Resources[logicalId(table)].Properties.SSESpecification,
      ).toEqual({
        SSEEnabled: true,
        SSEType: 'KMS',
        KMSMasterKeyId: { 'Fn::GetAtt': [keyId, 'Arn'] },
      });
    }
  });

  it('lets readers decrypt and writers encrypt with the key', () => {
    const keyArn = `${keyId}.Arn`;
    const api = actionsByResource(statementsOf(synth.template, synth.eventStore.api.function));
    const projector = actionsByResource(statementsOf(synth.template, synth.projector.function));

    expect(api[keyArn]).toEqual(expect.arrayContaining(['kms:Decrypt', 'kms:Encrypt']));
    expect(projector[keyArn]).toEqual(expect.arrayContaining(['kms:Decrypt', 'kms:Encrypt']));
  });

  it('puts the JWT authorizer, with the required scopes, on every route', () => {
    const routes = Object.values(synth.template.findResources('AWS::ApiGatewayV2::Route'));
    const [authorizerId] = Object.keys(
      synth.template.findResources('AWS::ApiGatewayV2::Authorizer', {
        Properties: {
          AuthorizerType: 'JWT',
          JwtConfiguration: { Issuer: issuer, Audience: ['event-store'] },
        },
      }),
    );

    expect(authorizerId).toBeDefined();
    expect(routes.length).toBeGreaterThan(0);
    for (const route of routes) {
      expect(route.Properties).toMatchObject({
        AuthorizationType: 'JWT',
        AuthorizerId: { Ref: authorizerId },
        AuthorizationScopes: ['events/append'],
      });
    }
  });

  it('applies the throttle given', () => {
    synth.template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      DefaultRouteSettings: { ThrottlingRateLimit: 10, ThrottlingBurstLimit: 20 },
    });
  });
});
