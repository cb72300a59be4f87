import type { DynamoDBStreamEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { eventHandlerWith } from '../../lambdas/stream/event-handler.js';
import type { RecordedEvent } from '../../src/types.js';
import { insertRecordOf } from '../support/stream-events.js';

function eventAt(version: number, type = 'Deposited'): RecordedEvent {
  return {
    streamId: 'account-1',
    version,
    position: version,
    eventId: `e-${version}`,
    type,
    data: { amount: version },
    metadata: null,
    createdAt: '2026-11-30T00:00:00.000Z',
  };
}

describe('eventHandlerWith (an app consumer)', () => {
  it('hands each event to handle in stream order and reports no failure', async () => {
    const events = [eventAt(1), eventAt(2), eventAt(3)];
    const handled: RecordedEvent[] = [];
    const handler = eventHandlerWith({ handle: (e) => void handled.push(e) });

    const result = await handler({ Records: events.map(insertRecordOf) });

    expect(result).toEqual({ batchItemFailures: [] });
    expect(handled).toEqual(events);
  });

  it('fails the first event that throws and handles none after it', async () => {
    const stream: DynamoDBStreamEvent = {
      Records: [1, 2, 3].map((v) => insertRecordOf(eventAt(v))),
    };
    const handled: number[] = [];
    const handler = eventHandlerWith({
      handle: (e) => {
        if (e.version === 2) throw new Error('downstream unavailable');
        handled.push(e.version);
      },
    });

    const result = await handler(stream);

    expect(handled).toEqual([1]);
    expect(result).toEqual({
      batchItemFailures: [{ itemIdentifier: stream.Records[1]?.dynamodb?.SequenceNumber }],
    });
  });
});
