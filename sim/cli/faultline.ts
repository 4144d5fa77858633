#!/usr/bin/env node
// The `faultline` command. Compiled to dist/sim/cli/faultline.js, the package's `bin`;
// `npm run faultline -- <args>` runs it from the sources through tsx.
import { main } from './main.js';

process.exitCode = await main(process.argv.slice(2));
