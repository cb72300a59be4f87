import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { Command } from 'commander';
import { dynamoCall } from '../../src/dynamo-call.js';
import { readLastPosition } from '../../src/position/last-position.js';
import { Attr, Keys } from '../../src/table.js';
import { withStore } from '../context.js';

export function registerStats(program: Command): void {
  program
    .command('stats')
    .description(
      'events, streams, last position, snapshots, and how far each checkpoint lags (scans the tables)',
    )
    .action(
      withStore(async (ctx) => {
        const { eventsTable, snapshotTable } = ctx.connection;
        const { events, streams } = await countEvents(ctx.client, eventsTable);
        const lastPosition = await readLastPosition(ctx.client, eventsTable);
        const snapshots = await countItems(ctx.client, snapshotTable);
        const checkpoints = (await ctx.projections.listCheckpoints()).map((c) => ({
          name: c.name,
          position: c.position,
          lag: Math.max(0, lastPosition - c.position),
        }));
        const stats = { events, streams, lastPosition, snapshots, checkpoints };
        ctx.out.result(stats, () => {
          ctx.out.fields([
            ['events', events],
            ['streams', streams],
            ['last position', lastPosition],
            ['snapshots', snapshots],
          ]);
          if (checkpoints.length > 0) {
            ctx.out.line();
            ctx.out.table(
              ['CHECKPOINT', 'POSITION', 'LAG'],
              checkpoints.map((c) => [c.name, c.position, c.lag]),
            );
          }
        });
      }),
    );
}

/** Event items and stream heads, by their sort keys: one pass over the keys of the events table. */
async function countEvents(
  client: DynamoDBClient,
  tableName: string,
): Promise<{ events: number; streams: number }> {
  const doc = DynamoDBDocumentClient.from(client);
  let events = 0;
  let streams = 0;
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await dynamoCall(`Scan of ${tableName}`, () =>
      doc.send(
        new ScanCommand({
          TableName: tableName,
          ProjectionExpression: '#sk',
          ExpressionAttributeNames: { '#sk': Attr.sk },
          ExclusiveStartKey: startKey,
        }),
      ),
    );
    for (const item of page.Items ?? []) {
      const sk = String(item[Attr.sk]);
      if (Keys.isEventSk(sk)) events++;
      else if (sk === Keys.headSk) streams++;
    }
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return { events, streams };
}

async function countItems(client: DynamoDBClient, tableName: string): Promise<number> {
  const doc = DynamoDBDocumentClient.from(client);
  let count = 0;
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await dynamoCall(`Scan of ${tableName}`, () =>
      doc.send(
        new ScanCommand({ TableName: tableName, Select: 'COUNT', ExclusiveStartKey: startKey }),
      ),
    );
    count += page.Count ?? 0;
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return count;
}
