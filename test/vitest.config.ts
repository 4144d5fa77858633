import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

/**
 * The suite's settings beyond the command line: every property is seeded by
 * test/fast-check-seed.ts, and the package's own entry points resolve to their sources (the
 * built ones are test/package's to check).
 */
export default defineConfig({
  test: { root: '.', setupFiles: ['test/fast-check-seed.ts'] },
  resolve: { alias: { 'faultline/fuzz': fileURLToPath(new URL('../sim/fuzz/index.ts', import.meta.url)) } },
});
