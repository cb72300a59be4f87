import { EventStoreError, WrongExpectedVersionError } from '../../src/errors.js';
import type { EventStore } from '../../src/event-store.js';
import type { AppendOutcome, MemberOutcome, WorkerPlan } from './append-protocol.js';
import { streamsFor } from './append-protocol.js';

const MAX_TRIES = 100;

/**
 * One multi-stream append of a worker (`plan.multiStream` streams, one
 * `appendToStreams` call), as its writer saw it. With `retryUntilStored`, a
 * failure is sent again with the same event ids until acknowledged; 'exact'
 * retries name the versions the writer knows, so a try that committed
 * unseen is found by the store's idempotency check, never written twice.
 */
export async function appendToStreamsOnce(
  store: EventStore,
  plan: WorkerPlan,
  writerIndex: number,
  appendIndex: number,
  known: Map<string, number>,
  t0: number,
): Promise<AppendOutcome> {
  const id = `${plan.eventIdPrefix}-${plan.processIndex}-${writerIndex}-${appendIndex}`;
  const streams = streamsFor(plan, writerIndex, appendIndex, plan.multiStream ?? 1);
  const members: MemberOutcome[] = streams.map((streamId, m) => ({
    streamId,
    eventIds: Array.from(
      { length: 1 + ((appendIndex + m) % plan.eventsPerAppend) },
      (_, e) => `${id}-${m}-${e}`,
    ),
  }));
  const base = {
    processIndex: plan.processIndex,
    writerIndex,
    streamId: members[0]?.streamId ?? '',
    eventIds: members.flatMap((m) => m.eventIds),
  };
  const startedAt = performance.now();
  const timing = () => ({
    latencyMs: performance.now() - startedAt,
    startedAtMs: startedAt - t0,
  });
  const failedTries: string[] = [];
  for (let tries = 1; ; tries++) {
    const appends = members.map(({ streamId, eventIds }) => ({
      streamId,
      expectedVersion:
        plan.expectedVersion === 'any' ? ('any' as const) : (known.get(streamId) ?? 0),
      events: eventIds.map((eventId, e) => ({
        type: 'Simulated',
        eventId,
        data: { process: plan.processIndex, writer: writerIndex, append: appendIndex, event: e },
      })),
    }));
    try {
      const results = await store.appendToStreams(appends);
      const answered = members.map((member, m) => {
        const result = results[m];
        if (result?.streamId !== member.streamId) {
          throw new Error(`result ${m} is for '${result?.streamId}', not '${member.streamId}'`);
        }
        known.set(member.streamId, result.nextExpectedVersion);
        return {
          ...member,
          nextExpectedVersion: result.nextExpectedVersion,
          firstPosition: result.firstPosition ?? undefined,
          lastPosition: result.lastPosition ?? undefined,
        };
      });
      return { ...base, ok: true, members: answered, tries, failedTries, ...timing() };
    } catch (error) {
      if (error instanceof WrongExpectedVersionError)
        known.set(error.streamId, error.actualVersion);
      const e = error as Error;
      const errorCode = error instanceof EventStoreError ? error.code : e?.name;
      // Bounded, so a failure that never heals still ends the run with its code.
      if (plan.retryUntilStored && tries < MAX_TRIES) {
        failedTries.push(errorCode);
        continue;
      }
      return {
        ...base,
        ok: false,
        members,
        tries,
        failedTries,
        errorCode,
        errorMessage: e?.message,
        ...timing(),
      };
    }
  }
}
