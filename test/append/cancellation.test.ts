import type { CancellationReason } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import type { BatchMember, TxAction } from '../../src/append/build-transaction.js';
import { type BatchVerdict, interpretCancellation } from '../../src/append/cancellation.js';

const none: CancellationReason = { Code: 'None' };
const failed = (item?: CancellationReason['Item']): CancellationReason => ({
  Code: 'ConditionalCheckFailed',
  Message: 'The conditional request failed',
  ...(item && { Item: item }),
});
const counterAt = (position: number) =>
  failed({ PK: { S: '$GLOBAL' }, SK: { S: 'POSITION' }, position: { N: String(position) } });
const headAt = (version: number) =>
  failed({ PK: { S: 'STREAM#s' }, SK: { S: 'HEAD' }, version: { N: String(version) } });
const code = (Code: string): CancellationReason => ({ Code, Message: Code });

// Two members: member 0 (base 5) has 2 events, member 1 (base 0) has 1.
const actions: TxAction[] = [
  { kind: 'position' },
  { kind: 'head', member: 0 },
  { kind: 'event', member: 0 },
  { kind: 'event', member: 0 },
  { kind: 'head', member: 1 },
  { kind: 'event', member: 1 },
];
const members = [{ baseVersion: 5 }, { baseVersion: 0 }] as BatchMember[];
const verdict = (over: Partial<BatchVerdict>): BatchVerdict => ({
  positionFailure: undefined,
  positionConflict: false,
  members: new Map(),
  unexpected: [],
  ...over,
});

describe('interpretCancellation (reads reasons by transaction action index)', () => {
  it.each<[string, CancellationReason[] | undefined, BatchVerdict]>([
    [
      'position claim failed only (counter moved, slot taken): its reason is kept for the mode',
      [counterAt(41), none, none, none, none, none],
      verdict({ positionFailure: counterAt(41) }),
    ],
    [
      "one member's head moved: only that member's stream moved, actual version from the head",
      [none, headAt(7), none, none, none, none],
      verdict({ members: new Map([[0, { kind: 'stream-moved', actualVersion: 7 }]]) }),
    ],
    [
      'a head absent while a version was expected: actual version 0',
      [none, failed(), none, none, none, none],
      verdict({ members: new Map([[0, { kind: 'stream-moved', actualVersion: 0 }]]) }),
    ],
    [
      'a head at the expected version that refused: the order guard (reserve again)',
      [none, headAt(5), none, none, none, none],
      verdict({ members: new Map([[0, { kind: 'order-guard' }]]) }),
    ],
    [
      'a head that exists where none was expected: the stream moved',
      [none, none, none, none, headAt(3), none],
      verdict({ members: new Map([[1, { kind: 'stream-moved', actualVersion: 3 }]]) }),
    ],
    [
      'an event slot is taken: the stream moved, version unknown',
      [none, none, none, failed(), none, none],
      verdict({ members: new Map([[0, { kind: 'stream-moved', actualVersion: undefined }]]) }),
    ],
    [
      'TransactionConflict on the position claim: everyone pauses',
      [code('TransactionConflict'), none, none, none, none, none],
      verdict({ positionConflict: true }),
    ],
    [
      "TransactionConflict on a member's event: that member's conflict",
      [none, none, none, none, none, code('TransactionConflict')],
      verdict({ members: new Map([[1, { kind: 'conflict' }]]) }),
    ],
    [
      'throttled head: conflict',
      [none, code('ThrottlingError'), none, none, none, none],
      verdict({ members: new Map([[0, { kind: 'conflict' }]]) }),
    ],
    [
      'a validation error on an item: unexpected, naming code and index',
      [none, none, code('ValidationError'), none, none, none],
      verdict({ unexpected: ['ValidationError at item 2'] }),
    ],
    [
      'no reasons at all: unexpected',
      undefined,
      verdict({ unexpected: ['no cancellation reason'] }),
    ],
  ])('%s', (_name, reasons, expected) => {
    expect(interpretCancellation(reasons, actions, members)).toEqual(expected);
  });

  it('accepts unmarshalled items as well as raw attribute values', () => {
    // Prepare
    const reasons: CancellationReason[] = [
      none,
      { Code: 'ConditionalCheckFailed', Item: { version: 4 } as never },
    ];

    // Act
    const result = interpretCancellation(reasons, actions, members);

    // Assess
    expect(result.members.get(0)).toEqual({ kind: 'stream-moved', actualVersion: 4 });
  });
});
