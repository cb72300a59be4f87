import type { FilterLeaf, FilterPattern } from '../../src/stream-filters.js';

/**
 * Evaluates a Lambda event-filtering pattern against a record the way Lambda
 * does for the subset the project uses: every key of an object pattern must
 * match; a leaf array matches when any alternative (a literal or `{ prefix }`)
 * matches the value, or, for an array value, one of its elements.
 */
export function matchesPattern(
  pattern: FilterPattern | readonly FilterLeaf[],
  value: unknown,
): boolean {
  if (Array.isArray(pattern)) {
    const values = Array.isArray(value) ? value : [value];
    return (pattern as readonly FilterLeaf[]).some((leaf) =>
      values.some((v) => matchesLeaf(leaf, v)),
    );
  }
  if (typeof value !== 'object' || value === null) return false;
  const record = value as Record<string, unknown>;
  return Object.entries(pattern as FilterPattern).every(([key, sub]) =>
    matchesPattern(sub, record[key]),
  );
}

/** Lambda's FilterCriteria: a record passes when any of the filters matches. */
export function passesFilters(filters: readonly FilterPattern[], record: unknown): boolean {
  return filters.length === 0 || filters.some((filter) => matchesPattern(filter, record));
}

function matchesLeaf(leaf: FilterLeaf, value: unknown): boolean {
  if (typeof leaf === 'object') return typeof value === 'string' && value.startsWith(leaf.prefix);
  return leaf === value;
}
