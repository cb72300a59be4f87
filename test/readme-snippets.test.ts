import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const root = new URL('../', import.meta.url);
const readme = readFileSync(new URL('README.md', root), 'utf8');

/**
 * README code blocks marked `<!-- snippet: path#region -->` are copies of a
 * `// #region` of a file that a test runs: the README shows code as it runs.
 */
const snippets = [
  ...readme.matchAll(/<!-- snippet: ([^#\s]+)#([\w-]+) -->\n```ts\n([\s\S]*?)```/g),
].map(([, path = '', region = '', block = '']) => ({ path, region, block }));

function regionOf(path: string, region: string): string | undefined {
  const source = readFileSync(new URL(path, root), 'utf8');
  const match = new RegExp(`// #region ${region}\\n([\\s\\S]*?)// #endregion ${region}`).exec(
    source,
  );
  return match?.[1];
}

describe('README snippets', () => {
  it('are there, each marker followed by its code block', () => {
    expect(snippets.length).toBeGreaterThan(0);
    expect(snippets.length).toBe([...readme.matchAll(/<!-- snippet: /g)].length);
  });

  it.each(snippets)('$path#$region is the README block, as it runs', ({ path, region, block }) => {
    expect(block).toBe(regionOf(path, region));
  });
});
