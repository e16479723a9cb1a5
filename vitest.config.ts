import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Suites start real servers on loopback; two workers match the two cores of CI machines.
    maxWorkers: 2,
    globalSetup: ['test/global-setup.ts'],
  },
});
