"""The world map, drawn on the server from vendored Natural Earth boundaries, so it needs no
tile server, no CDN and no JavaScript.

The boundaries are Natural Earth's 110m countries as the npm package world-atlas 2.0.2 ships
them (TopoJSON; see static/vendor/NOTICE.md). Its countries carry ISO 3166-1 numeric ids; the
records carry alpha-2 codes, matched through pycountry. Each country becomes one SVG path in an
equirectangular projection, computed once per process."""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

__all__ = ["HEIGHT", "WIDTH", "Country", "countries", "shade"]

DATA = Path(__file__).parent / "static" / "vendor" / "world-atlas-2.0.2-countries-110m.json"
WIDTH = 1000
_NORTH, _SOUTH = 84.0, -58.0  # Antarctica is left out: nobody visits it on city business
_SCALE = WIDTH / 360.0
HEIGHT = round((_NORTH - _SOUTH) * _SCALE)


@dataclass(frozen=True, slots=True)
class Country:
    """One country's outline: `code` ISO alpha-2 (None where pycountry has none)."""

    code: str | None
    name: str
    path: str


def _point(lon: float, lat: float) -> str:
    x = (lon + 180.0) * _SCALE
    y = (_NORTH - max(_SOUTH, min(_NORTH, lat))) * _SCALE
    return f"{x:.1f},{y:.1f}"


def _arcs(topology: Mapping[str, Any]) -> list[list[tuple[float, float]]]:
    """The shared arcs, delta-decoded and scaled back to longitude and latitude."""
    (kx, ky), (dx, dy) = topology["transform"]["scale"], topology["transform"]["translate"]
    decoded = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for step in arc:
            x += step[0]
            y += step[1]
            points.append((x * kx + dx, y * ky + dy))
        decoded.append(points)
    return decoded


def _ring(indices: list[int], arcs: list[list[tuple[float, float]]]) -> str:
    points: list[tuple[float, float]] = []
    for index in indices:
        arc = arcs[index] if index >= 0 else arcs[~index][::-1]
        points.extend(arc if not points else arc[1:])
    drawn = []
    previous: float | None = None
    for lon, lat in points:
        # A step across the antimeridian (Russia, Fiji) starts a new stroke instead of a line
        # across the whole map.
        jump = previous is None or abs(lon - previous) > 180.0
        drawn.append(("M" if jump else "L") + _point(lon, lat))
        previous = lon
    return "".join(drawn) + "Z"


def _alpha2(numeric: str | None) -> str | None:
    if numeric is None:
        return None
    import pycountry

    found = pycountry.countries.get(numeric=numeric)
    return None if found is None else str(found.alpha_2)


@cache
def countries() -> tuple[Country, ...]:
    """Every country but Antarctica, by name."""
    topology = json.loads(DATA.read_text(encoding="utf-8"))
    arcs = _arcs(topology)
    found = []
    for geometry in topology["objects"]["countries"]["geometries"]:
        code = _alpha2(geometry.get("id"))
        if code == "AQ":
            continue
        polygons = geometry["arcs"] if geometry["type"] == "MultiPolygon" else [geometry["arcs"]]
        path = "".join(_ring(ring, arcs) for polygon in polygons for ring in polygon)
        found.append(Country(code, geometry["properties"]["name"], path))
    return tuple(sorted(found, key=lambda c: c.name))


def shade(count: int) -> int:
    """0 for none, then 1..5 by powers of two (1, 2-3, 4-7, 8-15, 16 and more)."""
    return 0 if count <= 0 else min(5, 1 + int(math.log2(count)))
