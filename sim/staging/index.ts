/**
 * Staging: a scenario mapped onto a real staging mesh. The target file format, its loader and
 * its checks against a scenario, and the host allowlist every staging run goes through.
 */
export { checkTargetAgainstScenario } from './check-target-against-scenario.js';
export type { TargetCheckOptions } from './check-target-against-scenario.js';
export { isHostAllowed } from './host-allowlist.js';
export { loadTargetFile, MAX_TARGET_BYTES, parseTargetFile } from './load-target-file.js';
export type { LoadedTarget } from './load-target-file.js';
export { stagingFaultLayer } from './staging-fault-layer.js';
export type { StagingFaultLayer } from './staging-fault-layer.js';
export { StagingTargetSchema } from './staging-target-schema.js';
export type { ServiceAddress, StagingTarget } from './staging-target-schema.js';
export { TargetFileError } from './target-file-error.js';
export type { TargetErrorCode, TargetIssue } from './target-file-error.js';
