// The event's shared tablet (pages under /kiosk/, see app/src/pages/kiosk_page.rs): one resident
// after another.
// - "Volgende bewoner" and a while without a touch start over: the respondent is forgotten, the
//   language goes back to Dutch, and the page is replaced, not added to the history, so nobody can
//   go back to the last resident's answers.
// - After an entry, says whether it arrived or waits on the tablet.
// - Asks the service worker to keep every kiosk page in every language, for offline use.
(() => {
  "use strict";
  const root = document.querySelector("[data-kiosk]");
  if (!root) return;
  const event = root.dataset.kiosk;
  const idleMs = Number(root.dataset.idleSeconds || 120) * 1000;
  const RESPONDENT = "trefpunt.respondent";
  const params = new URLSearchParams(location.search);
  const lang = params.get("taal") || document.documentElement.lang || "nl";
  const startPath = (l) => `/kiosk/${event}?taal=${l}`;

  function nextResident() {
    try { sessionStorage.removeItem(RESPONDENT); } catch { /* nothing to forget */ }
    location.replace(startPath("nl"));
  }

  document.addEventListener("click", (e) => {
    const link = e.target.closest("a[data-kiosk-link]");
    if (link) {
      e.preventDefault();
      location.replace(link.href);
      return;
    }
    if (e.target.closest("[data-kiosk-next]")) nextResident();
  });

  const done = params.get("klaar");
  if (done) {
    const note = document.querySelector(`[data-kiosk-done="${CSS.escape(done)}"]`);
    if (note) note.hidden = false;
    // A reload should not say it again.
    history.replaceState(null, "", startPath(lang));
  }

  // Start over after a while without a touch, unless there is nothing to clear.
  let last = Date.now();
  for (const type of ["pointerdown", "keydown", "input", "touchstart", "scroll"]) {
    document.addEventListener(type, () => { last = Date.now(); }, { capture: true, passive: true });
  }
  const onStart = !/\/kiosk\/[^/]+\/[^/]+/.test(location.pathname);
  setInterval(() => {
    if (Date.now() - last < idleMs) return;
    let respondent = null;
    try { respondent = sessionStorage.getItem(RESPONDENT); } catch { /* none */ }
    if (onStart && !respondent && lang === "nl" && !done) {
      last = Date.now();
      return;
    }
    nextResident();
  }, 1000);

  const pages = (root.dataset.kioskPages || "").split(" ").filter(Boolean);
  if (pages.length && "serviceWorker" in navigator) {
    const keep = () => navigator.serviceWorker.ready.then((reg) => {
      if (reg.active) reg.active.postMessage({ type: "keep-pages", urls: pages });
    });
    keep();
    // After a deploy a new service worker takes over with empty caches: ask it too.
    navigator.serviceWorker.addEventListener("controllerchange", keep);
  }
})();
