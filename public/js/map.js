// Trefpunt's maps, in plain JavaScript on top of Leaflet (loaded on demand, only on pages with a map).
// The server renders the map containers; this script finds them.
//   [data-map="picker"]  the resident form's map: drawn by form.js on the resident's first tap, with
//                        this script's loadLeaflet and baseMap (window.trefpuntMap).
//   [data-map="public"]  the public map: every public entry as a coloured dot.
//   [data-map="choropleth"]  the dashboard: areas coloured by the server's classes (data-values,
//                        data-breaks, data-colours), and on request the density grid as an overlay.
//   [data-map="coverage"]  walking coverage: drawn by coverage.js with this script's loadLeaflet and
//                        baseMap.
(function () {
  "use strict";

  var NL_BOUNDS = [[50.7, 3.2], [53.6, 7.3]];
  var NL_CENTRE = [52.15, 5.3];
  var COLOURS = { place: "#1a7f37", barrier: "#b3261e", wish: "#6a3d9a", known: "#253494" };
  var leafletPromise = null;

  function meta(name) {
    var el = document.querySelector('meta[name="' + name + '"]');
    return el ? el.getAttribute("content") : "";
  }

  // Where Leaflet is, by the versioned addresses the server put in the page.
  function leafletFile(which, plain) {
    var el = document.querySelector("[data-leaflet-" + which + "]");
    return (el && el.getAttribute("data-leaflet-" + which)) || plain;
  }

  // Leaflet's script and its styles, both loaded before a map is drawn: Leaflet finds its marker
  // images through the styles, and without them it asks for them next to the page (404).
  function loadLeaflet() {
    if (leafletPromise) return leafletPromise;
    function load(el) {
      return new Promise(function (resolve, reject) {
        el.onload = resolve;
        el.onerror = function (e) { el.remove(); reject(e); };
        document.head.appendChild(el);
      });
    }
    var css = document.createElement("link");
    css.rel = "stylesheet";
    css.href = leafletFile("css", "/vendor/leaflet/leaflet.css");
    var js = document.createElement("script");
    js.src = leafletFile("js", "/vendor/leaflet/leaflet.js");
    leafletPromise = Promise.all([load(css), load(js)]).then(function () { return window.L; }, function (e) {
      // A weak connection: the next call tries again.
      css.remove();
      js.remove();
      leafletPromise = null;
      throw e;
    });
    return leafletPromise;
  }

  function baseMap(L, el) {
    var map = L.map(el, {
      center: NL_CENTRE,
      zoom: 7,
      minZoom: 6,
      maxZoom: 19,
      maxBounds: L.latLngBounds(NL_BOUNDS).pad(0.1),
      keyboard: true,
      preferCanvas: true
    });
    var tiles = meta("trefpunt:tiles");
    if (tiles) {
      // Without tiles (offline, or none configured) the map still works: positions are what matter.
      // CORS (PDOK sends Access-Control-Allow-Origin: *): the service worker can then keep tiles
      // for offline use at their real size, instead of opaque copies the browser counts as megabytes.
      L.tileLayer(tiles, { maxZoom: 19, crossOrigin: "", attribution: meta("trefpunt:tiles-attribution") }).addTo(map);
    }
    // The "loading" text is hidden by CSS once Leaflet styles the container.
    return map;
  }

  // The public map. Entries closer together on screen than CLUSTER_PX are drawn as one bubble with
  // their number (coloured by the most common kind), so 10,000 entries stay a few hundred shapes;
  // from DETAIL_ZOOM on, each entry is its own dot. Only what is in view is drawn.
  var CLUSTER_PX = 44;
  var DETAIL_ZOOM = 16;

  // Content for a Leaflet tooltip or popup that is shown as text, never parsed as HTML.
  function asText(s) {
    var span = document.createElement("span");
    span.textContent = s;
    return span;
  }

  function setupPublic(L, el) {
    var labels = parse(el.dataset.labels, {});
    var map = baseMap(L, el);
    var renderer = L.canvas({ padding: 0.3 });
    var layer = L.layerGroup().addTo(map);
    var points = [];
    // `?quality=` of the page: only places with every one of these qualities (the server filters
    // residents' entries; the municipality's known places are filtered here).
    var quality = (el.dataset.quality || "").split(",").filter(Boolean);
    function hasQualities(list) {
      return quality.every(function (q) { return (list || []).indexOf(q) >= 0; });
    }
    // What an entry says beyond its category, in the page's language.
    function extras(list, prefix) {
      return (list || []).map(function (x) { return labels[prefix + x] || x; }).join(", ");
    }

    // A popup: what it is and, for a resident's entry, a link to its own page (status, note, "ik ook").
    function popup(p) {
      var box = document.createElement("div");
      var what = document.createElement("p");
      what.textContent = p.title;
      box.appendChild(what);
      if (p.id) {
        var a = document.createElement("a");
        a.href = "/melding/" + encodeURIComponent(p.id);
        a.textContent = labels.open || "open";
        box.appendChild(a);
      }
      return box;
    }

    function dot(p) {
      L.circleMarker(p.ll, {
        renderer: renderer, radius: 7, weight: 2, color: "#fff",
        fillColor: COLOURS[p.kind] || "#333", fillOpacity: 0.9
      }).bindPopup(function () { return popup(p); }).addTo(layer);
    }

    function render() {
      layer.clearLayers();
      var zoom = map.getZoom();
      var view = map.getBounds().pad(0.25);
      var visible = points.filter(function (p) { return view.contains(p.ll); });
      if (zoom >= DETAIL_ZOOM) {
        visible.forEach(dot);
      } else {
        var bins = new Map();
        visible.forEach(function (p) {
          var px = map.project(p.ll, zoom);
          var key = Math.floor(px.x / CLUSTER_PX) + ":" + Math.floor(px.y / CLUSTER_PX);
          var b = bins.get(key);
          if (!b) bins.set(key, (b = { list: [], lat: 0, lng: 0, kinds: {} }));
          b.list.push(p);
          b.lat += p.ll.lat;
          b.lng += p.ll.lng;
          b.kinds[p.kind] = (b.kinds[p.kind] || 0) + 1;
        });
        bins.forEach(function (b) {
          if (b.list.length === 1) return dot(b.list[0]);
          var n = b.list.length;
          var ll = L.latLng(b.lat / n, b.lng / n);
          var kind = Object.keys(b.kinds).sort(function (x, y) { return b.kinds[y] - b.kinds[x]; })[0];
          L.circleMarker(ll, {
            renderer: renderer, radius: Math.min(26, 11 + Math.sqrt(n)), weight: 3, color: "#fff",
            fillColor: COLOURS[kind] || "#333", fillOpacity: 0.85
          }).bindTooltip(String(n), { permanent: true, direction: "center", className: "cluster-count" })
            .on("click", function () { map.setView(ll, Math.min(zoom + 2, DETAIL_ZOOM)); })
            .addTo(layer);
        });
      }
      el.dataset.drawn = String(layer.getLayers().length);
    }

    // The places the municipality knows, beside residents' entries (a kind of their own: "known"),
    // unless the filter asks for another kind or a status (known places have none).
    if (el.dataset.known !== "false") fetch("/api/v1/places?limit=10000", { headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : []; })
      .then(function (places) {
        places.forEach(function (p) {
          if (!hasQualities(p.qualities)) return;
          points.push({
            ll: L.latLng(p.location.lat, p.location.lon),
            kind: "known",
            title: (labels.known || "known") + ": " + (p.name ? p.name + " (" : "") +
              (labels["place." + p.category] || p.category) + (p.name ? ")" : "")
          });
        });
        render();
      }, function () { /* without them, residents' entries still show */ });
    // The page wrote the query from its own filter (known words only).
    var query = el.dataset.query || "";
    fetch("/api/v1/submissions?limit=10000" + query, { headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : []; })
      .then(function (entries) {
        entries.forEach(function (e) {
          if (!e.location) return;
          points.push({
            ll: L.latLng(e.location.lat, e.location.lon),
            kind: e.kind,
            id: e.id,
            title: (labels[e.kind] || e.kind) + ": " + (labels[e.kind + "." + e.category] || e.category) +
              (e.status && e.status !== "received" ? " (" + (labels["status." + e.status] || e.status) + ")" : "") +
              (e.qualities && e.qualities.length ? " — " + extras(e.qualities, "quality.") : "") +
              (e.affects && e.affects.length ? " — " + (labels.affects || "") + " " + extras(e.affects, "affects.") : "")
          });
        });
        // Without animation the view is final at once, so the first drawing is for the real zoom.
        if (points.length) map.fitBounds(points.map(function (p) { return p.ll; }), { maxZoom: 16, padding: [24, 24], animate: false });
        el.dataset.entries = String(points.length);
        render();
        map.on("moveend", render);
      })
      .catch(function () { el.dataset.entries = "0"; })
      .then(function () { el.dataset.mapReady = "loaded"; });
  }

  function parse(json, fallback) {
    try { return JSON.parse(json || ""); } catch (e) { return fallback; }
  }

  // CBS codes share their digits: BU05050101 and WK050501 lie in GM0505.
  function inGemeente(code, gemeente) {
    return !gemeente || code.slice(2, 6) === gemeente.slice(2, 6);
  }

  function setupChoropleth(L, el) {
    var values = parse(el.dataset.values, {});
    var breaks = parse(el.dataset.breaks, []);
    var colours = parse(el.dataset.colours, []);
    var lang = document.documentElement.lang || "nl";
    var map = baseMap(L, el);

    function fill(v) {
      if (v === undefined) return { fillOpacity: 0, color: "#555", dashArray: null };
      if (v === null) return { fillColor: "#9e9e9e", fillOpacity: 0.55, color: "#555", dashArray: "4 3" };
      if (v <= 0) return { fillColor: "#f7f7f7", fillOpacity: 0.6, color: "#777", dashArray: null };
      for (var i = 0; i < breaks.length; i++) {
        if (v <= breaks[i]) return { fillColor: colours[i], fillOpacity: 0.75, color: "#333", dashArray: null };
      }
      return { fillColor: colours[breaks.length - 1], fillOpacity: 0.75, color: "#333", dashArray: null };
    }

    fetch("/api/v1/areas?level=" + encodeURIComponent(el.dataset.level), { headers: { Accept: "application/geo+json" } })
      .then(function (r) { return r.ok ? r.json() : { features: [] }; })
      .then(function (fc) {
        var gemeente = el.dataset.gemeente;
        var features = fc.features.filter(function (f) { return inGemeente(f.properties.code, gemeente); });
        var coloured = 0;
        var layer = L.geoJSON({ type: "FeatureCollection", features: features }, {
          style: function (f) {
            var v = values[f.properties.code];
            if (typeof v === "number" && v > 0) coloured++;
            var s = fill(v);
            s.weight = 1;
            return s;
          },
          onEachFeature: function (f, lyr) {
            var v = values[f.properties.code];
            var text = v === null ? el.dataset.textSuppressed
              : v === undefined ? "–" : v.toLocaleString(lang, { maximumFractionDigits: 1 });
            var name = (f.properties.name || f.properties.code);
            // As text: Leaflet puts string content in as HTML, and area names come from files.
            lyr.bindTooltip(asText(name + ": " + text), { sticky: true });
            lyr.on("click", function () { window.location.href = "/inzicht/gebied/" + encodeURIComponent(f.properties.code); });
          }
        }).addTo(map);
        if (features.length) map.fitBounds(layer.getBounds(), { padding: [8, 8] });
        el.dataset.areas = String(features.length);
        el.dataset.coloured = String(coloured);
        setupHeatmap(L, el, map);
      })
      .catch(function () { el.dataset.areas = "0"; })
      .then(function () { el.dataset.mapReady = "loaded"; });
  }

  // The density grid as a picture over the map, fetched for the visible box (cells below k were
  // zeroed by the server before the blur).
  function setupHeatmap(L, el, map) {
    var toggle = el.parentNode.querySelector("[data-heatmap-toggle]");
    if (!toggle) return;
    var overlay = null;
    function draw(grid) {
      var canvas = document.createElement("canvas");
      canvas.width = grid.width;
      canvas.height = grid.height;
      var ctx = canvas.getContext("2d");
      var img = ctx.createImageData(grid.width, grid.height);
      var max = 0;
      grid.values.forEach(function (v) { if (v > max) max = v; });
      grid.values.forEach(function (v, i) {
        var t = max > 0 ? Math.sqrt(v / max) : 0;
        img.data[i * 4] = 220;
        img.data[i * 4 + 1] = Math.round(90 * (1 - t));
        img.data[i * 4 + 2] = 30;
        img.data[i * 4 + 3] = Math.round(200 * t);
      });
      ctx.putImageData(img, 0, 0);
      var b = grid.bbox;
      if (overlay) map.removeLayer(overlay);
      overlay = L.imageOverlay(canvas.toDataURL(), [[b.min_lat, b.min_lon], [b.max_lat, b.max_lon]], { opacity: 0.8 }).addTo(map);
      el.dataset.heatmapCells = String(grid.width * grid.height);
    }
    function refresh() {
      if (!toggle.checked) {
        if (overlay) { map.removeLayer(overlay); overlay = null; }
        delete el.dataset.heatmapCells;
        return;
      }
      // The server takes boxes of at most 1° each way: zoomed out further, the middle of the view.
      var b = map.getBounds(), c = b.getCenter(), half = 0.4999;
      var box = [Math.max(b.getWest(), c.lng - half), Math.max(b.getSouth(), c.lat - half),
        Math.min(b.getEast(), c.lng + half), Math.min(b.getNorth(), c.lat + half)]
        .map(function (x) { return x.toFixed(5); }).join(",");
      var extra = el.dataset.heatmap ? "&" + el.dataset.heatmap : "";
      fetch("/api/v1/heatmap?size=128&bbox=" + box + extra)
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (grid) { if (grid && toggle.checked) draw(grid); });
    }
    toggle.addEventListener("change", refresh);
    map.on("moveend", function () { if (toggle.checked) refresh(); });
  }

  function scan() {
    var els = document.querySelectorAll("[data-map]:not([data-map=picker]):not([data-map=coverage]):not([data-map-init])");
    if (!els.length) return;
    els.forEach(function (el) { el.setAttribute("data-map-init", ""); });
    loadLeaflet().then(function (L) {
      els.forEach(function (el) {
        if (!document.body.contains(el)) return;
        if (el.dataset.map === "public") setupPublic(L, el);
        else if (el.dataset.map === "choropleth") setupChoropleth(L, el);
        if (!el.dataset.mapReady) el.dataset.mapReady = "yes";
      });
    });
  }

  // For the resident form's map (form.js), which waits for the resident's first tap.
  window.trefpuntMap = { loadLeaflet: loadLeaflet, baseMap: baseMap, bounds: NL_BOUNDS };

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", scan);
  else scan();
})();
