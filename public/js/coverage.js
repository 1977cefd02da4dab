// Walking coverage on the map (/inzicht/bereik): the grid of sample points behind the table, each a
// square coloured by the minutes to the nearest place, and the places that counted. The table on the
// page says the same in words; this only draws it. Needs map.js (window.trefpuntMap).
(function () {
  "use strict";

  // The legend's colours (main.css .swatch.cov-*): within the limit, up to twice it, longer, no place
  // within an hour, off the network.
  var COLOURS = ["#1a9850", "#fee08b", "#f46d43", "#a50026"];
  var OFF = "#bdbdbd";

  function colour(minutes, limit) {
    if (minutes === -2) return OFF;
    if (minutes === -1) return COLOURS[3];
    if (minutes <= limit) return COLOURS[0];
    if (minutes <= 2 * limit) return COLOURS[1];
    return COLOURS[2];
  }

  function draw(L, el, grid) {
    var limit = Number(el.dataset.minutes) || 10;
    var map = window.trefpuntMap.baseMap(L, el);
    var renderer = L.canvas({ padding: 0.2 });
    var bounds = null;
    grid.cells.forEach(function (c) {
      // A square of size_m around the point: half a side north, south, east and west.
      var dLat = c[2] / 2 / 111195;
      var dLon = dLat / Math.cos(c[1] * Math.PI / 180);
      var sq = [[c[1] - dLat, c[0] - dLon], [c[1] + dLat, c[0] + dLon]];
      L.rectangle(sq, { renderer: renderer, stroke: false, fillOpacity: 0.55, fillColor: colour(c[3], limit), interactive: false }).addTo(map);
      bounds = bounds ? bounds.extend(sq) : L.latLngBounds(sq);
    });
    grid.places.forEach(function (p) {
      L.circleMarker([p[1], p[0]], { renderer: renderer, radius: 5, color: "#253494", weight: 3, fillColor: "#ffffff", fillOpacity: 1, interactive: false }).addTo(map);
    });
    if (bounds) map.fitBounds(bounds);
    el.dataset.mapReady = "yes";
  }

  function start() {
    var el = document.querySelector('[data-map="coverage"]:not([data-map-init])');
    if (!el || !window.trefpuntMap) return;
    el.setAttribute("data-map-init", "");
    Promise.all([
      window.trefpuntMap.loadLeaflet(),
      fetch(el.dataset.grid, { headers: { accept: "application/json" } }).then(function (r) {
        if (!r.ok) throw new Error("coverage grid: " + r.status);
        return r.json();
      })
    ]).then(function (both) { draw(both[0], el, both[1]); }, function () {
      el.removeAttribute("data-map-init");
      el.dataset.mapReady = "failed";
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
