import { UsageError } from './errors.js';

/** A commander value parser for a whole number in min..max, refusing anything else as a usage error. */
export function wholeNumber(option: string, min: number, max = Number.MAX_SAFE_INTEGER) {
  return (value: string): number => {
    const number = /^\d+$/.test(value) ? Number(value) : Number.NaN;
    if (!(Number.isSafeInteger(number) && number >= min && number <= max)) {
      throw new UsageError(option, `must be a whole number ${min}..${max} (got '${value}')`);
    }
    return number;
  };
}

/** Collects a repeatable option (`--type A --type B`). */
export function repeatable(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/** A JSON option value. */
export function json(option: string) {
  return (value: string): unknown => {
    try {
      return JSON.parse(value);
    } catch (error) {
      throw new UsageError(option, `must be JSON (${(error as Error).message})`);
    }
  };
}
