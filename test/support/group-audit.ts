import type { AppendOutcome } from '../../local/simulation/append-workers.js';
import type { PositionedEvent } from '../../src/types.js';
import { countByEventId } from './store-audit.js';

/**
 * The checks of multi-stream appends (`appendToStreams`) as their writers saw
 * them, against `$all` as read. Each returns sentences, so one assertion on
 * `[]` shows every violation at once.
 */

/**
 * All or nothing: each append's members are stored whole (each member's
 * events in a row of its stream's versions and of positions, in its order,
 * the whole group at one createdAt) or none of them is; an acknowledged
 * append is stored, at the versions and positions it was answered.
 */
export function groupViolations(
  appends: readonly AppendOutcome[],
  stored: readonly PositionedEvent[],
): string[] {
  const byId = new Map(stored.map((e) => [e.eventId, e]));
  const violations: string[] = [];
  for (const append of appends) {
    const members = append.members ?? [];
    const found = members.flatMap((m) => m.eventIds).filter((id) => byId.has(id));
    const label = `append ${append.eventIds[0]} (${append.ok ? 'ok' : append.errorCode})`;
    if (found.length === 0) {
      if (append.ok) violations.push(`${label}: acknowledged, nothing stored`);
      continue;
    }
    if (found.length !== append.eventIds.length) {
      violations.push(`${label}: ${found.length} of ${append.eventIds.length} events stored`);
      continue;
    }
    const times = new Set(found.map((id) => byId.get(id)?.createdAt));
    if (times.size !== 1) violations.push(`${label}: stored at ${times.size} times`);
    for (const member of members) {
      const events = member.eventIds.map((id) => byId.get(id) as PositionedEvent);
      const [first] = events as [PositionedEvent];
      const whole = events.every(
        (e, i) =>
          e.streamId === member.streamId &&
          e.version === first.version + i &&
          e.position === first.position + i,
      );
      if (!whole) violations.push(`${label}: '${member.streamId}' not stored as one run`);
      if (!append.ok) continue;
      const answered = {
        next: member.nextExpectedVersion,
        first: member.firstPosition,
        last: member.lastPosition,
      };
      const actual = {
        next: events.at(-1)?.version,
        first: first.position,
        last: events.at(-1)?.position,
      };
      if (JSON.stringify(answered) !== JSON.stringify(actual)) {
        violations.push(
          `${label}: '${member.streamId}' answered ${JSON.stringify(answered)}, stored ${JSON.stringify(actual)}`,
        );
      }
    }
  }
  return violations;
}

/** No event stored twice, none stored that no append attempted. */
export function strayEventViolations(
  appends: readonly AppendOutcome[],
  stored: readonly PositionedEvent[],
): string[] {
  const attempted = new Set(appends.flatMap((a) => a.eventIds));
  return [...countByEventId(stored)]
    .filter(([id, times]) => times !== 1 || !attempted.has(id))
    .map(([id, times]) => `${id} stored ${times} times${attempted.has(id) ? '' : ', never sent'}`);
}
