// Starts the islands of a page (the resident form): loads the WASM bundle, then hydrates each
// <leptos-island> with the function of the same name the bundle exports. The server puts this on
// pages that have an island only; the page works without it (plain form POST).
//
// It waits for the browser to be idle first, so the page is drawn and usable before the bundle is
// compiled, but never longer than IDLE_WAIT: a page that is never idle (a busy tablet, a page in the
// background) would otherwise never come alive. As an external script it needs no inline-script
// allowance in the page's Content-Security-Policy.
//
// Islands are hydrated in document order, each on its own. Leptos's `leptos-children` callbacks
// (islands given to islands as children) are not supported: Trefpunt's islands take none. File
// hashing (`hash-files`) is not used, so the bundle's names are its output name.
//
// How far it got is on the script tag (`data-state`: waiting, loading, hydrated, failed), for the
// browser tests' report when a page does not come alive; `data-hydrated` on <html> once it has.
const IDLE_WAIT = 1500;
const tag = document.querySelector("script[data-islands]");
const { pkg, js, wasm } = tag.dataset;
tag.dataset.state = "waiting";

async function start() {
  tag.dataset.state = "loading";
  try {
    const mod = await import(`${pkg}/${js}`);
    await mod.default({ module_or_path: `${pkg}/${wasm}` });
    mod.hydrate();
    const failed = [];
    for (const island of document.querySelectorAll("leptos-island")) {
      const hydrateIsland = mod[island.dataset.component];
      try {
        if (!hydrateIsland) throw new Error("not in the bundle");
        await hydrateIsland(island);
      } catch (e) {
        // One island that fails leaves the others (and the plain form under it) working.
        failed.push(island.dataset.component);
        console.error(`island ${island.dataset.component}:`, e);
      }
    }
    if (failed.length) {
      tag.dataset.state = `failed: ${failed.join(", ")}`;
      return;
    }
    tag.dataset.state = "hydrated";
    document.documentElement.dataset.hydrated = "true";
  } catch (e) {
    // The bundle did not load or start: the page stays a plain HTML form, which works.
    tag.dataset.state = `failed: ${e}`;
    console.error("the page's islands could not start:", e);
  }
}

if ("requestIdleCallback" in window) window.requestIdleCallback(start, { timeout: IDLE_WAIT });
else start();
