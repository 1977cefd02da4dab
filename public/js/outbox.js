// The device's queue of entries that could not be sent (no network, or the server away for a
// moment). The form puts each entry under its own localStorage key, "trefpunt.outbox.<id>"
// (form.js: two tabs never overwrite each other); this script sends them, oldest first,
// through the same server function the form uses, with growing pauses between tries, and shows how
// many wait in every [data-outbox-count]. The entry's client-made id makes a resend harmless: the
// server answers one it already stored with "Replayed". A kiosk's survey answers wait in the same
// queue ("trefpunt.outbox.survey.<respondent>", kiosk.js) and go to the survey-responses endpoint
// with the event's token; answers are stored once per respondent, so a resend gets 200 as well.
// What the server refuses for good is listed with its reason in [data-refused-list] for the worker.
// It also registers the service worker.
(() => {
  "use strict";
  const PREFIX = "trefpunt.outbox.";
  // Entries the server refused for good (invalid, or the event closed): kept for the worker to see.
  const REFUSED = "trefpunt.refused.";
  const MAX_PAUSE_MS = 30_000;
  let timer = null;

  const storage = () => { try { return window.localStorage; } catch { return null; } };

  function waiting() {
    const s = storage();
    if (!s) return [];
    const list = [];
    for (let i = 0; i < s.length; i++) {
      const key = s.key(i);
      if (!key || !key.startsWith(PREFIX)) continue;
      try {
        const item = JSON.parse(s.getItem(key));
        if (item && ((item.draft && item.draft.id) || item.survey)) list.push({ key, item });
      } catch { /* a damaged item is left for a person to look at */ }
    }
    return list.sort((a, b) => (a.item.queued_at || 0) - (b.item.queued_at || 0));
  }

  function count(prefix) {
    const s = storage();
    let n = 0;
    for (let i = 0; s && i < s.length; i++) if ((s.key(i) || "").startsWith(prefix)) n++;
    return n;
  }

  /** The server's reason in words: per field the page's own words for its rule (`words`, from the
   * refused box's data-reasons) or the server's message, or its one error. */
  function why(reason, words = {}) {
    if (!reason) return "";
    if (typeof reason === "string") return reason;
    if (Array.isArray(reason)) {
      return reason.map((v) => {
        if (!v || !v.field) return JSON.stringify(v);
        const rule = v.rule && v.rule.rule;
        const said = (rule && words[rule]) || v.message || rule;
        return said ? `${v.field}: ${said}` : v.field;
      }).join("; ");
    }
    if (reason.errors && reason.errors.length) return why(reason.errors, words);
    if (reason.error) return reason.error;
    return JSON.stringify(reason);
  }

  function show() {
    const n = count(PREFIX);
    for (const el of document.querySelectorAll("[data-outbox-count]")) el.textContent = String(n);
    for (const el of document.querySelectorAll("[data-outbox]")) el.classList.toggle("waiting", n > 0);
    for (const el of document.querySelectorAll("[data-refused-count]")) el.textContent = String(count(REFUSED));
    const box = document.querySelector("[data-refused]");
    const s = storage();
    if (!box || !s) return;
    let words = {};
    try { words = JSON.parse(box.dataset.reasons || "{}"); } catch { /* the server's words then */ }
    const items = [];
    for (let i = 0; i < s.length; i++) {
      const key = s.key(i) || "";
      if (!key.startsWith(REFUSED)) continue;
      let r = null;
      try { r = JSON.parse(s.getItem(key)); } catch { /* shown without a reason */ }
      const li = document.createElement("li");
      // textContent only: a reason may quote what was typed.
      li.textContent = `${r && r.survey ? box.dataset.textSurvey : box.dataset.textEntry}: ${why(r && r.reason, words)}`;
      items.push(li);
    }
    box.querySelector("[data-refused-list]").replaceChildren(...items);
    box.hidden = items.length === 0;
  }

  /** A pause that doubles with each failed try (1 s, 2 s, 4 s ... 30 s), with jitter so a room of
   * tablets coming back online does not knock at the same moment. */
  function pause(tries) {
    const base = Math.min(MAX_PAUSE_MS, 1000 * 2 ** Math.max(0, tries - 1));
    return base / 2 + Math.random() * (base / 2);
  }

  /** What the server made of a kiosk's survey answers: "done" (stored, or the same stored before),
   * "refused" (with the status and the server's reason) or "retry". */
  async function sendSurvey(item) {
    const { campaign, token, body } = item.survey;
    let res;
    try {
      res = await fetch(`/api/v1/campaigns/${encodeURIComponent(campaign)}/responses`, {
        method: "POST",
        headers: { "content-type": "application/json", accept: "application/json", "x-event-token": token },
        body: JSON.stringify(body),
        credentials: "same-origin",
        cache: "no-store",
      });
    } catch {
      return { outcome: "retry", offline: true };
    }
    if (res.status === 200 || res.status === 201) return { outcome: "done" };
    if (res.status === 429 || res.status === 408 || res.status >= 500) {
      const after = Number(res.headers.get("retry-after"));
      return { outcome: "retry", after: Number.isFinite(after) && after > 0 ? after * 1000 : undefined };
    }
    let reason = null;
    try { reason = await res.json(); } catch { /* the status says enough */ }
    return { outcome: "refused", status: res.status, reason: reason || { error: `HTTP ${res.status}` } };
  }

  /** What the server made of one entry: "done", "refused" (with the reason) or "retry". */
  async function send(item) {
    if (item.survey) return sendSurvey(item);
    let res;
    try {
      res = await fetch("/_fn/submit", {
        method: "POST",
        headers: { "content-type": "application/json", accept: "application/json" },
        body: JSON.stringify({ draft: item.draft }),
        credentials: "same-origin",
        cache: "no-store",
      });
    } catch {
      return { outcome: "retry", offline: true };
    }
    if (res.status === 429) {
      const after = Number(res.headers.get("retry-after"));
      return { outcome: "retry", after: Number.isFinite(after) && after > 0 ? after * 1000 : undefined };
    }
    if (!res.ok) return { outcome: "retry" };
    let out;
    try { out = await res.json(); } catch { return { outcome: "retry" }; }
    if (out && (out.Created || out.Replayed)) return { outcome: "done" };
    if (out && out.Invalid) return { outcome: "refused", reason: out.Invalid };
    // "Conflict": the id was stored with other content; "Gone": it was deleted. Either way this
    // copy will never be stored; keep it for the worker.
    return { outcome: "refused", reason: out };
  }

  async function drain(force) {
    const s = storage();
    if (!s) return;
    for (const { key, item } of waiting()) {
      if (!force && (item.next_at || 0) > Date.now()) continue;
      const r = await send(item);
      if (r.outcome === "retry") {
        item.tries = (item.tries || 0) + 1;
        item.next_at = Date.now() + (r.after || pause(item.tries));
        s.setItem(key, JSON.stringify(item));
        // Without a network the rest would fail the same way.
        if (r.offline) break;
        continue;
      }
      if (r.outcome === "refused") refuse(key, item, r.reason);
      s.removeItem(key);
      show();
    }
  }

  /** Keeps what the server refused for the worker to see. A refused entry is kept whole, as it
   * always was; of survey answers only the reason and which questions were answered: a
   * resident's answers do not stay on a shared tablet once they cannot be sent. */
  function refuse(key, item, reason) {
    const s = storage();
    if (!s) return;
    const kept = item.survey
      ? { survey: { campaign: item.survey.campaign, questions: Object.keys(item.survey.body.answers || {}) }, reason, refused_at: Date.now() }
      : { ...item, reason };
    try { s.setItem(REFUSED + key.slice(PREFIX.length), JSON.stringify(kept)); } catch { /* storage full: the count still shows */ }
  }

  /** Puts one item in the queue under `PREFIX + name` and sends what is due. */
  function queue(name, item) {
    storage().setItem(PREFIX + name, JSON.stringify({ ...item, queued_at: Date.now() }));
    show();
    flush(true);
  }

  let running = null;
  /** Sends what is due (everything when `force`); one sender per device across its tabs. */
  function flush(force = false) {
    if (running) return running;
    const work = () => drain(force);
    running = (navigator.locks ? navigator.locks.request("trefpunt-outbox", work) : work())
      .catch(() => {})
      .finally(() => { running = null; show(); schedule(); });
    return running;
  }

  function schedule() {
    clearTimeout(timer);
    const list = waiting();
    if (!list.length) return;
    const due = Math.min(...list.map(({ item }) => item.next_at || 0));
    timer = setTimeout(() => flush(), Math.max(250, due - Date.now()));
  }

  window.trefpuntOutbox = {
    flush, queue, sendSurvey, refuse, show, waiting: () => count(PREFIX), refused: () => count(REFUSED),
  };
  document.addEventListener("trefpunt:outbox", () => { show(); flush(true); });
  window.addEventListener("online", () => flush(true));
  window.addEventListener("storage", (e) => { if ((e.key || "").startsWith(PREFIX)) show(); });
  const start = () => { show(); flush(true); };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();

  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register("/sw.js").catch(() => { /* the site works without it */ });
  }
})();
