import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { EventStore } from '../../src/event-store.js';
import { Attr, Keys } from '../../src/table.js';
import type { PositionedEvent, PositionMode, RecordedEvent } from '../../src/types.js';

/**
 * Checks shared by the proofs (test/proofs/): what must hold of any store,
 * whatever wrote it. Each returns the violations found, as sentences, so an
 * assertion on `[]` shows every one of them at once.
 */

export async function readAllEvents(
  store: EventStore,
  fromPosition = 1,
): Promise<PositionedEvent[]> {
  const events: PositionedEvent[] = [];
  for await (const event of store.readAll({ fromPosition })) events.push(event);
  return events;
}

/**
 * The invariants of `$all` as read (`all`, every event from `fromPosition`):
 * positions unique and increasing (strict: contiguous from `fromPosition`),
 * each stream's versions contiguous from 1 and in version order, and (unless
 * `repeatedIds`: appends that named their ids again on purpose) no event id
 * twice in one stream.
 */
export function allStreamViolations(
  all: readonly PositionedEvent[],
  mode: PositionMode,
  fromPosition = 1,
  repeatedIds = false,
): string[] {
  const violations: string[] = [];
  let previous = fromPosition - 1;
  for (const event of all) {
    if ((event.position as number) <= previous) {
      violations.push(`position ${event.position} after ${previous} (not increasing)`);
    } else if (mode === 'strict' && event.position !== previous + 1) {
      violations.push(`strict mode: positions ${previous + 1}..${event.position - 1} missing`);
    }
    previous = Math.max(previous, event.position);
  }
  const byStream = new Map<string, PositionedEvent[]>();
  for (const event of all) {
    const list = byStream.get(event.streamId) ?? [];
    list.push(event);
    byStream.set(event.streamId, list);
  }
  for (const [streamId, events] of byStream) {
    const versions = events.map((e) => e.version);
    const from = versions[0] ?? 1;
    if (fromPosition === 1 && from !== 1) {
      violations.push(`'${streamId}' starts at version ${from} in $all`);
    }
    if (versions.some((v, i) => v !== from + i)) {
      violations.push(`'${streamId}' versions in $all order: ${versions.join(',')}`);
    }
    if (repeatedIds) continue;
    const ids = events.map((e) => e.eventId);
    const twice = ids.filter((id, i) => ids.indexOf(id) !== i);
    if (twice.length > 0)
      violations.push(`'${streamId}' holds event ids twice: ${twice.join(',')}`);
  }
  return violations;
}

/**
 * Reads the table itself (a Scan, strongly consistent): every position from
 * `from` through `through` must be held by exactly one event or one abort
 * marker's range. Position items are events and abort markers; nothing else
 * carries `position`.
 */
export async function positionCoverageViolations(
  client: DynamoDBClient,
  tableName: string,
  from: number,
  through: number,
): Promise<string[]> {
  const doc = DynamoDBDocumentClient.from(client);
  const holders = new Map<number, string[]>();
  const hold = (position: number, what: string) => {
    if (position < from || position > through) return;
    holders.set(position, [...(holders.get(position) ?? []), what]);
  };
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await doc.send(
      new ScanCommand({ TableName: tableName, ExclusiveStartKey: startKey, ConsistentRead: true }),
    );
    for (const item of page.Items ?? []) {
      const position = item[Attr.position];
      if (typeof position !== 'number') continue;
      const pk = String(item[Attr.pk]);
      if (Keys.isEventSk(String(item[Attr.sk]))) {
        hold(position, `${pk} ${String(item[Attr.sk])}`);
      } else if (item[Attr.slotState] === 'aborted') {
        for (let p = position; p < position + Number(item[Attr.count]); p++) hold(p, `${pk}`);
      }
    }
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  const violations: string[] = [];
  for (let p = from; p <= through; p++) {
    const held = holders.get(p) ?? [];
    if (held.length !== 1) violations.push(`position ${p} held by [${held.join(', ')}]`);
  }
  return violations;
}

/** Times each event id is stored, over a list of events. */
export function countByEventId(events: readonly RecordedEvent[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const event of events) counts.set(event.eventId, (counts.get(event.eventId) ?? 0) + 1);
  return counts;
}

/** Events by stream, each in the order given. */
export function byStream<E extends RecordedEvent>(events: readonly E[]): Map<string, E[]> {
  const streams = new Map<string, E[]>();
  for (const event of events) {
    const list = streams.get(event.streamId) ?? [];
    list.push(event);
    streams.set(event.streamId, list);
  }
  return streams;
}
