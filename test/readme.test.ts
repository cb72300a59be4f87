import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

/** Every `import { … } from 'dynamo-event-store…'` in the README's TypeScript blocks. */
function packageImports(): { module: string; names: string[] }[] {
  const blocks = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1] ?? '');
  return blocks.flatMap((code) =>
    [...code.matchAll(/import\s*\{([^}]*)\}\s*from\s*'(dynamo-event-store[^']*)'/g)].map((m) => ({
      module: m[2] ?? '',
      names: (m[1] ?? '')
        .split(',')
        .map((n) => n.trim())
        .filter((n) => n !== '' && !n.startsWith('type ')),
    })),
  );
}

describe('the README', () => {
  const imports = packageImports();

  it('imports from the package in its examples, through every subpath', () => {
    expect([...new Set(imports.map((i) => i.module))].sort()).toEqual([
      'dynamo-event-store',
      'dynamo-event-store/castore',
      'dynamo-event-store/cdk',
      'dynamo-event-store/client',
      'dynamo-event-store/emmett',
      'dynamo-event-store/lambda',
      'dynamo-event-store/local',
      'dynamo-event-store/testing',
    ]);
  });

  it.each(imports)('names only what $module exports: $names', async ({ module, names }) => {
    const exported = await import(/* @vite-ignore */ module);
    expect(names.filter((name) => !(name in exported))).toEqual([]);
  });

  it("shows the bank-account example's events, command handler and domain tests as they run", () => {
    const start = readme.indexOf('### Testing your domain');
    // Up to the next heading of its level or above (Emmett and Castore follow it).
    const end = readme.slice(start + 1).search(/\n#{2,3} /) + start + 1;
    const section = readme.slice(start, end);
    // Each block is a snippet, which readme-snippets.test.ts compares with its file's region.
    const snippets = [...section.matchAll(/<!-- snippet: (\S+) -->\n```ts\n/g)].map((m) => m[1]);

    expect(snippets).toEqual([
      'examples/bank-account/src/events.ts#events',
      'examples/bank-account/src/commands.ts#handler',
      'examples/bank-account/test/bank-account.test.ts#spec',
      'examples/bank-account/test/bank-account.test.ts#handler',
    ]);
    expect(section.match(/```ts\n/g)).toHaveLength(snippets.length);
  });

  it('names the construct EventStoreConstruct, never the SDK class, in CDK code', () => {
    const cdkBlocks = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)]
      .map((m) => m[1] ?? '')
      .filter((code) => code.includes('aws-cdk-lib'));
    expect(cdkBlocks.length).toBeGreaterThan(0);
    for (const code of cdkBlocks) expect(code).not.toMatch(/new EventStore\(/);
  });
});
