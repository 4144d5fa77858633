import { defineConfig } from 'vitest/config';

/** The suite's one setting beyond the command line: every property is seeded by test/fast-check-seed.ts. */
export default defineConfig({
  test: { root: '.', setupFiles: ['test/fast-check-seed.ts'] },
});
