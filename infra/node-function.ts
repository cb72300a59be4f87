import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { Architecture, Runtime } from 'aws-cdk-lib/aws-lambda';
import {
  NodejsFunction,
  type NodejsFunctionProps,
  OutputFormat,
} from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { runsFromSource, sourceCondition } from './paths.js';

/** Overrides for one function; `bundling` and `environment` merge into the defaults. */
export type FunctionOverrides = Partial<Omit<NodejsFunctionProps, 'entry'>>;

export interface EventStoreFunctionProps {
  readonly entry: string;
  readonly environment: Record<string, string>;
  /** Bare specifiers esbuild replaces with files (the app's modules), e.g. `{ 'dynamo-event-store-app/projections': '/abs/projections.ts' }`. */
  readonly aliases?: Readonly<Record<string, string>> | undefined;
  readonly timeout: Duration;
  readonly memorySize: number;
  readonly logRetention: RetentionDays;
  readonly overrides?: FunctionOverrides | undefined;
}

/**
 * An ESM bundle needs a `require` for the CommonJS dependencies esbuild
 * inlines (some AWS SDK transitive packages still call `require('node:…')`).
 */
const esmRequireShim =
  "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);";

/**
 * Node 22 on ARM64 (about 20% cheaper per GB-second than x86_64, and nothing
 * here is architecture-specific), bundled locally by esbuild, ESM, with
 * source maps that Node applies to stack traces.
 */
export function createEventStoreFunction(
  scope: Construct,
  id: string,
  props: EventStoreFunctionProps,
): NodejsFunction {
  const { overrides = {} } = props;
  const logGroup = new LogGroup(scope, `${id}Logs`, {
    retention: props.logRetention,
    // The tables are what must outlive the stack; logs are not worth a manual cleanup.
    removalPolicy: RemovalPolicy.DESTROY,
  });
  return new NodejsFunction(scope, id, {
    runtime: Runtime.NODEJS_22_X,
    architecture: Architecture.ARM_64,
    handler: 'handler',
    timeout: props.timeout,
    memorySize: props.memorySize,
    logGroup,
    ...overrides,
    entry: props.entry,
    environment: {
      NODE_OPTIONS: '--enable-source-maps',
      ...props.environment,
      ...overrides.environment,
    },
    bundling: {
      format: OutputFormat.ESM,
      target: 'node22',
      mainFields: ['module', 'main'],
      banner: esmRequireShim,
      minify: true,
      // Error classes report `new.target.name`: keep the names minification would mangle.
      keepNames: true,
      sourceMap: true,
      sourcesContent: false,
      // Bundle the SDK version this repo is tested with instead of the runtime's copy.
      bundleAwsSDK: true,
      forceDockerBundling: false,
      ...overrides.bundling,
      esbuildArgs: {
        ...esbuildArgsFor(props.aliases ?? {}),
        ...overrides.bundling?.esbuildArgs,
      },
    },
  });
}

function esbuildArgsFor(
  aliases: Readonly<Record<string, string>>,
): Record<string, string | boolean | string[]> {
  const alias = Object.entries(aliases).map(([specifier, file]) => `${specifier}=${file}`);
  return {
    ...(alias.length > 0 && { '--alias': alias }),
    // From source, the app's `import 'dynamo-event-store'` must reach the same .ts files as the entry.
    ...(runsFromSource && { '--conditions': sourceCondition }),
  };
}

export const defaultLogRetention = RetentionDays.ONE_MONTH;
export const defaultTimeouts = {
  api: Duration.seconds(15),
  processor: Duration.minutes(1),
} as const;
