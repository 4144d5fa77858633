/** The protocol a k6 script speaks to a load's entry service: HTTP (k6/http) or gRPC (k6/net/grpc). */
import type { Scenario } from '../../scenarios/schema.js';

/** `http` for services of protocol http1 and http2, `grpc` for grpc. */
export type K6Protocol = 'http' | 'grpc';

/** The protocol k6 uses for the load `name`: its entry service's. */
export function protocolOf(scenario: Scenario, name: string): K6Protocol {
  return scenario.services[scenario.load[name].target].protocol === 'grpc' ? 'grpc' : 'http';
}
