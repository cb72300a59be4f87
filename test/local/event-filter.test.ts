import { describe, expect, it } from 'vitest';
import { matchesPattern, passesFilters } from '../../local/streams/event-filter.js';
import { toLambdaRecord } from '../../local/streams/lambda-event.js';
import { eventInsertFilter, StreamFilters } from '../../src/stream-filters.js';

const record = (eventName: string, sk: string) => ({
  eventName,
  dynamodb: { Keys: { PK: { S: 'STREAM#account-1' }, SK: { S: sk } } },
});

describe('the event-insert filter, evaluated locally as Lambda would', () => {
  it.each([
    ['an event INSERT', true, record('INSERT', 'VERSION#000000000001')],
    ['a head INSERT', false, record('INSERT', 'HEAD')],
    ['a head MODIFY', false, record('MODIFY', 'HEAD')],
    ['a snapshot INSERT', false, record('INSERT', 'SNAPSHOT')],
    ['the global counter', false, record('MODIFY', 'POSITION')],
    ['an event REMOVE (TTL or cleanup)', false, record('REMOVE', 'VERSION#000000000001')],
    ['a record without keys', false, { eventName: 'INSERT' }],
  ])('%s -> %s', (_name, expected, candidate) => {
    expect(matchesPattern(eventInsertFilter, candidate)).toBe(expected);
    expect(passesFilters(StreamFilters.projector, candidate)).toBe(expected);
  });

  it('matches any element of an array value, and lets everything through with no filters', () => {
    expect(matchesPattern({ tags: ['b'] }, { tags: ['a', 'b'] })).toBe(true);
    expect(passesFilters([], { anything: 1 })).toBe(true);
  });
});

describe('toLambdaRecord', () => {
  it('adds eventSourceARN, turns the creation time into epoch seconds and binary into base64', () => {
    const lambda = toLambdaRecord(
      {
        eventID: 'e1',
        eventName: 'INSERT',
        eventVersion: '1.1',
        eventSource: 'aws:dynamodb',
        awsRegion: 'ddblocal',
        dynamodb: {
          ApproximateCreationDateTime: new Date('2024-05-01T10:20:00Z'),
          Keys: { PK: { S: 'p' }, SK: { S: 'VERSION#000000000001' } },
          NewImage: { blob: { B: new Uint8Array([1, 2]) }, list: { L: [{ N: '1' }] } },
          SequenceNumber: '100',
          SizeBytes: 42,
          StreamViewType: 'NEW_IMAGE',
        },
      },
      'arn:aws:dynamodb:ddblocal:000000000000:table/t/stream/x',
    );

    expect(lambda).toEqual({
      eventID: 'e1',
      eventName: 'INSERT',
      eventVersion: '1.1',
      eventSource: 'aws:dynamodb',
      awsRegion: 'ddblocal',
      eventSourceARN: 'arn:aws:dynamodb:ddblocal:000000000000:table/t/stream/x',
      dynamodb: {
        ApproximateCreationDateTime: Date.parse('2024-05-01T10:20:00Z') / 1000,
        Keys: { PK: { S: 'p' }, SK: { S: 'VERSION#000000000001' } },
        NewImage: { blob: { B: 'AQI=' }, list: { L: [{ N: '1' }] } },
        SequenceNumber: '100',
        SizeBytes: 42,
        StreamViewType: 'NEW_IMAGE',
      },
    });
  });
});
