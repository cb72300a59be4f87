import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // DynamoDB Local uses about one core; more workers only add contention on this 2-core machine.
    maxWorkers: 2,
    allowOnly: false,
  },
});
