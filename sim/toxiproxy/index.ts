/**
 * faultline's Toxiproxy-compatible fault proxy, to embed: {@link startToxiproxyServer} for the
 * HTTP API any Toxiproxy 2.x client drives, {@link ToxiproxyState} to create proxies and add,
 * change or remove toxics from code without HTTP.
 */
export { startToxiproxyServer } from './toxiproxy-server.js';
export type { ToxiproxyServer, ToxiproxyServerOptions } from './toxiproxy-server.js';
export { PopulateError, ToxiproxyState } from './toxiproxy-state.js';
export type { ProxyChanges, ProxyInput, ToxiproxyStateOptions } from './toxiproxy-state.js';
export type { Direction, ToxicChanges, ToxicInput } from './toxic-definition.js';
export type { ProxyJson, ToxicJson } from './json-shapes.js';
export type { MetricsOptions } from './toxiproxy-metrics.js';
export { toxiproxyRequestHandler } from './toxiproxy-api.js';
export { toxicTypes } from './toxic-kinds.js';
export { TOXIPROXY_VERSION } from './toxiproxy-version.js';
export {
  BadRequestBodyError,
  InvalidStreamError,
  InvalidToxicTypeError,
  MissingFieldError,
  ProxyExistsError,
  ProxyListenError,
  ProxyNotFoundError,
  ToxicExistsError,
  ToxicNotFoundError,
  ToxiproxyApiError,
} from './toxiproxy-errors.js';
