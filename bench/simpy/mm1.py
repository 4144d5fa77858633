"""M/M/1 in SimPy 2 (Debian's python3-simpy 2.3.1), the peer for bench/simpy-mm1.bench.ts.

Poisson arrivals at lambda = 0.09/ms, exponential service with mean 10 ms, one Resource,
time in milliseconds. Each customer's sojourn time goes into a running sum (no lists), so
memory stays flat. Usage: python3 mm1.py N [SEED]. Prints one JSON line:
{"customers", "wall_s", "customers_per_s", "mean_ms"}.
"""
import json
import random
import sys
import time

from SimPy.Simulation import Process, Resource, activate, hold, initialize, now, release, request, simulate

ARRIVAL_RATE_PER_MS = 0.09
SERVICE_MEAN_MS = 10.0


class Totals:
    done = 0
    sojourn_sum = 0.0


class Customer(Process):
    def visit(self, server, rng, totals):
        arrived = now()
        yield request, self, server
        yield hold, self, rng.expovariate(1.0 / SERVICE_MEAN_MS)
        yield release, self, server
        totals.done += 1
        totals.sojourn_sum += now() - arrived


class Source(Process):
    def generate(self, n, server, rng, totals):
        for _ in range(n):
            customer = Customer()
            activate(customer, customer.visit(server, rng, totals))
            yield hold, self, rng.expovariate(ARRIVAL_RATE_PER_MS)


def main():
    n = int(sys.argv[1])
    seed = int(sys.argv[2]) if len(sys.argv) > 2 else 1
    rng = random.Random(seed)
    totals = Totals()
    started = time.perf_counter()
    initialize()
    server = Resource(capacity=1, name="server", unitName="worker")
    source = Source()
    activate(source, source.generate(n, server, rng, totals))
    simulate(until=float("inf"))
    wall_s = time.perf_counter() - started
    print(json.dumps({
        "customers": totals.done,
        "wall_s": round(wall_s, 4),
        "customers_per_s": round(totals.done / wall_s),
        "mean_ms": round(totals.sojourn_sum / totals.done, 3),
    }))


if __name__ == "__main__":
    main()
