import { setTimeout as sleep } from 'node:timers/promises';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { Attr, Index } from '../../src/table.js';

/**
 * SDK middleware for the read tests. Added at the `initialize` step of the
 * client's stack, which the store's DocumentClient shares, so they see the
 * plain (unmarshalled) input and output of each call.
 */

export interface SentQuery {
  input: Record<string, unknown>;
  items: number;
}

/** Records every Query the client sends, with how many items came back. */
export function recordQueries(client: DynamoDBClient): SentQuery[] {
  const sent: SentQuery[] = [];
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const result = await next(args);
      if (context.commandName === 'QueryCommand') {
        const output = result.output as { Items?: unknown[] };
        sent.push({
          input: args.input as Record<string, unknown>,
          items: output.Items?.length ?? 0,
        });
      }
      return result;
    },
    { step: 'initialize', name: 'recordQueries' },
  );
  return sent;
}

/**
 * Makes the byPosition index lag behind the table, as a real GSI can: the
 * first `times` index Query responses that hold `position` come back without
 * it. `hidden()` says how many responses it was taken out of.
 */
export function hidePosition(
  client: DynamoDBClient,
  position: number,
  times = Number.POSITIVE_INFINITY,
): { hidden: () => number } {
  let hidden = 0;
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const result = await next(args);
      const input = args.input as { IndexName?: string };
      if (context.commandName !== 'QueryCommand' || input.IndexName !== Index.byPosition) {
        return result;
      }
      const output = result.output as { Items?: Record<string, unknown>[]; Count?: number };
      const items = output.Items ?? [];
      const kept = items.filter((item) => item[Attr.position] !== position);
      if (kept.length < items.length && hidden < times) {
        hidden++;
        output.Items = kept;
        output.Count = kept.length;
      }
      return result;
    },
    { step: 'initialize', name: `hidePosition${position}` },
  );
  return { hidden: () => hidden };
}

/** Records the name of every command the client sends (e.g. 'BatchGetItemCommand'), in order. */
export function recordCommands(client: DynamoDBClient): string[] {
  const sent: string[] = [];
  client.middlewareStack.add(
    (next, context) => async (args) => {
      sent.push(context.commandName ?? 'unknown');
      return next(args);
    },
    { step: 'initialize', name: 'recordCommands' },
  );
  return sent;
}

/**
 * Holds every `commandName` call (e.g. 'BatchGetItemCommand') `ms` before it
 * is sent: a slow reply, deterministically. `next()` settles when the next
 * such call (from now on) is being held.
 */
export function delayCommand(
  client: DynamoDBClient,
  commandName: string,
  ms: number,
): { next(): Promise<void> } {
  let waiters: (() => void)[] = [];
  client.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName === commandName) {
        for (const wake of waiters) wake();
        waiters = [];
        await sleep(ms);
      }
      return next(args);
    },
    { step: 'initialize', name: `delay${commandName}` },
  );
  return { next: () => new Promise<void>((resolve) => waiters.push(resolve)) };
}
