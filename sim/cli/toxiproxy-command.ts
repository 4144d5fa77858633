/**
 * `faultline toxiproxy`: a Toxiproxy-compatible fault proxy, standalone. Serves Toxiproxy's
 * HTTP API (loopback unless told otherwise) until SIGINT or SIGTERM, then closes every proxy
 * and connection and exits 0.
 */
import { isIP } from 'node:net';
import { parseArgs } from 'node:util';
import type { ToxiproxyServer } from '../toxiproxy/toxiproxy-server.js';
import type { ProxyInput } from '../toxiproxy/toxiproxy-state.js';
import { TOXIPROXY_VERSION } from '../toxiproxy/toxiproxy-version.js';
import { parseSeed } from './arguments.js';
import { ExitCode, RunError, UsageError } from './exit-codes.js';

/** The text of `faultline toxiproxy --help` and `faultline help toxiproxy`. */
export const TOXIPROXY_HELP = `faultline toxiproxy [options]

Runs a fault proxy that speaks Toxiproxy's HTTP API (version ${TOXIPROXY_VERSION}): any Toxiproxy
2.x client, the toxiproxy-cli and curl drive it unchanged. Each proxy listens on a TCP port
and forwards every connection to its upstream through the toxics you add, on new and open
connections alike. Runs until Ctrl-C (SIGINT) or SIGTERM, then closes every proxy and
connection and exits 0.

Options
  --host HOST        interface for the API (default 127.0.0.1; any other interface is
                     reachable from other machines, and a warning says so)
  --port PORT        port for the API (default 8474, Toxiproxy's; 0 picks a free one)
  --config FILE      proxies to create at start: Toxiproxy's JSON list
                     [{"name", "listen", "upstream", "enabled"}] (YAML too). A bad file is
                     refused with its line, column and key (exit 2)
  --seed N           seed the toxics' randomness (toxicity, jitter, slicer): the same
                     connections and data give the same draws. Toxiproxy's -seed has no
                     effect; this one does
  --proxy-metrics    serve /metrics with toxiproxy_proxy_{received,sent}_bytes_total
  --runtime-metrics  serve /metrics with this process's CPU and memory
  -h, --help         this help

Toxics (attributes; times in ms unless said)
  latency      latency, jitter           each chunk delayed latency ± jitter
  bandwidth    rate (KB/s, 1 KB = 1000)  throttled to rate
  slow_close   delay                     the close passed on delay late
  timeout      timeout                   data dropped; closed after timeout (0: held open)
  slicer       average_size,             data cut into pieces of about average_size bytes,
               size_variation, delay µs  delay µs apart
  limit_data   bytes                     closed after bytes
  reset_peer   timeout                   reset (TCP RST) timeout after the first data
Each toxic acts on one stream, downstream (server → client, the default) or upstream, on
a fraction 'toxicity' of connections (default 1).

Example
  faultline toxiproxy --port 8474 &
  curl -s -X POST 127.0.0.1:8474/proxies \\
    -d '{"name": "redis", "listen": "127.0.0.1:26379", "upstream": "127.0.0.1:6379"}'
  curl -s -X POST 127.0.0.1:8474/proxies/redis/toxics \\
    -d '{"type": "latency", "attributes": {"latency": 100, "jitter": 10}}'
  redis-cli -p 26379 ping        # answers 100 ms ± 10 ms late
  curl -s -X DELETE 127.0.0.1:8474/proxies/redis/toxics/latency_downstream

  From Node, with toxiproxy-node-client:
    import { Toxiproxy } from 'toxiproxy-node-client';
    const toxiproxy = new Toxiproxy('http://127.0.0.1:8474');
    const proxy = await toxiproxy.createProxy({ name: 'redis', listen: '127.0.0.1:26379', upstream: '127.0.0.1:6379' });
    const toxic = await proxy.addToxic({ type: 'latency', stream: 'downstream', toxicity: 1, attributes: { latency: 100, jitter: 10 } });
    await toxic.remove();

Exit codes
  0  stopped by SIGINT or SIGTERM     2  bad usage or config file
  3  the API or a proxy of the config could not listen (e.g. port in use)`;

/** Runs `faultline toxiproxy` with its arguments; resolves with the exit code once stopped. */
export async function toxiproxyCommand(args: string[]): Promise<number> {
  const options = parseOptions(args);
  // Loaded here, not at the top: every other command would pay for loading the proxy.
  const [{ loadToxiproxyConfig, ToxiproxyConfigError }, { splitHostPort }, { startToxiproxyServer }, { PopulateError, ToxiproxyState }] = await Promise.all([
    import('../toxiproxy/config-file.js'),
    import('../toxiproxy/listen-address.js'),
    import('../toxiproxy/toxiproxy-server.js'),
    import('../toxiproxy/toxiproxy-state.js'),
  ]);
  let proxies: ProxyInput[] = [];
  if (options.config !== undefined) {
    try {
      proxies = loadToxiproxyConfig(options.config);
    } catch (error) {
      if (!(error instanceof ToxiproxyConfigError)) throw error;
      process.stderr.write(`${error.message}\n`);
      return ExitCode.BadInput;
    }
  }
  warnBeyondLoopback(options.host, proxies, (listen) => splitHostPort(listen).host);
  // Heard from now on: a signal during start-up stops the server as soon as it is up.
  const stopped = untilStopped();
  const state = new ToxiproxyState({ seed: options.seed });
  try {
    await state.populate(proxies);
  } catch (error) {
    stopped.cancel();
    await state.close();
    if (error instanceof PopulateError) throw new RunError(`cannot start the proxies of ${options.config}: ${error.message}`);
    throw error;
  }
  let server: ToxiproxyServer;
  try {
    server = await startToxiproxyServer({ host: options.host, port: options.port, state, metrics: options.metrics });
  } catch (error) {
    stopped.cancel();
    await state.close();
    throw new RunError(`cannot serve the API on ${options.host}:${options.port}: ${(error as Error).message}`);
  }
  process.stdout.write(`faultline toxiproxy: Toxiproxy ${TOXIPROXY_VERSION} API on ${server.url}${proxies.length > 0 ? `, ${proxies.length} ${proxies.length === 1 ? 'proxy' : 'proxies'} from ${options.config}` : ''}; Ctrl-C to stop\n`);
  for (const proxy of state.listProxies()) process.stdout.write(`  ${proxy.name}: ${proxy.listen} → ${proxy.upstream}${proxy.enabled ? '' : ' (disabled)'}\n`);
  const signal = await stopped.signal;
  await server.close();
  process.stderr.write(`faultline toxiproxy: stopped by ${signal}; every proxy and connection closed\n`);
  return ExitCode.Ok;
}

interface ToxiproxyOptions {
  host: string;
  port: number;
  config?: string;
  seed?: number;
  metrics: { proxy: boolean; runtime: boolean };
}

function parseOptions(args: string[]): ToxiproxyOptions {
  let values;
  try {
    ({ values } = parseArgs({
      args,
      strict: true,
      allowPositionals: false,
      options: {
        host: { type: 'string', default: '127.0.0.1' },
        port: { type: 'string', default: '8474' },
        config: { type: 'string' },
        seed: { type: 'string' },
        'proxy-metrics': { type: 'boolean', default: false },
        'runtime-metrics': { type: 'boolean', default: false },
      },
    }));
  } catch (error) {
    throw new UsageError(`${(error as Error).message}. Run 'faultline help toxiproxy'.`);
  }
  if (values.host === '') throw new UsageError(`--host must name an interface, e.g. 127.0.0.1.`);
  if (!/^[0-9]+$/.test(values.port) || Number(values.port) > 65535) throw new UsageError(`--port must be a port number from 0 to 65535, got '${values.port}'.`);
  return {
    host: values.host,
    port: Number(values.port),
    config: values.config,
    seed: values.seed === undefined ? undefined : parseSeed(values.seed),
    metrics: { proxy: values['proxy-metrics'], runtime: values['runtime-metrics'] },
  };
}

/** Says on stderr when the API or a proxy of the config listens beyond this machine. */
function warnBeyondLoopback(host: string, proxies: readonly ProxyInput[], hostOf: (listen: string) => string): void {
  if (!isLoopback(host)) process.stderr.write(`faultline toxiproxy: warning: the API listens on ${host}, reachable from other machines; anyone who reaches it can open proxies on this host\n`);
  for (const proxy of proxies) {
    if (!isLoopback(hostOf(proxy.listen))) process.stderr.write(`faultline toxiproxy: warning: proxy '${proxy.name}' listens on ${proxy.listen}, reachable from other machines\n`);
  }
}

function isLoopback(host: string): boolean {
  if (host === 'localhost') return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  return host === '::1';
}

/** The first SIGINT or SIGTERM from now on; `cancel` stops listening. */
function untilStopped(): { signal: Promise<NodeJS.Signals>; cancel(): void } {
  let stop: (signal: NodeJS.Signals) => void = () => undefined;
  const cancel = (): void => {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  };
  const signal = new Promise<NodeJS.Signals>((resolve) => {
    stop = (received) => {
      cancel();
      resolve(received);
    };
  });
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  return { signal, cancel };
}
