/**
 * The live load generator: a scenario's `load` block (k6's executors) on real time, through
 * a transport-agnostic {@link LoadTarget}. Live mode builds one per load with
 * {@link createLiveLoad}, starts them on the run's origin and awaits `done`.
 */
export { ArrivalSchedule, type ArrivalRateSpec } from './arrival-schedule.js';
export { ClosedLoopLoad, type ConstantVusSpec } from './closed-loop-load.js';
export { createLiveLoad } from './create-live-load.js';
export { EventLoopDelay, type EventLoopDelayStats } from './event-loop-delay.js';
export { LiveLoad, type LiveLoadOptions, type ResultListener } from './live-load.js';
export { LoadRequest, RequestState } from './load-request.js';
export { DEFAULT_BEHIND_POLICY, type BehindPolicy, type LiveLoadReport } from './load-stats.js';
export type { LoadDone, LoadTarget } from './load-target.js';
export { OpenLoopLoad } from './open-loop-load.js';
export type { TokenSource } from './request-classes.js';
export { UndiciTarget, type OriginOf, type UndiciTargetOptions } from './undici-target.js';
