import type { AggregateDefinition } from '../../src/aggregates.js';
import { InvalidDefinitionError } from '../../src/errors.js';
import { type EventRegistry, isEventRegistry } from '../../src/events/define.js';
import type { ProjectionDefinition } from '../../src/projections/define.js';

/** The app module's `projections` export, checked at cold start: a wrong export fails the init, naming it. */
export function projectionsFrom(value: unknown): readonly ProjectionDefinition[] {
  return definitionsFrom<ProjectionDefinition>(value, 'projections', 'name', 'defineProjection');
}

/** The app module's `aggregates` export, checked at cold start. */
export function aggregatesFrom(value: unknown): readonly AggregateDefinition[] {
  return definitionsFrom<AggregateDefinition>(value, 'aggregates', 'category', 'defineAggregate');
}

/** The app module's `events` export (a `defineEvents(...)` registry), or none. */
export function eventsFrom(value: unknown): { events?: EventRegistry } {
  if (value === undefined) return {};
  if (!isEventRegistry(value)) {
    throw new InvalidDefinitionError(
      'the app module',
      "export 'events'",
      `must be a defineEvents(...) registry (got ${typeof value})`,
    );
  }
  return { events: value };
}

function definitionsFrom<T>(value: unknown, name: string, field: string, define: string): T[] {
  if (!Array.isArray(value)) {
    throw new InvalidDefinitionError(
      'the app module',
      `export '${name}'`,
      `must be an array of ${define}(...) results (got ${typeof value})`,
    );
  }
  value.forEach((item, i) => {
    if (typeof item !== 'object' || item === null || typeof item[field] !== 'string') {
      throw new InvalidDefinitionError(
        'the app module',
        `${name}[${i}]`,
        `must be a ${define}(...) result`,
      );
    }
  });
  return value as T[];
}
