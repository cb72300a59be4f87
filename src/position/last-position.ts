import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { Attr } from '../table.js';
import { readCounterItem } from './counter.js';

/**
 * The last position the store handed out (0 for a store never written). In
 * reserved mode an append may still be committing below it, and an aborted
 * range may end at it: it bounds `$all`, it does not name an event.
 */
export async function readLastPosition(client: DynamoDBClient, tableName: string): Promise<number> {
  const item = await readCounterItem(DynamoDBDocumentClient.from(client), tableName);
  return Number(item?.[Attr.position] ?? 0);
}
