/* The cluster's map over the deployment's tiles (MAP_TILE_URL): Leaflet 1.9.4, vendored.
   The points come from the page's json_script block #map-points; nothing inline. */
(function () {
  "use strict";
  var holder = document.getElementById("leaflet-map");
  var data = document.getElementById("map-points");
  if (!holder || !data || typeof L === "undefined") { return; }
  var points = JSON.parse(data.textContent);
  var map = L.map(holder).setView([32, 110], 4);
  L.tileLayer(points.tiles, { maxZoom: 18, attribution: points.attribution || "" }).addTo(map);
  var styles = {
    members: { color: "#0b5aa8", radius: 7 },
    resources: { color: "#2e7d32", radius: 6 },
    partners: { color: "#c75b12", radius: 9 }
  };
  // the dashed line of the South China Sea Islands (南海诸岛), whatever the deployment's tiles show
  (points.dashed_line || []).forEach(function (dash) {
    L.polygon(dash, { color: "#5f6f82", weight: 1, fillOpacity: 0.8, interactive: false }).addTo(map);
  });
  var bounds = [];
  Object.keys(styles).forEach(function (kind) {
    (points[kind] || []).forEach(function (p) {
      var label = p.count ? p.name + " (" + p.count + ")" : p.name;
      L.circleMarker([p.lat, p.lng], { color: styles[kind].color, radius: styles[kind].radius, weight: 2 })
        .bindTooltip(label).addTo(map);
      bounds.push([p.lat, p.lng]);
    });
  });
  if (bounds.length > 1) { map.fitBounds(bounds, { padding: [30, 30], maxZoom: 10 }); }
}());
