export * from './clock.js';
export * from './rng.js';
export * from './dispatch.js';
export * from './failure-cause.js';
export * from './timeout.js';
