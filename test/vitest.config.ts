import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

/**
 * The suite's settings beyond the command line: every property is seeded by
 * test/fast-check-seed.ts; two test files run at once even on a 2-core machine (vitest's
 * default is one worker per core less one, so one here): many files spend their time waiting —
 * on child processes, real sockets, real timers — not computing; and the package's own entry
 * points resolve to their sources (the built ones are test/package's to check).
 */
export default defineConfig({
  test: { root: '.', setupFiles: ['test/fast-check-seed.ts'], maxWorkers: 2 },
  resolve: { alias: { 'faultline/fuzz': fileURLToPath(new URL('../sim/fuzz/index.ts', import.meta.url)) } },
});
