import { UsageError } from './errors.js';

/** The outputs the EventStore construct gives its stack (infra/event-store.ts). */
export const StackOutput = {
  eventsTable: 'EventsTableName',
  readModelTable: 'ReadModelTableName',
  snapshotTable: 'SnapshotTableName',
  /** `${processor}DeadLetterQueueUrl`, e.g. `ProjectorDeadLetterQueueUrl`. */
  deadLetterQueueSuffix: 'DeadLetterQueueUrl',
} as const;

export interface StackConfig {
  eventsTable: string;
  readModelTable: string | undefined;
  snapshotTable: string | undefined;
  /** Processor name in lower case (`projector`) -> its dead-letter queue's URL. */
  deadLetterQueues: Record<string, string>;
}

/**
 * Pure: what the CLI needs from a deployed stack's outputs. CDK prefixes an
 * output's key with the construct's path (`EventStoreEventsTableName1A2B3C`),
 * so a key matches by the output name it contains.
 */
export function configFromOutputs(
  stack: string,
  outputs: readonly { OutputKey?: string | undefined; OutputValue?: string | undefined }[],
): StackConfig {
  const find = (name: string) => outputs.find((o) => o.OutputKey?.includes(name))?.OutputValue;
  const eventsTable = find(StackOutput.eventsTable);
  if (!eventsTable) {
    throw new UsageError(
      `--stack ${stack}`,
      `has no ${StackOutput.eventsTable} output (outputs: ${outputs.map((o) => o.OutputKey).join(', ') || 'none'}): name a stack that holds the EventStore construct, or pass --table`,
    );
  }
  const deadLetterQueues: Record<string, string> = {};
  for (const processor of ['Projector', 'Snapshotter', 'Sequencer']) {
    const url = find(`${processor}${StackOutput.deadLetterQueueSuffix}`);
    if (url) deadLetterQueues[processor.toLowerCase()] = url;
  }
  return {
    eventsTable,
    readModelTable: find(StackOutput.readModelTable),
    snapshotTable: find(StackOutput.snapshotTable),
    deadLetterQueues,
  };
}

/** Reads a deployed stack's outputs with CloudFormation (an optional peer, loaded only for --stack). */
export async function readStackOutputs(
  stack: string,
  aws: { region?: string | undefined; profile?: string | undefined },
): Promise<StackConfig> {
  const { CloudFormationClient, DescribeStacksCommand } = await import(
    '@aws-sdk/client-cloudformation'
  ).catch(() => {
    throw new UsageError(
      '--stack',
      'needs the package @aws-sdk/client-cloudformation: npm install @aws-sdk/client-cloudformation',
    );
  });
  const client = new CloudFormationClient({
    ...(aws.region && { region: aws.region }),
    ...(aws.profile && { profile: aws.profile }),
  });
  try {
    const { Stacks } = await client.send(new DescribeStacksCommand({ StackName: stack }));
    return configFromOutputs(stack, Stacks?.[0]?.Outputs ?? []);
  } finally {
    client.destroy();
  }
}
