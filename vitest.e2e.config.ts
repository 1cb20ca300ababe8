import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/e2e/**/*.test.ts'],
    environment: 'node',
    testTimeout: 300_000,
    hookTimeout: 600_000,
    // One browser and one static server are shared by the e2e files: run them one after another.
    fileParallelism: false,
    globalSetup: ['tests/e2e/global-setup.ts'],
  },
});
