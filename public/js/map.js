// Trefpunt's maps, in plain JavaScript on top of Leaflet (loaded on demand, only on pages with a map).
// The WASM app renders the map containers; this script finds them, also after client-side navigation.
//   [data-map="picker"]  the resident form: tap, Enter key, "use my location" or an address from the
//                        search (event "trefpunt:setposition") sets the form's hidden lon/lat inputs.
//   [data-map="public"]  the public map: every public entry as a coloured dot.
(function () {
  "use strict";

  var NL_BOUNDS = [[50.7, 3.2], [53.6, 7.3]];
  var NL_CENTRE = [52.15, 5.3];
  var COLOURS = { place: "#1a7f37", barrier: "#b3261e", wish: "#6a3d9a" };
  var leafletPromise = null;

  function meta(name) {
    var el = document.querySelector('meta[name="' + name + '"]');
    return el ? el.getAttribute("content") : "";
  }

  function loadLeaflet() {
    if (window.L) return Promise.resolve(window.L);
    if (leafletPromise) return leafletPromise;
    leafletPromise = new Promise(function (resolve, reject) {
      var css = document.createElement("link");
      css.rel = "stylesheet";
      css.href = "/vendor/leaflet/leaflet.css";
      document.head.appendChild(css);
      var js = document.createElement("script");
      js.src = "/vendor/leaflet/leaflet.js";
      js.onload = function () { resolve(window.L); };
      js.onerror = reject;
      document.head.appendChild(js);
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
      L.tileLayer(tiles, { maxZoom: 19, attribution: meta("trefpunt:tiles-attribution") }).addTo(map);
    }
    // The "loading" text is hidden by CSS once Leaflet styles the container; it is not removed,
    // because the WASM app may still hydrate this element and expects its children in place.
    return map;
  }

  function round(x) { return Math.round(x * 1e6) / 1e6; }

  function setupPicker(L, el) {
    var form = el.closest("form");
    if (!form) return;
    var lon = form.querySelector("[data-lon]");
    var lat = form.querySelector("[data-lat]");
    var label = form.querySelector("[data-pos-label]");
    var locate = form.querySelector("[data-locate]");
    var map = baseMap(L, el);
    var marker = null;

    function setPosition(lng, la, text, zoom) {
      if (!L.latLngBounds(NL_BOUNDS).contains([la, lng])) return;
      lon.value = String(round(lng));
      lat.value = String(round(la));
      if (marker) marker.setLatLng([la, lng]);
      else marker = L.marker([la, lng], { keyboard: false }).addTo(map);
      if (zoom) map.setView([la, lng], Math.max(map.getZoom(), zoom));
      if (label) {
        label.textContent = label.dataset.textChosen + " " +
          (text || label.dataset.textMap + " (" + la.toFixed(5) + ", " + lng.toFixed(5) + ")");
      }
      // Let the form's live validation know.
      lon.dispatchEvent(new Event("change", { bubbles: true }));
    }

    if (lon.value && lat.value) {
      var l0 = parseFloat(lon.value), a0 = parseFloat(lat.value);
      if (isFinite(l0) && isFinite(a0)) {
        marker = L.marker([a0, l0], { keyboard: false }).addTo(map);
        map.setView([a0, l0], 16);
      }
    }
    map.on("click", function (e) { setPosition(e.latlng.lng, e.latlng.lat); });
    // Keyboard: the arrow keys pan (Leaflet), Enter or Space places the point at the centre.
    el.addEventListener("keydown", function (e) {
      if (e.key === "Enter" || e.key === " ") {
        e.preventDefault();
        var c = map.getCenter();
        setPosition(c.lng, c.lat);
      }
    });
    document.addEventListener("trefpunt:setposition", function (e) {
      if (!document.body.contains(el)) return;
      setPosition(e.detail.lon, e.detail.lat, e.detail.label, 17);
    });
    if (locate) {
      if (!navigator.geolocation) locate.hidden = true;
      locate.addEventListener("click", function () {
        var original = locate.textContent;
        locate.textContent = locate.dataset.textLocating;
        locate.disabled = true;
        navigator.geolocation.getCurrentPosition(function (p) {
          locate.textContent = original;
          locate.disabled = false;
          setPosition(p.coords.longitude, p.coords.latitude, null, 17);
        }, function () {
          locate.textContent = original;
          locate.disabled = false;
          if (label) label.textContent = locate.dataset.textDenied;
        }, { enableHighAccuracy: true, timeout: 10000, maximumAge: 60000 });
      });
    }
  }

  function setupPublic(L, el) {
    var labels = {};
    try { labels = JSON.parse(el.dataset.labels || "{}"); } catch (e) { labels = {}; }
    var map = baseMap(L, el);
    var renderer = L.canvas({ padding: 0.3 });
    fetch("/api/v1/submissions?limit=10000", { headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : []; })
      .then(function (entries) {
        var points = [];
        entries.forEach(function (e) {
          if (!e.location) return;
          var ll = [e.location.lat, e.location.lon];
          points.push(ll);
          var title = (labels[e.kind] || e.kind) + ": " + (labels[e.kind + "." + e.category] || e.category);
          L.circleMarker(ll, {
            renderer: renderer, radius: 7, weight: 2, color: "#fff",
            fillColor: COLOURS[e.kind] || "#333", fillOpacity: 0.9
          }).bindPopup(title).addTo(map);
        });
        if (points.length) map.fitBounds(points, { maxZoom: 16, padding: [24, 24] });
        el.dataset.entries = String(points.length);
      })
      .catch(function () { el.dataset.entries = "0"; })
      .then(function () { el.dataset.mapReady = "loaded"; });
  }

  function scan() {
    var els = document.querySelectorAll("[data-map]:not([data-map-init])");
    if (!els.length) return;
    els.forEach(function (el) { el.setAttribute("data-map-init", ""); });
    loadLeaflet().then(function (L) {
      els.forEach(function (el) {
        if (!document.body.contains(el)) return;
        if (el.dataset.map === "picker") setupPicker(L, el);
        else if (el.dataset.map === "public") setupPublic(L, el);
        if (!el.dataset.mapReady) el.dataset.mapReady = "yes";
      });
    });
  }

  function start() {
    scan();
    new MutationObserver(scan).observe(document.body, { childList: true, subtree: true });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
