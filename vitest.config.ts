import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/ts/**/*.test.ts', 'test/ts/**/*.test.tsx'],
    // Integration tests start real Python workers; 2-core machines need room.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // Heavy tests (torch, tfjs) share 2 cores: keep files from fighting for them.
    fileParallelism: false,
  },
});
