import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { formatWithOptions } from 'node:util';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { testEndpoint } from '../support/dynamodb.js';

// The README's Emmett and Castore snippets are these files, verbatim; here they run.
const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
const examples = ['emmett', 'castore'];
const source = (name: string) =>
  readFileSync(new URL(`../../examples/frameworks/${name}.ts`, import.meta.url), 'utf8');

describe('the Emmett and Castore examples of the README', () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
    vi.restoreAllMocks();
  });

  it.each(examples)('shows examples/frameworks/%s.ts verbatim', (name) => {
    expect(readme).toContain(`\`\`\`ts\n${source(name)}\`\`\``);
  });

  it.each(examples)(
    'runs %s.ts against DynamoDB Local and prints what its last comment says',
    async (name) => {
      // Prepare: the SDK's own settings from the environment; a fresh access key is a fresh database.
      Object.assign(process.env, {
        AWS_ENDPOINT_URL_DYNAMODB: testEndpoint(),
        AWS_REGION: 'us-east-1',
        AWS_ACCESS_KEY_ID: `example${randomUUID().slice(0, 8)}`,
        AWS_SECRET_ACCESS_KEY: 'local',
      });
      const printed: string[] = [];
      vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => {
        printed.push(formatWithOptions({ colors: false }, ...args));
      });

      // Act
      await import(`../../examples/frameworks/${name}.ts`);

      // Assess
      const expected = source(name)
        .trimEnd()
        .split('\n')
        .at(-1)
        ?.replace(/^\/\/ /, '');
      expect(printed).toEqual([expected]);
    },
  );
});
