/**
 * The error replies of the real service that DynamoDB Local never sends, as
 * they come over the wire (JSON protocol, HTTP 400): the SDK turns each into
 * its own exception class (TransactionCanceledException, ...) by `__type`.
 */
export interface SimulatedReply {
  status: number;
  body: string;
}

const typePrefix = 'com.amazonaws.dynamodb.v20120810#';

export type ThrottleError = 'ThrottlingException' | 'ProvisionedThroughputExceededException';

export interface CancellationReason {
  Code: string;
  Message?: string;
}

function errorReply(type: string, fields: Record<string, unknown>): SimulatedReply {
  return { status: 400, body: JSON.stringify({ __type: `${typePrefix}${type}`, ...fields }) };
}

/** A TransactWriteItems (or TransactGetItems) of `actionCount` actions, cancelled because the actions at `conflicting` touch held items. */
export function transactionCanceled(
  actionCount: number,
  conflicting: ReadonlySet<number>,
): SimulatedReply {
  const reasons: CancellationReason[] = Array.from({ length: actionCount }, (_, i) =>
    conflicting.has(i)
      ? { Code: 'TransactionConflict', Message: 'Transaction is ongoing for the item' }
      : { Code: 'None' },
  );
  return errorReply('TransactionCanceledException', {
    // The service's wording, reasons in action order.
    Message: `Transaction cancelled, please refer cancellation reasons for specific reasons [${reasons.map((r) => r.Code).join(', ')}]`,
    CancellationReasons: reasons,
  });
}

/** A PutItem, UpdateItem or DeleteItem on an item that an in-flight transaction holds. */
export function transactionConflict(): SimulatedReply {
  return errorReply('TransactionConflictException', {
    message: 'Transaction is ongoing for the item',
  });
}

export function throttled(error: ThrottleError): SimulatedReply {
  return errorReply(error, {
    message:
      error === 'ThrottlingException'
        ? 'Rate of requests exceeds the allowed throughput.'
        : 'The level of configured provisioned throughput for the table was exceeded. Consider increasing your provisioning level with the UpdateTable API.',
  });
}
