import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['**/*.spec.ts', 'test/**/*.test.ts'],
    exclude: ['node_modules/**', '**/__generated__/**'],
    globalSetup: ['test/support/global-setup.ts'],
    // e2e files each boot the platform; two cores do not gain from running several at once.
    fileParallelism: false,
    testTimeout: 30_000,
    hookTimeout: 120_000,
    reporters: ['default', './test/support/summary-reporter.ts'],
  },
});
