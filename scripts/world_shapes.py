"""Write dashboard/static/countries-110m.geojson (the World map's country shapes, shipped so that the
map draws offline) from world-atlas's TopoJSON (dashboard/assets/countries-110m.topojson).

Source: the npm package world-atlas 2.0.2 (`npm pack world-atlas`, file countries-110m.json): Natural
Earth's 1:110m Admin 0 country boundaries (public domain), as TopoJSON by Mike Bostock (ISC licence,
dashboard/assets/LICENSE-world-atlas). world-atlas keys countries by ISO 3166-1 numeric code; the
GeoJSON written here keys them by alpha-3 (pycountry), the code the country registry and the map use.
Kosovo, which has no ISO code, gets the registry's user-assigned XKX; N. Cyprus and Somaliland (no
code, no narrative of their own) are left out. Coordinates are rounded to 0.01 degree.

    python scripts/world_shapes.py        # rewrites the GeoJSON; commit it
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

import pycountry

ROOT = Path(__file__).resolve().parents[1]
TOPOJSON = ROOT / "dashboard" / "assets" / "countries-110m.topojson"
GEOJSON = ROOT / "dashboard" / "static" / "countries-110m.geojson"  # served by Streamlit at app/static/
BY_NAME = {"Kosovo": "XKX"}  # features without a numeric id that the registry has a code for


def decode_arcs(topology: dict) -> list[list[tuple[float, float]]]:
    """The topology's arcs as absolute coordinates (delta-decoded and un-quantized)."""
    transform = topology.get("transform")
    arcs = []
    for arc in topology["arcs"]:
        if transform:
            (sx, sy), (tx, ty) = transform["scale"], transform["translate"]
            x = y = 0
            points = []
            for dx, dy in arc:
                x, y = x + dx, y + dy
                points.append((x * sx + tx, y * sy + ty))
        else:
            points = [tuple(p) for p in arc]
        arcs.append(points)
    return arcs


def ring(indices: list[int], arcs: list[list[tuple[float, float]]]) -> list[list[float]]:
    """One ring from arc indices (a negative index ~i is arc i reversed), shared points joined once."""
    out: list[tuple[float, float]] = []
    for i in indices:
        points = arcs[i] if i >= 0 else arcs[~i][::-1]
        out.extend(points if not out else points[1:])
    return [[round(x, 2), round(y, 2)] for x, y in out]


def geometry(geom: dict, arcs) -> dict | None:
    if geom["type"] == "Polygon":
        return {"type": "Polygon", "coordinates": [ring(r, arcs) for r in geom["arcs"]]}
    if geom["type"] == "MultiPolygon":
        return {"type": "MultiPolygon", "coordinates": [[ring(r, arcs) for r in poly] for poly in geom["arcs"]]}
    return None


def iso3(geom: dict) -> str | None:
    numeric = geom.get("id")
    if numeric:
        country = pycountry.countries.get(numeric=str(numeric).zfill(3))
        return country.alpha_3 if country else None
    return BY_NAME.get(geom.get("properties", {}).get("name", ""))


def to_geojson(topology: dict) -> dict:
    """The `countries` object as a GeoJSON FeatureCollection keyed by ISO3 (`id`), with the name."""
    arcs = decode_arcs(topology)
    features = []
    for geom in topology["objects"]["countries"]["geometries"]:
        code, shape = iso3(geom), geometry(geom, arcs)
        if code and shape:
            features.append({"type": "Feature", "id": code,
                             "properties": {"name": geom.get("properties", {}).get("name", "")}, "geometry": shape})
    return {"type": "FeatureCollection", "features": sorted(features, key=lambda f: f["id"])}


def main() -> int:
    collection = to_geojson(json.loads(TOPOJSON.read_text(encoding="utf-8")))
    GEOJSON.write_text(json.dumps(collection, separators=(",", ":")) + "\n", encoding="utf-8")
    print(f"{GEOJSON.relative_to(ROOT)}: {len(collection['features'])} countries, {GEOJSON.stat().st_size:,} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
