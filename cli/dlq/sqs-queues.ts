import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { UsageError } from '../errors.js';
import type { DeadLetter, DeadLetterQueue, EventKey } from './dead-letters.js';
import { eventKeyOf } from './dead-letters.js';

/** What Lambda's on-failure destination puts in the message for a DynamoDB stream batch. */
export interface StreamBatchInfo {
  shardId: string;
  startSequenceNumber: string;
  endSequenceNumber: string;
  streamArn: string;
  batchSize?: number;
  approximateArrivalOfFirstRecord?: string;
  approximateArrivalOfLastRecord?: string;
}

/** Pure: the batch coordinates of an on-failure message body; undefined when it holds none. */
export function batchInfoOf(body: string | undefined): StreamBatchInfo | undefined {
  try {
    const info = (JSON.parse(body ?? '') as { DDBStreamBatchInfo?: Partial<StreamBatchInfo> })
      .DDBStreamBatchInfo;
    if (
      typeof info?.shardId === 'string' &&
      typeof info.startSequenceNumber === 'string' &&
      typeof info.endSequenceNumber === 'string' &&
      typeof info.streamArn === 'string'
    ) {
      return info as StreamBatchInfo;
    }
  } catch {
    // Not an on-failure record: listed with unknown coordinates.
  }
  return undefined;
}

/**
 * A deployment's dead letters: one SQS queue per processor (the stack's
 * `<Processor>DeadLetterQueueUrl` outputs), each message a batch's
 * coordinates. Its records are read again from the events table's stream
 * (kept 24 hours: an older batch can only be recovered by a projection rebuild).
 */
export class SqsDeadLetters implements DeadLetterQueue {
  readonly #receipts = new Map<string, string>();

  constructor(
    private readonly queues: Record<string, string>,
    private readonly sqs: SQSClient,
    private readonly dynamodb: DynamoDBClient,
  ) {}

  async list(consumer?: string): Promise<DeadLetter[]> {
    const { ReceiveMessageCommand, ChangeMessageVisibilityCommand } = await import(
      '@aws-sdk/client-sqs'
    );
    const letters: DeadLetter[] = [];
    for (const name of consumer ? [consumer] : Object.keys(this.queues)) {
      const url = this.#url(name);
      const seen = new Set<string>();
      for (;;) {
        // Received messages hide for the visibility timeout: that is how a pass sees each once.
        const { Messages } = await this.sqs.send(
          new ReceiveMessageCommand({
            QueueUrl: url,
            MaxNumberOfMessages: 10,
            VisibilityTimeout: 60,
            WaitTimeSeconds: 1,
            MessageSystemAttributeNames: ['SentTimestamp', 'ApproximateReceiveCount'],
          }),
        );
        const fresh = (Messages ?? []).filter((m) => m.MessageId && !seen.has(m.MessageId));
        if (fresh.length === 0) break;
        for (const message of fresh) {
          seen.add(message.MessageId as string);
          this.#receipts.set(message.MessageId as string, message.ReceiptHandle as string);
          letters.push(this.#letter(name, message));
        }
      }
      if (!consumer) {
        // Only listing: let the processor's alarms and a later redrive see them again at once.
        for (const letter of letters.filter((l) => l.consumer === name)) {
          await this.sqs.send(
            new ChangeMessageVisibilityCommand({
              QueueUrl: url,
              ReceiptHandle: this.#receipts.get(letter.id),
              VisibilityTimeout: 0,
            }),
          );
        }
      }
    }
    return letters;
  }

  async remove(consumer: string, letters: readonly DeadLetter[]): Promise<void> {
    const { DeleteMessageCommand } = await import('@aws-sdk/client-sqs');
    for (const letter of letters) {
      await this.sqs.send(
        new DeleteMessageCommand({
          QueueUrl: this.#url(consumer),
          ReceiptHandle: this.#receipts.get(letter.id),
        }),
      );
    }
  }

  #url(consumer: string): string {
    const url = this.queues[consumer];
    if (!url) {
      throw new UsageError(
        consumer,
        `has no dead-letter queue in the stack's outputs (known: ${Object.keys(this.queues).join(', ') || 'none'})`,
      );
    }
    return url;
  }

  #letter(
    consumer: string,
    message: { MessageId?: string; Body?: string; Attributes?: Record<string, string> },
  ): DeadLetter {
    const info = batchInfoOf(message.Body);
    const sent = Number(message.Attributes?.SentTimestamp);
    return {
      id: message.MessageId as string,
      consumer,
      at: Number.isFinite(sent) ? new Date(sent).toISOString() : '',
      attempts: undefined,
      coordinates: info
        ? `${info.shardId} ${info.startSequenceNumber}..${info.endSequenceNumber}`
        : 'unknown (not an on-failure record)',
      events: async () => {
        if (!info) throw new Error(`message ${message.MessageId} holds no DDBStreamBatchInfo`);
        return readBatch(this.dynamodb, info);
      },
    };
  }
}

/** The events of a batch, read again from the stream between its first and last sequence numbers. */
export async function readBatch(
  dynamodb: DynamoDBClient,
  info: StreamBatchInfo,
): Promise<EventKey[]> {
  const { DynamoDBStreamsClient, GetRecordsCommand, GetShardIteratorCommand } = await import(
    '@aws-sdk/client-dynamodb-streams'
  );
  const { endpoint, region, credentials } = dynamodb.config;
  const streams = new DynamoDBStreamsClient({ region, credentials, ...(endpoint && { endpoint }) });
  try {
    const end = BigInt(info.endSequenceNumber);
    let { ShardIterator: iterator } = await streams.send(
      new GetShardIteratorCommand({
        StreamArn: info.streamArn,
        ShardId: info.shardId,
        ShardIteratorType: 'AT_SEQUENCE_NUMBER',
        SequenceNumber: info.startSequenceNumber,
      }),
    );
    const keys: EventKey[] = [];
    while (iterator) {
      const page = await streams.send(new GetRecordsCommand({ ShardIterator: iterator }));
      for (const record of page.Records ?? []) {
        if (BigInt(record.dynamodb?.SequenceNumber ?? '0') > end) return keys;
        const key = eventKeyOf(record.dynamodb?.Keys?.PK?.S, record.dynamodb?.Keys?.SK?.S);
        if (key) keys.push(key);
      }
      if ((page.Records ?? []).length === 0) return keys;
      iterator = page.NextShardIterator;
    }
    return keys;
  } finally {
    streams.destroy();
  }
}
