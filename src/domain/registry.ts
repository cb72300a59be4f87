import type { AggregateDefinition } from '../aggregates.js';
import type { ProjectionDefinition } from '../projections/define.js';
import { accountAggregate, accountBalances } from './bank-account.js';

/** What the stream processors and the HTTP API know about the domain. */
export interface DomainRegistry {
  readonly aggregates: readonly AggregateDefinition[];
  readonly projections: readonly ProjectionDefinition[];
}

/**
 * The deployment's aggregates and projections. Edit this list to bring your
 * own (the Lambdas and the local runtime import it); the bank account is the
 * built-in example.
 */
export const registry: DomainRegistry = {
  aggregates: [accountAggregate],
  projections: [accountBalances],
};
