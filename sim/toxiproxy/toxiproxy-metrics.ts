/**
 * `GET /metrics` in Prometheus' text format, served only when asked for, as Toxiproxy
 * registers the route only with `-proxy-metrics` or `-runtime-metrics`: the proxies' byte
 * counters (Toxiproxy's names and labels), and the process' own figures (Node's, where
 * Toxiproxy's are Go's).
 */
import type { TrafficCount } from './traffic-counters.js';

/** Which metrics `/metrics` serves. */
export interface MetricsOptions {
  /** `toxiproxy_proxy_received_bytes_total` and `toxiproxy_proxy_sent_bytes_total` (Toxiproxy's `-proxy-metrics`). */
  readonly proxy?: boolean;
  /** `process_*` and `nodejs_*` figures of this process (Toxiproxy's `-runtime-metrics`, which gives Go's). */
  readonly runtime?: boolean;
}

/** The Content-Type of Prometheus' text exposition format. */
export const METRICS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

/** The metrics text. */
export function renderMetrics(options: MetricsOptions, traffic: () => TrafficCount[]): string {
  const lines: string[] = [];
  if (options.runtime) lines.push(...runtimeMetrics());
  if (options.proxy) lines.push(...proxyMetrics(traffic()));
  return lines.map((line) => `${line}\n`).join('');
}

function proxyMetrics(counts: TrafficCount[]): string[] {
  const sorted = [...counts].sort((a, b) => compare(a.labels.proxy, b.labels.proxy) || compare(a.labels.listener, b.labels.listener) || compare(a.labels.upstream, b.labels.upstream));
  const lines: string[] = [];
  for (const [name, help, field] of [
    ['toxiproxy_proxy_received_bytes_total', 'Bytes read from the source side of a proxied connection, by direction.', 'received'],
    ['toxiproxy_proxy_sent_bytes_total', 'Bytes written to the destination side of a proxied connection, by direction.', 'sent'],
  ] as const) {
    if (sorted.length === 0) continue;
    lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} counter`);
    for (const direction of ['downstream', 'upstream'] as const) {
      for (const { labels, bytes } of sorted) {
        lines.push(`${name}{direction="${direction}",listener="${escape(labels.listener)}",proxy="${escape(labels.proxy)}",upstream="${escape(labels.upstream)}"} ${bytes[direction][field]}`);
      }
    }
  }
  return lines;
}

function runtimeMetrics(): string[] {
  const cpu = process.cpuUsage();
  const memory = process.memoryUsage();
  const startSeconds = Math.round((Date.now() - process.uptime() * 1000) / 10) / 100;
  return [
    '# HELP process_cpu_seconds_total Total user and system CPU time spent in seconds.',
    '# TYPE process_cpu_seconds_total counter',
    `process_cpu_seconds_total ${(cpu.user + cpu.system) / 1e6}`,
    '# HELP process_resident_memory_bytes Resident memory size in bytes.',
    '# TYPE process_resident_memory_bytes gauge',
    `process_resident_memory_bytes ${memory.rss}`,
    '# HELP process_start_time_seconds Start time of the process since unix epoch in seconds.',
    '# TYPE process_start_time_seconds gauge',
    `process_start_time_seconds ${startSeconds}`,
    '# HELP nodejs_heap_size_used_bytes V8 heap in use, in bytes.',
    '# TYPE nodejs_heap_size_used_bytes gauge',
    `nodejs_heap_size_used_bytes ${memory.heapUsed}`,
    '# HELP nodejs_heap_size_total_bytes V8 heap allocated, in bytes.',
    '# TYPE nodejs_heap_size_total_bytes gauge',
    `nodejs_heap_size_total_bytes ${memory.heapTotal}`,
  ];
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A label value as Prometheus' text format writes it. */
function escape(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}
