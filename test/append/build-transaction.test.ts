import { describe, expect, it } from 'vitest';
import type { ReservationPlan } from '../../src/append/build-transaction.js';
import { type BatchMember, buildBatchTransaction } from '../../src/append/build-transaction.js';
import type { PreparedAppend } from '../../src/append/validate-append.js';
import { PositionMode } from '../../src/position/counter.js';
import { buildCommittedSlot } from '../../src/position/slots.js';
import { buildCounterUpdate } from '../../src/position/strict-positions.js';

const createdAt = '2025-01-02T03:04:05.678Z';
const events = [
  { eventId: 'e-1', type: 'Opened', data: { owner: 'ada' }, metadata: { by: 'test' } },
  { eventId: 'e-2', type: 'Deposited', data: [1, null, 'x'], metadata: null },
];
const member = (streamId: string, baseVersion: number, evs = events): BatchMember => ({
  append: {
    streamId,
    expectedVersion: baseVersion,
    events: evs,
    createdAt,
    bytes: 0,
  } as PreparedAppend,
  baseVersion,
});

/** Strict mode's claim: the counter move, and unsharded index keys. */
const strict = (first: number, count: number): ReservationPlan => ({
  first,
  last: first + count - 1,
  guardsHead: false,
  positionActions: () => [buildCounterUpdate('events', first - 1, count)],
  eventPlacement: (position) => ({
    position,
    positionPage: `PAGE#${Math.floor((position - 1) / 1000)}`,
  }),
});

/** Reserved mode's claim: a slot, sharded index keys and the range on every event. */
const reserved = (first: number, count: number): ReservationPlan => ({
  first,
  last: first + count - 1,
  guardsHead: true,
  positionActions: (entries) => [buildCommittedSlot('events', first, count, entries, 'tx-1')],
  eventPlacement: (position) => ({
    position,
    positionPage: `PAGE#0#${position % 8}`,
    rangeFirst: first,
    rangeLast: first + count - 1,
  }),
});

describe('buildCounterUpdate (strict mode)', () => {
  it('moves the counter from last to last + count, conditional on last', () => {
    expect(buildCounterUpdate('events', 41, 2)).toEqual({
      Update: {
        TableName: 'events',
        Key: { PK: '$GLOBAL', SK: 'POSITION' },
        UpdateExpression: 'SET #position = :next',
        ConditionExpression: '#position = :last',
        ExpressionAttributeNames: { '#position': 'position' },
        ExpressionAttributeValues: { ':next': 43, ':last': 41 },
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      },
    });
  });
});

describe('buildBatchTransaction', () => {
  it('builds the position claim, the head and one put per event, and the recorded events', () => {
    // Act
    const tx = buildBatchTransaction('events', [member('account-1', 5)], strict(42, 2));

    // Assess
    const recorded = [
      { streamId: 'account-1', version: 6, position: 42, createdAt, ...events[0] },
      { streamId: 'account-1', version: 7, position: 43, createdAt, ...events[1] },
    ];
    expect(tx.results).toEqual([
      {
        streamId: 'account-1',
        nextExpectedVersion: 7,
        firstPosition: 42,
        lastPosition: 43,
        events: recorded,
      },
    ]);
    expect(tx.actions).toEqual([
      { kind: 'position' },
      { kind: 'head', member: 0 },
      { kind: 'event', member: 0 },
      { kind: 'event', member: 0 },
    ]);
    expect(tx.input).toEqual({
      TransactItems: [
        buildCounterUpdate('events', 41, 2),
        {
          Update: {
            TableName: 'events',
            Key: { PK: 'STREAM#account-1', SK: 'HEAD' },
            UpdateExpression:
              'SET #version = :next, #streamId = :streamId, #count = :count, #lastEventId = :lastEventId, #updatedAt = :now, #createdAt = if_not_exists(#createdAt, :now), #category = :category, #lastPosition = :last',
            ConditionExpression: '#version = :expected',
            ExpressionAttributeNames: {
              '#version': 'version',
              '#streamId': 'streamId',
              '#createdAt': 'createdAt',
              '#updatedAt': 'updatedAt',
              '#count': 'lastAppendCount',
              '#lastEventId': 'lastEventId',
              '#category': 'category',
              '#lastPosition': 'lastPosition',
            },
            ExpressionAttributeValues: {
              ':next': 7,
              ':streamId': 'account-1',
              ':now': createdAt,
              ':count': 2,
              ':lastEventId': 'e-2',
              ':category': 'account',
              ':last': 43,
              ':expected': 5,
            },
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          },
        },
        {
          Put: {
            TableName: 'events',
            Item: {
              PK: 'STREAM#account-1',
              SK: 'VERSION#000000000006',
              streamId: 'account-1',
              version: 6,
              position: 42,
              positionPage: 'PAGE#0',
              appendIndex: 0,
              appendCount: 2,
              eventId: 'e-1',
              type: 'Opened',
              data: '{"owner":"ada"}',
              metadata: '{"by":"test"}',
              createdAt,
            },
            ConditionExpression: 'attribute_not_exists(#pk)',
            ExpressionAttributeNames: { '#pk': 'PK' },
          },
        },
        {
          Put: {
            TableName: 'events',
            Item: {
              PK: 'STREAM#account-1',
              SK: 'VERSION#000000000007',
              streamId: 'account-1',
              version: 7,
              position: 43,
              positionPage: 'PAGE#0',
              appendIndex: 1,
              appendCount: 2,
              eventId: 'e-2',
              type: 'Deposited',
              data: '[1,null,"x"]',
              createdAt,
            },
            ConditionExpression: 'attribute_not_exists(#pk)',
            ExpressionAttributeNames: { '#pk': 'PK' },
          },
        },
      ],
    });
  });

  it('conditions the head on its absence when the base version is 0, with no unused values', () => {
    // Act
    const tx = buildBatchTransaction(
      'events',
      [member('account-2', 0, events.slice(0, 1))],
      reserved(1, 1),
    );

    // Assess
    const head = tx.input.TransactItems?.[1]?.Update;
    expect(head?.ConditionExpression).toBe('attribute_not_exists(#pk)');
    // DynamoDB refuses unused expression values, so ':expected' and ':first' must be absent.
    expect(head?.ExpressionAttributeValues).toEqual({
      ':next': 1,
      ':streamId': 'account-2',
      ':now': createdAt,
      ':count': 1,
      ':lastEventId': 'e-1',
      ':category': 'account',
      ':last': 1,
    });
    expect(tx.results[0]?.events.map((e) => [e.version, e.position])).toEqual([[1, 1]]);
  });

  it('guards stream order on the head in reserved mode: its last position must be below the range', () => {
    // Act
    const tx = buildBatchTransaction('events', [member('account-3', 4)], reserved(10, 2));

    // Assess
    const head = tx.input.TransactItems?.[1]?.Update;
    expect(head?.ConditionExpression).toBe(
      '#version = :expected AND (attribute_not_exists(#lastPosition) OR #lastPosition < :first)',
    );
    expect(head?.ExpressionAttributeValues).toMatchObject({
      ':expected': 4,
      ':first': 10,
      ':last': 11,
    });
  });

  it('gives members consecutive shares of the range, lists them in the slot, and marks every event with the range', () => {
    // Act
    const tx = buildBatchTransaction(
      'events',
      [member('a', 0), member('b', 3, events.slice(0, 1))],
      reserved(20, 3),
    );

    // Assess
    expect(
      tx.results.map((r) => [r.streamId, r.firstPosition, r.lastPosition, r.nextExpectedVersion]),
    ).toEqual([
      ['a', 20, 21, 2],
      ['b', 22, 22, 4],
    ]);
    expect(tx.input.TransactItems?.[0]?.Put?.Item).toEqual({
      PK: '$SLOT#20',
      SK: 'SLOT',
      slotState: 'committed',
      count: 3,
      entries: [
        ['a', 1, 2, 20],
        ['b', 4, 1, 22],
      ],
      txId: 'tx-1',
    });
    expect(tx.actions.map((a) => a.kind)).toEqual([
      'position',
      'head',
      'event',
      'event',
      'head',
      'event',
    ]);
    const placements = tx.input.TransactItems?.filter((item) => item.Put?.Item?.SK !== 'SLOT')
      .flatMap((item) => (item.Put ? [item.Put.Item] : []))
      .map((item) => [item?.position, item?.positionPage, item?.rangeFirst, item?.rangeLast]);
    expect(placements).toEqual([
      [20, 'PAGE#0#4', 20, 22],
      [21, 'PAGE#0#5', 20, 22],
      [22, 'PAGE#0#6', 20, 22],
    ]);
  });

  it('knows every position mode by name', () => {
    expect(Object.values(PositionMode)).toEqual(['reserved', 'strict', 'sequenced']);
  });

  it('claims no positions in sequenced mode: no position action, no index keys, no lastPosition', () => {
    // Act
    const tx = buildBatchTransaction('events', [member('account-4', 2)], {
      first: null,
      last: null,
      guardsHead: false,
      positionActions: () => [],
      eventPlacement: () => ({}),
    });

    // Assess
    expect(tx.results[0]).toMatchObject({ firstPosition: null, lastPosition: null });
    expect(tx.actions.map((a) => a.kind)).toEqual(['head', 'event', 'event']);
    const head = tx.input.TransactItems?.[0]?.Update;
    expect(head?.UpdateExpression).not.toContain('lastPosition');
    expect(head?.ExpressionAttributeValues).toMatchObject({ ':count': 2, ':expected': 2 });
    const event = tx.input.TransactItems?.[1]?.Put?.Item;
    expect(event).not.toHaveProperty('position');
    expect(event).not.toHaveProperty('positionPage');
  });
});
