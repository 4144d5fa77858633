/**
 * A staging mesh on this machine, for staging runs to be tested against as they would run
 * against a real one: the services of a scenario started by live mode on 127.0.0.1, each
 * behind a proxy of the embedded Toxiproxy server (`faultline toxiproxy`'s), and a target file
 * that maps the scenario onto them. Runs drive it only through its HTTP API.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseScenario } from '../../scenarios/parse-scenario.js';
import { LiveMesh } from '../../sim/live/live-mesh.js';
import { startToxiproxyServer, type ToxiproxyServer } from '../../sim/toxiproxy/index.js';

/** A running stand-in. */
export interface StandIn {
  readonly toxiproxy: ToxiproxyServer;
  /** The target file written for it. */
  readonly targetFile: string;
  /** Names of the toxics on every proxy right now. */
  toxicNames(): string[];
  close(): Promise<void>;
}

/**
 * Starts the services of `scenarioText` (one instance each is reached through its proxy:
 * instance 0) with a proxy named after each service, and writes `dir/target.yaml`
 * (`maxDuration` as given) whose `services` map every service to its proxy's URL.
 */
export async function startStandIn(scenarioText: string, dir: string, maxDuration = '1m'): Promise<StandIn> {
  const scenario = parseScenario(scenarioText, 'stand-in.yaml');
  const mesh = new LiveMesh(scenario, { seed: 1, keysOf: () => ({ verify: () => false }) });
  await mesh.start();
  mesh.begin();
  const toxiproxy = await startToxiproxyServer({ port: 0, seed: 1 });
  const services: string[] = [];
  const proxies: string[] = [];
  for (const service of mesh.services.values()) {
    const upstream = `127.0.0.1:${service.instances[0].server!.port}`;
    const proxy = await toxiproxy.state.createProxy({ name: service.name, listen: '127.0.0.1:0', upstream, enabled: true });
    services.push(`  ${service.name}: { url: "http://${proxy.listen}" }`);
    proxies.push(`      ${service.name}: ${service.name}`);
  }
  const targetFile = join(dir, 'target.yaml');
  writeFileSync(
    targetFile,
    `version: 1\ntarget: stand-in\nallowHosts: [127.0.0.1]\nmaxDuration: ${maxDuration}\nservices:\n${services.join('\n')}\ntoxiproxy:\n  - api: "${toxiproxy.url}"\n    proxies:\n${proxies.join('\n')}\nl7Faults: headers\n`,
  );
  return {
    toxiproxy,
    targetFile,
    toxicNames: () => toxiproxy.state.listProxies().flatMap((p) => toxiproxy.state.listToxics(p.name).map((t) => t.name)),
    close: async () => {
      await toxiproxy.close();
      await mesh.stop();
    },
  };
}
