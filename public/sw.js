// Trefpunt's service worker. It keeps the app shell (CSS, JS, Leaflet) and the kiosk's pages
// in every language when a kiosk asks, and the map tiles already seen, so an event's tablet starts and works without
// a network. Entries are not its business: the page queues them (public/js/outbox.js) and the
// server's idempotency makes a resend harmless. Only GETs are answered here; everything else
// goes to the network untouched.
"use strict";

// The server stamps these two lines when it starts (server/src/assets.rs): the version of the shell
// (these files and this one), and the shell's files by their versioned addresses, which the pages
// use. A deploy that changes any of them brings a new service worker with new caches.
const VERSION = "dev";
const SHELL_FILES = [];
const SHELL = `trefpunt-shell-${VERSION}`;
const PAGES = `trefpunt-pages-${VERSION}`;
const TILES = "trefpunt-tiles";
const KEEP = [SHELL, PAGES, TILES];
// About 60 MB of 15 kB tiles: a neighbourhood at every zoom level a resident uses.
const MAX_TILES = 4000;
// How long a kiosk page waits for the network before the kept copy is shown.
const NETWORK_WAIT_MS = 3000;

// Nothing is downloaded ahead on install: a resident's phone gets only what its pages ask for (the
// form's Leaflet on the first tap of its map). The kiosk's tablet asks for the shell and its pages
// ("keep-pages", from kiosk.js), so it works offline.
self.addEventListener("install", (event) => {
  event.waitUntil(self.skipWaiting());
});

async function keepShell() {
  const cache = await caches.open(SHELL);
  // One by one: a file that is missing must not keep the rest from being kept.
  await Promise.all(SHELL_FILES.map((f) => cache.add(f).catch(() => {})));
}

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) if (!KEEP.includes(name)) await caches.delete(name);
    await self.clients.claim();
  })());
});

/** A kiosk page's key: its path and language, nothing else from the address. */
function pageKey(url) {
  const taal = url.searchParams.get("taal");
  return url.origin + url.pathname + (taal ? `?taal=${taal}` : "");
}

const isShell = (p) =>
  p.startsWith("/pkg/") || p.startsWith("/js/") || p.startsWith("/vendor/") || p.startsWith("/icons/") ||
  p === "/favicon.svg" || p === "/manifest.webmanifest";

/** Map tiles: `.../{z}/{x}/{y}.png` (or jpeg, webp) images, from whichever tile server is set. */
const isTile = (req, url) =>
  req.destination === "image" && /\/\d+\/\d+\/\d+\.(png|jpe?g|webp)$/.test(url.pathname);

self.addEventListener("message", (event) => {
  const data = event.data || {};
  if (data.type === "keep-pages" && Array.isArray(data.urls)) {
    event.waitUntil(Promise.all([keepShell(), keepPages(data.urls)]));
  }
});

async function keepPages(urls) {
  const cache = await caches.open(PAGES);
  for (const u of urls) {
    const url = new URL(u, self.location.origin);
    if (url.origin !== self.location.origin || !url.pathname.startsWith("/kiosk/")) continue;
    try {
      const res = await fetch(url, { credentials: "same-origin", cache: "no-store" });
      if (res.ok) await cache.put(pageKey(url), res);
    } catch { /* offline: the next visit online tries again */ }
  }
}

self.addEventListener("fetch", (event) => {
  const req = event.request;
  if (req.method !== "GET") return;
  const url = new URL(req.url);
  if (url.origin === self.location.origin) {
    if (req.mode === "navigate" && url.pathname.startsWith("/kiosk/")) {
      event.respondWith(networkFirst(req, pageKey(url)));
    } else if (isShell(url.pathname)) {
      event.respondWith(staleWhileRevalidate(event, req));
    }
    return;
  }
  if (isTile(req, url)) event.respondWith(cacheFirstTile(req));
});

/** The network's answer when it comes in time (and keep it); else the kept copy. */
async function networkFirst(req, key) {
  const cache = await caches.open(PAGES);
  const fromNetwork = fetch(req).then(async (res) => {
    if (res.ok) await cache.put(key, res.clone());
    return res;
  });
  const timeout = new Promise((resolve) => setTimeout(() => resolve(null), NETWORK_WAIT_MS));
  try {
    const res = await Promise.race([fromNetwork, timeout]);
    if (res) return res;
  } catch { /* offline */ }
  const kept = await cache.match(key);
  if (kept) return kept;
  return fromNetwork.catch(() => new Response(
    "<!DOCTYPE html><meta charset=utf-8><title>Trefpunt</title><p>Geen verbinding, en deze pagina is nog niet op dit toestel bewaard.</p>",
    { status: 503, headers: { "content-type": "text/html; charset=utf-8" } },
  ));
}

/** The kept copy at once, refreshed from the network for next time; a versioned address (`?v=`)
 * never changes, so its kept copy is not refreshed. */
async function staleWhileRevalidate(event, req) {
  const cache = await caches.open(SHELL);
  const kept = await cache.match(req, { ignoreVary: true });
  if (kept && new URL(req.url).searchParams.has("v")) return kept;
  const refresh = fetch(req).then(async (res) => {
    if (res.ok) await cache.put(req, res.clone());
    return res;
  });
  if (kept) {
    event.waitUntil(refresh.catch(() => {}));
    return kept;
  }
  return refresh;
}

async function cacheFirstTile(req) {
  const cache = await caches.open(TILES);
  const kept = await cache.match(req);
  if (kept) return kept;
  const res = await fetch(req);
  if (res.ok || res.type === "opaque") {
    await cache.put(req, res.clone());
    trimTiles(cache);
  }
  return res;
}

let trimming = false;
async function trimTiles(cache) {
  if (trimming) return;
  trimming = true;
  try {
    const keys = await cache.keys();
    // Oldest first (the order they were put in).
    for (let i = 0; i < keys.length - MAX_TILES; i++) await cache.delete(keys[i]);
  } finally {
    trimming = false;
  }
}
