import type { CancellationReason } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { type CancellationVerdict, interpretCancellation } from '../../src/append/cancellation.js';

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

describe('interpretCancellation (reads reasons by transaction item index)', () => {
  it.each<[string, CancellationReason[] | undefined, CancellationVerdict]>([
    [
      'counter moved only: contention, with the current position',
      [counterAt(41), none, none],
      { kind: 'contention', counterPosition: 41 },
    ],
    [
      'counter absent (ALL_OLD returns no item): position 0',
      [failed(), none, none],
      { kind: 'contention', counterPosition: 0 },
    ],
    [
      'head moved: the stream moved, actual version from the returned head',
      [none, headAt(7), none],
      { kind: 'stream-moved', actualVersion: 7, counterPosition: undefined },
    ],
    [
      'head absent while a version was expected: actual version 0',
      [none, failed(), none],
      { kind: 'stream-moved', actualVersion: 0, counterPosition: undefined },
    ],
    [
      'head and counter moved (a retry after a lost reply): the stream wins, counter kept',
      [counterAt(12), headAt(3), none, none],
      { kind: 'stream-moved', actualVersion: 3, counterPosition: 12 },
    ],
    [
      'an event slot is taken: the stream moved, version unknown',
      [none, none, none, failed()],
      { kind: 'stream-moved', actualVersion: undefined, counterPosition: undefined },
    ],
    [
      'TransactionConflict on the counter: contention',
      [code('TransactionConflict'), none, none],
      { kind: 'contention', counterPosition: undefined },
    ],
    [
      'TransactionConflict on an event item: contention',
      [none, none, code('TransactionConflict')],
      { kind: 'contention', counterPosition: undefined },
    ],
    [
      'throttled item: contention',
      [none, code('ThrottlingError'), none],
      { kind: 'contention', counterPosition: undefined },
    ],
    [
      'provisioned throughput exceeded on an item: contention',
      [code('ProvisionedThroughputExceeded'), none, none],
      { kind: 'contention', counterPosition: undefined },
    ],
    [
      'a conflict and a moved head: the moved head is definite',
      [code('TransactionConflict'), headAt(2), none],
      { kind: 'stream-moved', actualVersion: 2, counterPosition: undefined },
    ],
    [
      'a validation error on an item: failed, naming code and index',
      [none, none, code('ValidationError')],
      { kind: 'failed', codes: ['ValidationError at item 2'] },
    ],
    ['no reasons at all: failed', undefined, { kind: 'failed', codes: ['no cancellation reason'] }],
  ])('%s', (_name, reasons, expected) => {
    // Act
    const verdict = interpretCancellation(reasons);

    // Assess
    expect(verdict).toEqual(expected);
  });

  it('accepts unmarshalled items as well as raw attribute values', () => {
    // Prepare
    const reasons: CancellationReason[] = [
      { Code: 'ConditionalCheckFailed', Item: { position: 9 } as never },
      { Code: 'ConditionalCheckFailed', Item: { version: 4 } as never },
    ];

    // Act
    const verdict = interpretCancellation(reasons);

    // Assess
    expect(verdict).toEqual({ kind: 'stream-moved', actualVersion: 4, counterPosition: 9 });
  });
});
