import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { App, type AppProps, CfnElement, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { BUNDLING_STACKS } from 'aws-cdk-lib/cx-api';
import type { IConstruct } from 'constructs';
import { EventStoreConstruct, type EventStoreConstructProps } from '../../infra/event-store.js';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

/** The bank-account example's modules: what the tests deploy unless told otherwise. */
export const exampleModules = {
  projections: join(repoRoot, 'examples/bank-account/src/projections.ts'),
  aggregates: join(repoRoot, 'examples/bank-account/src/aggregates.ts'),
} as const;

/** An app's consumer entry and the filter the consumer tests give it. */
export const consumerEntry = join(repoRoot, 'test/infra/fixtures/consumer.ts');
export const consumerFilter = {
  eventTypes: ['Deposited', 'Withdrawn'],
  streamPrefixes: ['account-'],
} as const;

type EventStoreProps = EventStoreConstructProps;
type EventStore = EventStoreConstruct;

export interface Synthesized {
  app: App;
  stack: Stack;
  eventStore: EventStore;
  template: Template;
  /** The stream processors, which the example's modules make present. */
  projector: StreamProcessorLike;
  snapshotter: StreamProcessorLike;
}

type StreamProcessorLike = NonNullable<EventStoreConstruct['projector']>;

export interface SynthesizeOptions {
  /** A function when a prop needs a construct in the stack (a KMS key, an alarm topic). */
  props?: EventStoreProps | ((stack: Stack) => EventStoreProps);
  /**
   * Run esbuild for the three functions (seconds each). Off by default: the
   * template is the same apart from asset hashes, so only the test of the
   * bundles themselves pays for it.
   */
  bundle?: boolean;
  /** Adds more to the stack before synthesis (e.g. a function using the grants). */
  extend?: (stack: Stack, eventStore: EventStore) => void;
}

/** The feature flags `cdk synth` applies, so the tests see the template that deploys. */
const cdkJsonContext = (
  JSON.parse(readFileSync(join(repoRoot, 'cdk.json'), 'utf8')) as {
    context: Record<string, unknown>;
  }
).context;

/** The props of a test app: cdk.json's context, bundling only when asked. */
export function testAppContext(options: { bundle?: boolean } = {}): AppProps {
  return {
    context: { ...cdkJsonContext, [BUNDLING_STACKS]: options.bundle ? ['**'] : [] },
    // CDK's built-in template linter costs seconds per synth; `npm run synth` runs it.
    builtinCloudFormationValidation: false,
  };
}

export function testApp(options: { bundle?: boolean } = {}): App {
  return new App(testAppContext(options));
}

export function synthesize(options: SynthesizeOptions = {}): Synthesized {
  const app = testApp({ bundle: options.bundle ?? false });
  const stack = new Stack(app, 'EventStoreTest');
  const props = typeof options.props === 'function' ? options.props(stack) : options.props;
  const eventStore = new EventStoreConstruct(stack, 'EventStore', { ...exampleModules, ...props });
  options.extend?.(stack, eventStore);
  const present = (p: StreamProcessorLike | undefined, name: string) => {
    if (!p) throw new Error(`the construct has no ${name}`);
    return p;
  };
  return {
    app,
    stack,
    eventStore,
    template: Template.fromStack(stack),
    projector: present(eventStore.projector, 'projector'),
    snapshotter: present(eventStore.snapshotter, 'snapshotter'),
  };
}

export function logicalId(construct: IConstruct): string {
  if (CfnElement.isCfnElement(construct)) return Stack.of(construct).getLogicalId(construct);
  const child = construct.node.defaultChild as CfnElement | undefined;
  if (!child) throw new Error(`${construct.node.path} has no CloudFormation resource`);
  return Stack.of(construct).getLogicalId(child);
}

export interface Statement {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
  Condition?: Record<string, Record<string, unknown>>;
}

export function actionsOf(statement: Statement): string[] {
  return Array.isArray(statement.Action) ? statement.Action : [statement.Action];
}

function resourcesOf(statement: Statement): unknown[] {
  return Array.isArray(statement.Resource) ? statement.Resource : [statement.Resource];
}

/** Every statement of every IAM policy in the template. */
export function allStatements(template: Template): Statement[] {
  const policies = template.findResources('AWS::IAM::Policy');
  return Object.values(policies).flatMap(
    (policy) => policy.Properties.PolicyDocument.Statement as Statement[],
  );
}

/** The statements of the policies attached to a function's role. */
export function statementsOf(template: Template, fn: IFunction): Statement[] {
  if (!fn.role) throw new Error(`${fn.node.path} has no role`);
  const roleId = logicalId(fn.role);
  const policies = template.findResources('AWS::IAM::Policy', {
    Properties: { Roles: Match.arrayWith([{ Ref: roleId }]) },
  });
  return Object.values(policies).flatMap(
    (policy) => policy.Properties.PolicyDocument.Statement as Statement[],
  );
}

/**
 * A readable name for a resource ARN expression: `Id.Arn` for a GetAtt,
 * `Id.Arn/index/name` for a joined index ARN, the string itself otherwise.
 */
export function resourceName(resource: unknown): string {
  if (typeof resource === 'string') return resource;
  if (resource && typeof resource === 'object') {
    const r = resource as Record<string, unknown>;
    const getAtt = r['Fn::GetAtt'];
    if (Array.isArray(getAtt)) return getAtt.join('.');
    const ref = r.Ref;
    if (typeof ref === 'string') return ref;
    const join = r['Fn::Join'];
    if (Array.isArray(join)) {
      const [separator, parts] = join as [string, unknown[]];
      return parts.map(resourceName).join(separator);
    }
  }
  return JSON.stringify(resource);
}

/** Allowed actions per resource name, sorted, for the given statements. */
export function actionsByResource(statements: Statement[]): Record<string, string[]> {
  const byResource = new Map<string, Set<string>>();
  for (const statement of statements) {
    if (statement.Effect !== 'Allow') continue;
    for (const resource of resourcesOf(statement)) {
      const name = resourceName(resource);
      const set = byResource.get(name) ?? new Set<string>();
      for (const action of actionsOf(statement)) set.add(action);
      byResource.set(name, set);
    }
  }
  return Object.fromEntries([...byResource].map(([name, set]) => [name, [...set].sort()]));
}

export const sorted = (values: readonly string[]): string[] => [...values].sort();
