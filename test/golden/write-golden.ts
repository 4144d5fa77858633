/**
 * `npm run golden`: rewrites the golden report that test/sim/determinism.test.ts compares
 * against. Run it when the model changes on purpose, then review the diff before committing.
 */
import { writeFileSync } from 'node:fs';
import { GOLDEN, GOLDEN_PATH, runGoldenScenario, zeroWallTime } from './golden.js';

writeFileSync(GOLDEN_PATH, zeroWallTime(await runGoldenScenario()));
console.log(`wrote ${GOLDEN.file} (${GOLDEN.scenario}, seed ${GOLDEN.seed})`);
