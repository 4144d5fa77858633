// The pool's entry when faultline runs from its TypeScript sources (tsx, vitest): on Node 20,
// tsx's loader does not reach worker threads, so the worker registers it before importing the
// TypeScript module. The compiled package starts its workers on fuzz-worker.js directly.
import { register } from 'tsx/esm/api';

register();
const worker = await import('./fuzz-worker.ts');
export default worker.default;
