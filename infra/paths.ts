import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The repository root: the nearest ancestor of this module holding both
 * `package.json` and `lambdas/`. Walking up (instead of a fixed `..`) keeps
 * the entry paths right whether this file runs from `infra/` through tsx or
 * from a compiled copy under `dist/infra/`, and whatever the process cwd is
 * (`cdk synth`, vitest, another CDK app importing the construct).
 */
export function findRepoRoot(from: string = dirname(fileURLToPath(import.meta.url))): string {
  let dir = from;
  for (;;) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'lambdas'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) {
      throw new Error(`no directory with package.json and lambdas/ above ${from}`);
    }
    dir = parent;
  }
}

export const repoRoot: string = findRepoRoot();

/** The Lambda entry points, as bundling inputs only: infra/ never imports lambdas/. */
export const lambdaEntries = {
  api: join(repoRoot, 'lambdas', 'api.ts'),
  projector: join(repoRoot, 'lambdas', 'projector.ts'),
  snapshotter: join(repoRoot, 'lambdas', 'snapshotter.ts'),
} as const;

export const depsLockFile: string = join(repoRoot, 'package-lock.json');
