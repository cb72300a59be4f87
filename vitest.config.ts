import { defineConfig } from 'vitest/config';

// The SDK warns once per process that Node 20 support ends in 2027; the README says so once instead.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

export default defineConfig({
  // Inside the repository, `dynamo-event-store` (the examples import it) resolves to its sources.
  ssr: { resolve: { conditions: ['event-store-source', 'node', 'import', 'default'] } },
  test: {
    include: ['test/**/*.test.ts', 'examples/**/*.test.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // DynamoDB Local uses about one core; more workers only add contention on this 2-core machine.
    maxWorkers: 2,
    allowOnly: false,
    // Type tests (`*.test-d.ts`): a wrong event shape must not compile. Checked by tsc, not run.
    typecheck: {
      enabled: true,
      include: ['test/**/*.test-d.ts'],
      tsconfig: './tsconfig.typetests.json',
    },
  },
});
