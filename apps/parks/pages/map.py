"""The cluster's map: its members (at their cities), its resources and its partner clusters.

Embedded default: China's provinces drawn as inline SVG from the outline shipped with the app
(``apps/parks/geo.py``), points placed server-side: no script, nothing fetched. With the setting
``MAP_TILE_URL`` (e.g. ``https://tiles.example.com/{z}/{x}/{y}.png``) the page loads the vendored
Leaflet 1.9.4 (``static/vendor/leaflet-1.9.4/``) and ``static/js/parks_map.js`` draws the same
points over those tiles; the points travel in a ``json_script`` block (data, not code: CSP-safe).
"""

from django.conf import settings
from django.shortcuts import render
from django.utils.translation import gettext_lazy

from apps.tenancy.pages import ADMINISTRATOR, MEMBER, cluster_page

from .. import geo, selectors
from ..roles import AUDITOR

REFUSAL = gettext_lazy("The cluster's map is open to its members and administrators.")


def _placed(points):
    for point in points:
        if point["latitude"] is None or point["longitude"] is None:
            continue  # a partner with nothing placed: listed beside the map only
        xy = geo.project(point["latitude"], point["longitude"])
        if xy is not None:
            yield {**point, "x": xy[0], "y": xy[1]}


@cluster_page(ADMINISTRATOR, MEMBER, AUDITOR, refusal=REFUSAL)
def cluster_map(request, slug):
    access = request.cluster_access
    points = selectors.map_points(cluster=access.cluster)
    tiles = getattr(settings, "MAP_TILE_URL", "")
    context = {"tiles": tiles, "points": points}
    if tiles:
        context["points_json"] = {
            kind: [
                {
                    "name": str(p["name"]),
                    "lat": float(p["latitude"]),
                    "lng": float(p["longitude"]),
                    "count": p.get("count"),
                }
                for p in rows
                if p["latitude"] is not None and p["longitude"] is not None
            ]
            for kind, rows in points.items()
        } | {
            "tiles": tiles,
            "attribution": getattr(settings, "MAP_TILE_ATTRIBUTION", ""),
            "dashed_line": geo.south_china_sea()["dashes_latlng"],  # drawn over tiles that may lack it
        }
    else:
        context |= {
            "view_box": geo.view_box(),
            "provinces": geo.outline()["provinces"],
            "south_china_sea": geo.south_china_sea(),  # the customary inset, lower right
            "members": list(_placed(points["members"])),
            "resources": list(_placed(points["resources"])),
            "partners": list(_placed(points["partners"])),
        }
    return render(request, "parks/map.html", access.context(**context))
