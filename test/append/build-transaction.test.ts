import { describe, expect, it } from 'vitest';
import { buildAppendTransaction, TxIndex } from '../../src/append/build-transaction.js';
import { buildCounterUpdate } from '../../src/position/counter-position-assigner.js';

const createdAt = '2025-01-02T03:04:05.678Z';
const events = [
  { eventId: 'e-1', type: 'Opened', data: { owner: 'ada' }, metadata: { by: 'test' } },
  { eventId: 'e-2', type: 'Deposited', data: [1, null, 'x'], metadata: null },
];

describe('buildCounterUpdate', () => {
  it('moves the counter from last to last + count, conditional on last', () => {
    // Act
    const action = buildCounterUpdate('events', 41, 2);

    // Assess
    expect(action).toEqual({
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

  it('creates the counter when none exists (last is 0)', () => {
    // Act
    const action = buildCounterUpdate('events', 0, 3);

    // Assess
    expect(action).toEqual({
      Update: {
        TableName: 'events',
        Key: { PK: '$GLOBAL', SK: 'POSITION' },
        UpdateExpression: 'SET #position = :next',
        ConditionExpression: 'attribute_not_exists(#pk)',
        ExpressionAttributeNames: { '#position': 'position', '#pk': 'PK' },
        ExpressionAttributeValues: { ':next': 3 },
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      },
    });
  });
});

describe('buildAppendTransaction', () => {
  it('builds counter, head and one put per event, and the recorded events', () => {
    // Prepare
    const counter = buildCounterUpdate('events', 41, 2);

    // Act
    const tx = buildAppendTransaction({
      tableName: 'events',
      streamId: 'account-1',
      events,
      createdAt,
      baseVersion: 5,
      positions: { firstPosition: 42, action: counter },
    });

    // Assess
    const recorded = [
      { streamId: 'account-1', version: 6, position: 42, createdAt, ...events[0] },
      { streamId: 'account-1', version: 7, position: 43, createdAt, ...events[1] },
    ];
    expect(tx.result).toEqual({
      streamId: 'account-1',
      nextExpectedVersion: 7,
      firstPosition: 42,
      lastPosition: 43,
      events: recorded,
    });
    expect(tx.input).toEqual({
      TransactItems: [
        counter,
        {
          Update: {
            TableName: 'events',
            Key: { PK: 'STREAM#account-1', SK: 'HEAD' },
            UpdateExpression:
              'SET #version = :next, #streamId = :streamId, #updatedAt = :now, #createdAt = if_not_exists(#createdAt, :now)',
            ConditionExpression: '#version = :expected',
            ExpressionAttributeNames: {
              '#version': 'version',
              '#streamId': 'streamId',
              '#createdAt': 'createdAt',
              '#updatedAt': 'updatedAt',
            },
            ExpressionAttributeValues: {
              ':next': 7,
              ':streamId': 'account-1',
              ':now': createdAt,
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

  it('conditions the head on its absence when the base version is 0', () => {
    // Act
    const tx = buildAppendTransaction({
      tableName: 'events',
      streamId: 'account-2',
      events: events.slice(0, 1),
      createdAt,
      baseVersion: 0,
      positions: { firstPosition: 1, action: buildCounterUpdate('events', 0, 1) },
    });

    // Assess
    const head = tx.input.TransactItems?.[TxIndex.head]?.Update;
    expect(head?.ConditionExpression).toBe('attribute_not_exists(#pk)');
    expect(head?.ExpressionAttributeNames).toEqual({
      '#version': 'version',
      '#streamId': 'streamId',
      '#createdAt': 'createdAt',
      '#updatedAt': 'updatedAt',
      '#pk': 'PK',
    });
    // DynamoDB refuses unused expression values, so ':expected' must be absent.
    expect(head?.ExpressionAttributeValues).toEqual({
      ':next': 1,
      ':streamId': 'account-2',
      ':now': createdAt,
    });
    expect(tx.result.events.map((e) => [e.version, e.position])).toEqual([[1, 1]]);
  });

  it('puts events of position 1000 and 1001 on consecutive $all index pages', () => {
    // Act
    const tx = buildAppendTransaction({
      tableName: 'events',
      streamId: 'account-3',
      events,
      createdAt,
      baseVersion: 0,
      positions: { firstPosition: 1000, action: buildCounterUpdate('events', 999, 2) },
    });

    // Assess
    const pages = tx.input.TransactItems?.slice(TxIndex.firstEvent).map(
      (item) => item.Put?.Item?.positionPage,
    );
    expect(pages).toEqual(['PAGE#0', 'PAGE#1']);
  });
});
