import { describe, expect, it } from 'vitest';
import { eventsFrom } from '../../lambdas/entries/app-module.js';
import { InvalidDefinitionError } from '../../src/errors.js';
import { bankEvents } from '../events/fixtures.js';

describe("the app module's events export", () => {
  it('is the registry when given, and nothing when the module has none', () => {
    expect(eventsFrom(bankEvents)).toEqual({ events: bankEvents });
    expect(eventsFrom(undefined)).toEqual({});
  });

  it.each([[[]], ['events'], [{ get: 1 }]])(
    'fails the cold start for %j, naming the export',
    (value) => {
      expect(() => eventsFrom(value)).toThrow(InvalidDefinitionError);
      expect(() => eventsFrom(value)).toThrow(
        "the app module: export 'events' must be a defineEvents(...) registry",
      );
    },
  );
});
