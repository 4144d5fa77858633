import { defineConfig } from 'vitest/config';

/**
 * The suite's settings beyond the command line: every property is seeded by
 * test/fast-check-seed.ts, and two test files run at once even on a 2-core machine (vitest's
 * default is one worker per core less one, so one here): many files spend their time waiting —
 * on child processes, real sockets, real timers — not computing.
 */
export default defineConfig({
  test: { root: '.', setupFiles: ['test/fast-check-seed.ts'], maxWorkers: 2 },
});
