"""A synthetic public-transport network of a realistic size for bench/route_search.py, seeded.

STOPS stops on a jittered grid over a SIZE_KM x SIZE_KM city around the common map's centre, and LINES lines of
20-45 stops each: walks over neighbouring grid cells that mostly keep their heading, as streets do, with headways
of 5-20 minutes, first trips 05:30-06:30 and last ones 22:00-23:30. The result has the shape of
skills/transport/network.yml, for skills.transport.network.build_network.
"""

import math
import random
from itertools import pairwise
from typing import Any, Dict, List, Optional, Tuple

from skills.transport.geo import Point, road_km

CENTRE = Point(56.8480, 53.2050)
STOPS, LINES, SIZE_KM = 2000, 150, 25.0
BUS_KMH = 20.0
KM_PER_DEGREE = 111.2
HEADINGS = ((0, 1), (1, 0), (0, -1), (-1, 0))


def generate(
    stops: int = STOPS, lines: int = LINES, size_km: float = SIZE_KM, seed: int = 7
) -> Dict[str, Any]:
    rng = random.Random(seed)
    side = math.ceil(math.sqrt(stops))
    spacing = size_km / side
    lat_step = spacing / KM_PER_DEGREE
    lon_step = spacing / (KM_PER_DEGREE * math.cos(math.radians(CENTRE.lat)))
    cells: Dict[Tuple[int, int], int] = {}
    points: List[Point] = []
    for n in range(stops):
        row, column = divmod(n, side)
        cells[(row, column)] = n
        points.append(
            Point(
                CENTRE.lat + (row - side / 2 + rng.uniform(-0.3, 0.3)) * lat_step,
                CENTRE.lon + (column - side / 2 + rng.uniform(-0.3, 0.3)) * lon_step,
            )
        )
    made: List[Dict[str, Any]] = []
    while len(made) < lines:
        path = _street_walk(rng, cells, side, rng.randint(20, 45))
        if path is None:
            continue
        first = rng.randrange(330, 391, 5)
        made.append(
            {
                "id": f"line_{len(made) + 1}",
                "type": rng.choice(("bus", "bus", "bus", "trolleybus", "tram", "minibus")),
                "name": str(len(made) + 1),
                "stops": [f"s{n}" for n in path],
                "run_minutes": [
                    max(1, round(road_km(points[a], points[b]) / BUS_KMH * 60)) for a, b in pairwise(path)
                ],
                "headway_minutes": rng.randint(5, 20),
                "first": f"{first // 60:02d}:{first % 60:02d}",
                "last": f"{rng.randint(22, 23):02d}:{rng.choice((0, 30)):02d}",
                "one_way": False,
            }
        )
    return {
        "stops": [
            {"id": f"s{n}", "name": f"Stop {n}", "lat": p.lat, "lon": p.lon} for n, p in enumerate(points)
        ],
        "lines": made,
    }


def _street_walk(
    rng: random.Random, cells: Dict[Tuple[int, int], int], side: int, length: int
) -> Optional[List[int]]:
    """Stops of one line: a walk over grid cells that keeps its heading 3 times in 4; None when it got stuck short."""
    row, column = rng.randrange(side), rng.randrange(side)
    if (row, column) not in cells:
        return None
    heading = rng.randrange(4)
    path, seen = [cells[(row, column)]], {(row, column)}
    while len(path) < length:
        turns = [heading] if rng.random() < 0.75 else []
        turns += [*rng.sample([(heading + 1) % 4, (heading + 3) % 4], 2), heading]
        for turn in turns:
            step = (row + HEADINGS[turn][0], column + HEADINGS[turn][1])
            if step in cells and step not in seen:
                heading, (row, column) = turn, step
                seen.add(step)
                path.append(cells[step])
                break
        else:
            return path if len(path) >= 20 else None
    return path
