// Starts the islands of a page (the resident form): loads the WASM bundle, then hydrates each
// <leptos-island> with the function of the same name the bundle exports. The server puts this on
// pages that have an island only; the page works without it (plain form POST).
//
// It waits for the browser to be idle first, so the page is drawn and usable before the bundle is
// compiled, but never longer than IDLE_WAIT: a page that is never idle (a busy tablet, a page in the
// background) would otherwise never come alive. As an external script it needs no inline-script
// allowance in the page's Content-Security-Policy.
const IDLE_WAIT = 1500;
const tag = document.querySelector("script[data-islands]");
const { pkg, js, wasm } = tag.dataset;

async function start() {
  const mod = await import(`${pkg}/${js}`);
  await mod.default({ module_or_path: `${pkg}/${wasm}` });
  mod.hydrate();
  // Outer islands before the islands inside them, in document order, one at a time.
  for (const island of document.querySelectorAll("leptos-island")) {
    const hydrateIsland = mod[island.dataset.component];
    if (hydrateIsland) await hydrateIsland(island);
    else console.error(`no island ${island.dataset.component} in the bundle`);
  }
  document.documentElement.dataset.hydrated = "true";
}

if ("requestIdleCallback" in window) window.requestIdleCallback(start, { timeout: IDLE_WAIT });
else start();
