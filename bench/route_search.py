"""Time of the transport skill's route search (skills/transport/routing.py): median and p95 of QUERIES random
queries, on a generated network of a realistic size (bench/route_network.py: 2,000 stops, 150 lines) and on the
shipped network.yml, with the time to build each network.

A query goes from a random point near a stop (within 400 m) to another, leaving at a random minute of 06:00-22:00.
"""

import random
import statistics
import sys
import time
from typing import Callable, List, Tuple

from route_network import generate
from timing import percentile_95

from skills.transport.geo import Point
from skills.transport.network import Network, build_network, shipped_network
from skills.transport.routing import plan

QUERIES = int(sys.argv[1]) if len(sys.argv) > 1 else 200
SEED = 11


def queries(network: Network, count: int) -> List[Tuple[Point, Point, int]]:
    rng = random.Random(SEED)

    def point() -> Point:
        near = rng.choice(network.stops).point
        return Point(near.lat + rng.uniform(-0.0036, 0.0036), near.lon + rng.uniform(-0.0066, 0.0066))

    return [(point(), point(), rng.randint(6 * 60, 22 * 60)) for _ in range(count)]


def timed(build: Callable[[], Network]) -> Tuple[Network, float]:
    started = time.perf_counter()
    network = build()
    return network, (time.perf_counter() - started) * 1000


def measure(name: str, network: Network) -> None:
    timings, found, transfers = [], 0, []
    for origin, destination, depart in queries(network, QUERIES):
        started = time.perf_counter()
        journey = plan(network, origin, destination, depart)
        timings.append((time.perf_counter() - started) * 1000)
        if journey is not None:
            found += 1
            transfers.append(journey.transfers)
    mean_transfers = statistics.mean(transfers) if transfers else 0.0
    print(
        f"{name:30s} median {statistics.median(timings):6.1f} ms   p95 {percentile_95(timings):6.1f} ms   "
        f"found {found}/{QUERIES}, {mean_transfers:.1f} transfers on average"
    )


def main() -> None:
    data, generated_ms = timed(generate)
    generated, built_ms = timed(lambda: build_network(data))
    print(
        f"generated network: {len(generated.stops)} stops, {len(generated.lines)} lines, "
        f"{len(generated.routes)} routes; generated in {generated_ms:.0f} ms, built in {built_ms:.0f} ms"
    )
    shipped, shipped_ms = timed(shipped_network)
    print(
        f"shipped network: {len(shipped.stops)} stops, {len(shipped.lines)} lines; "
        f"read and built in {shipped_ms:.0f} ms"
    )
    print(f"{QUERIES} random queries each")
    measure("generated (2,000 stops)", generated)
    measure("shipped network.yml", shipped)


if __name__ == "__main__":
    main()
