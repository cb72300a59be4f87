import { RemovalPolicy } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import {
  HttpApi,
  type HttpApiProps,
  type HttpStage,
  type IHttpRouteAuthorizer,
  LogGroupLogDestination,
  type ThrottleSettings,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpIamAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import {
  createEventStoreFunction,
  defaultTimeouts,
  type FunctionOverrides,
} from './node-function.js';
import { lambdaEntries } from './paths.js';
import type { EventStoreTables } from './tables.js';

export interface EventStoreApiProps {
  readonly tables: EventStoreTables;
  /** The table names (and position mode) every function of the store is told. */
  readonly environment: Record<string, string>;
  /** The app's modules, bound into the bundle (see `appModuleAliases`). */
  readonly aliases: Record<string, string>;
  readonly logRetention: RetentionDays;
  /**
   * Applied to every route. Default: IAM (SigV4-signed requests). Pass an
   * `HttpJwtAuthorizer` to accept tokens from an OIDC/OAuth2 issuer instead.
   */
  readonly authorizer?: IHttpRouteAuthorizer | undefined;
  /** Scopes a JWT must carry (JWT authorizers only). */
  readonly authorizationScopes?: string[] | undefined;
  /** Default: 100 requests/s steady, bursts of 200 (about twice the store's commit ceiling). */
  readonly throttle?: ThrottleSettings | undefined;
  readonly function?: FunctionOverrides | undefined;
  readonly httpApi?: ApiOverrides | undefined;
}

/** The authorizer, integration and stage are the construct's: they carry its promises. */
export type ApiOverrides = Omit<
  HttpApiProps,
  'defaultIntegration' | 'defaultAuthorizer' | 'defaultAuthorizationScopes' | 'createDefaultStage'
>;

export const defaultThrottle = { rateLimit: 100, burstLimit: 200 } as const;

/**
 * HTTP API variables only (REST-only ones like `$context.resourcePath` log
 * as "-"); every value quoted so a missing one still yields valid JSON.
 */
const accessLogFields = {
  requestId: '$context.requestId',
  requestTime: '$context.requestTime',
  ip: '$context.identity.sourceIp',
  caller: '$context.identity.caller',
  userArn: '$context.identity.userArn',
  jwtSubject: '$context.authorizer.claims.sub',
  httpMethod: '$context.httpMethod',
  routeKey: '$context.routeKey',
  path: '$context.path',
  status: '$context.status',
  protocol: '$context.protocol',
  responseLength: '$context.responseLength',
  responseLatency: '$context.responseLatency',
  integrationLatency: '$context.integrationLatency',
  integrationStatus: '$context.integrationStatus',
  integrationError: '$context.integrationErrorMessage',
  authorizerError: '$context.authorizer.error',
  error: '$context.error.message',
} as const;

/**
 * One Lambda behind one `$default` route: the handler owns routing (as the
 * local HTTP server does with the same handler), so the route table is
 * written once, in `lambdas/`, and the authorizer covers every path.
 */
export class EventStoreApi extends Construct {
  readonly function: NodejsFunction;
  readonly httpApi: HttpApi;
  readonly stage: HttpStage;
  readonly accessLogs: LogGroup;

  constructor(scope: Construct, id: string, props: EventStoreApiProps) {
    super(scope, id);
    const { tables } = props;

    this.function = createEventStoreFunction(this, 'Handler', {
      entry: lambdaEntries.api,
      environment: props.environment,
      aliases: props.aliases,
      timeout: defaultTimeouts.api,
      memorySize: 1024,
      logRetention: props.logRetention,
      overrides: props.function,
    });
    tables.grantEventsRead(this.function);
    tables.grantEventsAppend(this.function);
    tables.grantSnapshotsRead(this.function);
    tables.grantReadModelsRead(this.function);

    this.httpApi = new HttpApi(this, 'HttpApi', {
      description: 'dynamo-event-store HTTP API',
      ...props.httpApi,
      defaultIntegration: new HttpLambdaIntegration('Handler', this.function),
      defaultAuthorizer: props.authorizer ?? new HttpIamAuthorizer(),
      ...(props.authorizationScopes && { defaultAuthorizationScopes: props.authorizationScopes }),
      createDefaultStage: false,
    });

    this.accessLogs = new LogGroup(this, 'AccessLogs', {
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.stage = this.httpApi.addStage('DefaultStage', {
      stageName: '$default',
      autoDeploy: true,
      throttle: props.throttle ?? defaultThrottle,
      accessLogSettings: {
        destination: new LogGroupLogDestination(this.accessLogs),
        format: AccessLogFormat.custom(JSON.stringify(accessLogFields)),
      },
    });
  }

  get url(): string {
    return this.stage.url;
  }
}
