/**
 * Correlation and causation, as metadata: every event carries the id of the
 * message that caused it (`causationId`: a command's id, or an event's
 * `eventId`) and the id of the conversation it belongs to (`correlationId`:
 * carried from message to message, started by the first one). Pass the result
 * as an append's `metadata` option; it is merged into each event's metadata.
 */
// A type, not an interface: it must fit the append's `metadata` option (a JSON object).
export type CorrelationMetadata = {
  readonly correlationId: string;
  readonly causationId: string;
};

/** A command as these helpers see it: its own id, and the conversation it joins, if any. */
export interface CorrelatedCommand {
  readonly commandId: string;
  /** Default: the command starts the conversation, so its own id. */
  readonly correlationId?: string | undefined;
}

/** The metadata of events a command produces: caused by the command, in its conversation. */
export function withCorrelation(command: CorrelatedCommand): CorrelationMetadata {
  return {
    correlationId: command.correlationId ?? command.commandId,
    causationId: command.commandId,
  };
}

/**
 * The metadata of events an incoming event causes (a process manager, an event
 * handler): caused by that event, in the same conversation; an event without a
 * correlation id starts one with its own id.
 */
export function causedBy(event: {
  readonly eventId: string;
  readonly metadata?: unknown;
}): CorrelationMetadata {
  return {
    correlationId: correlationOf(event)?.correlationId ?? event.eventId,
    causationId: event.eventId,
  };
}

/** An event's correlation and causation ids, when its metadata holds them. */
export function correlationOf(event: {
  readonly metadata?: unknown;
}): Partial<CorrelationMetadata> | undefined {
  const metadata = event.metadata;
  if (typeof metadata !== 'object' || metadata === null || Array.isArray(metadata))
    return undefined;
  const { correlationId, causationId } = metadata as Record<string, unknown>;
  const found = {
    ...(typeof correlationId === 'string' && { correlationId }),
    ...(typeof causationId === 'string' && { causationId }),
  };
  return Object.keys(found).length > 0 ? found : undefined;
}
