/**
 * Bytes through the proxies, for `/metrics` (Toxiproxy's `toxiproxy_proxy_received_bytes_total`
 * and `…_sent_bytes_total`, labelled by direction, proxy, listener and upstream). Toxiproxy
 * adds a connection's bytes when it closes; here open connections count as they go, and the
 * counts of closed ones are kept, also after their proxy is deleted, as Prometheus counters are.
 */
import type { DirectionBytes } from './proxy-connection.js';
import type { Direction } from './toxic-definition.js';

/** The labels a connection's bytes are counted under. */
export interface TrafficLabels {
  readonly proxy: string;
  readonly listener: string;
  readonly upstream: string;
}

/** Bytes under one set of labels, per direction. */
export interface TrafficCount {
  readonly labels: TrafficLabels;
  readonly bytes: Record<Direction, DirectionBytes>;
}

/** The counts of closed connections, by labels. */
export class TrafficCounters {
  private readonly closed = new Map<string, TrafficCount>();

  /** Adds a closed connection's bytes. */
  add(labels: TrafficLabels, bytes: Record<Direction, DirectionBytes>): void {
    const key = keyOf(labels);
    const before = this.closed.get(key);
    this.closed.set(key, before === undefined ? { labels, bytes } : { labels, bytes: sum(before.bytes, bytes) });
  }

  /** Every label set's totals: closed connections plus the `live` ones given. */
  totals(live: Iterable<TrafficCount>): TrafficCount[] {
    const all = new Map(this.closed);
    for (const count of live) {
      const key = keyOf(count.labels);
      const before = all.get(key);
      all.set(key, before === undefined ? count : { labels: count.labels, bytes: sum(before.bytes, count.bytes) });
    }
    return [...all.values()];
  }
}

function keyOf(labels: TrafficLabels): string {
  return JSON.stringify([labels.proxy, labels.listener, labels.upstream]);
}

function sum(a: Record<Direction, DirectionBytes>, b: Record<Direction, DirectionBytes>): Record<Direction, DirectionBytes> {
  return {
    upstream: { received: a.upstream.received + b.upstream.received, sent: a.upstream.sent + b.upstream.sent },
    downstream: { received: a.downstream.received + b.downstream.received, sent: a.downstream.sent + b.downstream.sent },
  };
}
