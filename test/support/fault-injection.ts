import {
  type CancellationReason,
  type DynamoDBClient,
  DynamoDBServiceException,
  ProvisionedThroughputExceededException,
  ThrottlingException,
  TransactionCanceledException,
} from '@aws-sdk/client-dynamodb';

/**
 * Faults that DynamoDB Local never produces (it runs transactions one at a
 * time and never throttles), injected into a real client with an SDK
 * middleware, so everything else still goes to the real DynamoDB Local.
 */
export type Fault =
  /** TransactionCanceledException whose reason at item `at` (default 0) is TransactionConflict. */
  | { kind: 'transaction-conflict'; at?: number }
  | {
      kind: 'throttling';
      name?:
        | 'ThrottlingException'
        | 'ProvisionedThroughputExceededException'
        | 'RequestLimitExceeded';
    }
  /** The request reaches DynamoDB and runs there; the caller gets a connection reset instead of the reply. */
  | { kind: 'lost-reply' };

export interface FaultOptions {
  /** Fault the first `times` matching commands; later ones pass. Default 1. */
  times?: number;
  /** The SDK command name to match. Default 'TransactWriteItemsCommand'. */
  command?: string;
  /**
   * `above-sdk-retry` (default): each fault reaches the caller of `send`
   * (the store) exactly once. `below-sdk-retry`: the SDK's own retry sees it
   * first, as with a fault on the wire.
   */
  layer?: 'above-sdk-retry' | 'below-sdk-retry';
}

export interface FaultInjection {
  /** Inputs of every matching command, faulted or not, in order. */
  readonly inputs: readonly Record<string, unknown>[];
  readonly injected: number;
  remove(): void;
}

let installed = 0;

export function injectFaults(
  client: DynamoDBClient,
  fault: Fault,
  options: FaultOptions = {},
): FaultInjection {
  const times = options.times ?? 1;
  const command = options.command ?? 'TransactWriteItemsCommand';
  const name = `faultInjection${++installed}`;
  const inputs: Record<string, unknown>[] = [];
  let injected = 0;
  const middleware =
    (next: (args: unknown) => Promise<unknown>, context: { commandName?: string }) =>
    async (args: { input: Record<string, unknown> }) => {
      if (context.commandName !== command) return next(args);
      inputs.push(args.input);
      if (injected >= times) return next(args);
      injected++;
      if (fault.kind === 'lost-reply') {
        await next(args);
        throw Object.assign(new Error('socket hang up (injected lost reply)'), {
          code: 'ECONNRESET',
        });
      }
      throw faultError(fault, args.input);
    };
  // 'initialize' runs before the SDK's retry middleware (finalizeRequest) and
  // 'deserialize' after it, next to the wire.
  if (options.layer === 'below-sdk-retry') {
    client.middlewareStack.add(middleware as never, { step: 'deserialize', name, override: true });
  } else {
    client.middlewareStack.add(middleware as never, { step: 'initialize', name, override: true });
  }
  return {
    inputs,
    get injected() {
      return injected;
    },
    remove: () => void client.middlewareStack.remove(name),
  };
}

const metadata = (httpStatusCode: number) => ({
  httpStatusCode,
  attempts: 1,
  totalRetryDelay: 0,
});

function faultError(
  fault: Exclude<Fault, { kind: 'lost-reply' }>,
  input: Record<string, unknown>,
): Error {
  if (fault.kind === 'transaction-conflict') {
    const count = Array.isArray(input.TransactItems) ? input.TransactItems.length : 1;
    const at = fault.at ?? 0;
    const reasons: CancellationReason[] = Array.from({ length: count }, (_, i) =>
      i === at
        ? { Code: 'TransactionConflict', Message: 'Transaction is ongoing for the item' }
        : { Code: 'None' },
    );
    return new TransactionCanceledException({
      message: `Transaction cancelled, please refer cancellation reasons for specific reasons [${reasons.map((r) => r.Code).join(', ')}]`,
      $metadata: metadata(400),
      CancellationReasons: reasons,
    });
  }
  const name = fault.name ?? 'ThrottlingException';
  const message = 'Rate of requests exceeds the allowed throughput (injected)';
  if (name === 'ThrottlingException') {
    return new ThrottlingException({ message, $metadata: metadata(400) });
  }
  if (name === 'ProvisionedThroughputExceededException') {
    return new ProvisionedThroughputExceededException({ message, $metadata: metadata(400) });
  }
  return new DynamoDBServiceException({
    name,
    $fault: 'client',
    message,
    $metadata: metadata(400),
  });
}

/**
 * The client's first TransactWriteItems commits, then `meanwhile` runs (another
 * writer, say), then its reply is lost as a reset connection is. `lost()` says
 * whether that happened.
 */
export function loseReplyAfterCommit(
  client: DynamoDBClient,
  meanwhile: () => Promise<unknown>,
): { lost: () => number } {
  let lost = 0;
  client.middlewareStack.add(
    ((next: (args: unknown) => Promise<unknown>, context: { commandName?: string }) =>
      async (args: unknown) => {
        if (context.commandName !== 'TransactWriteItemsCommand' || lost > 0) return next(args);
        lost++;
        await next(args);
        await meanwhile();
        throw Object.assign(new Error('socket hang up (injected lost reply)'), {
          code: 'ECONNRESET',
        });
      }) as never,
    { step: 'initialize', name: 'loseReplyAfterCommit', override: true },
  );
  return { lost: () => lost };
}
