import { Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/**
 * The cdk-nag findings (AwsSolutions and Serverless packs) the construct
 * acknowledges rather than fixes, each with why, written once so the code,
 * the tests and the README agree. Acknowledged with CDK's own
 * `Validations.of(...).acknowledge`, so the construct does not depend on cdk-nag.
 */
export const Acknowledged = {
  /** Every function's role: active tracing. */
  xrayWildcard: {
    id: 'AwsSolutions-IAM5[Resource::*]',
    reason:
      'Active tracing: xray:PutTraceSegments and xray:PutTelemetryRecords take no resource ARN. A stream consumer also needs dynamodb:ListStreams, which takes none either.',
  },
  /** A pipe's role: reading the events stream. */
  listStreamsWildcard: {
    id: 'AwsSolutions-IAM5[Resource::*]',
    reason:
      'Reading a DynamoDB stream needs dynamodb:ListStreams, which takes no resource ARN; every other stream action is on the events table stream only.',
  },
  /** Every function: no asynchronous invocations to lose. */
  lambdaDlq: {
    id: 'Serverless-LambdaDLQ',
    reason:
      "A function's dead-letter queue catches failed asynchronous invocations only. The API is invoked synchronously by API Gateway; a stream consumer by its event source mapping, whose on-failure destination is its own SQS queue.",
  },
  /** A stream consumer's dead-letter queue (cdk-nag only sees queues named in another queue's redrive policy). */
  dlqWithoutDlq: {
    id: 'AwsSolutions-SQS3',
    reason:
      "This queue is itself a dead-letter queue: the event source mapping's on-failure destination.",
  },
  dlqWithoutRedrive: {
    id: 'Serverless-SQSRedrivePolicy',
    reason:
      'A dead-letter queue needs no dead-letter queue: nothing consumes it to fail again; its messages are batch coordinates for an operator, watched by an alarm.',
  },
} as const satisfies Record<string, { id: string; reason: string }>;

export type AcknowledgedFinding = (typeof Acknowledged)[keyof typeof Acknowledged];

export function acknowledge(scope: IConstruct, ...findings: AcknowledgedFinding[]): void {
  for (const finding of findings) Validations.of(scope).acknowledge(finding);
}
