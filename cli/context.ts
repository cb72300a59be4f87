import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Command } from 'commander';
import { EventStore } from '../src/event-store.js';
import { ProjectionStore } from '../src/projections/projection-store.js';
import { type Connection, type ConnectionFlags, connect, dynamoClient } from './connection.js';
import { Output } from './output.js';

/** What a command runs with: where to write, and the store it works on. */
export interface CommandContext {
  out: Output;
  connection: Connection;
  client: DynamoDBClient;
  store: EventStore;
  projections: ProjectionStore;
}

export interface GlobalFlags extends ConnectionFlags {
  json?: boolean;
}

export async function openContext(command: Command): Promise<CommandContext> {
  const flags = command.optsWithGlobals<GlobalFlags>();
  const out = new Output(flags.json === true);
  const connection = await connect(flags, process.env);
  const client = dynamoClient(connection);
  return {
    out,
    connection,
    client,
    store: new EventStore({
      tableName: connection.eventsTable,
      snapshotTableName: connection.snapshotTable,
      client,
    }),
    projections: new ProjectionStore({ tableName: connection.readModelTable, client }),
  };
}

/**
 * A commander action on a store: opens the context (commander passes the
 * command last), runs, and releases the client whatever happens. Errors go
 * to the program's one error printer.
 */
export function withStore<Args extends unknown[]>(
  action: (ctx: CommandContext, ...args: Args) => Promise<void>,
): (...params: unknown[]) => Promise<void> {
  return async (...params: unknown[]) => {
    const command = params.at(-1) as Command;
    const ctx = await openContext(command);
    try {
      await action(ctx, ...(params.slice(0, -1) as Args));
    } finally {
      ctx.client.destroy();
    }
  };
}
