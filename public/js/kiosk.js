// The event's shared tablet (pages under /kiosk/, see app/src/pages/kiosk_page.rs): one resident
// after another.
// - "Volgende bewoner" and a while without a touch start over: the respondent is forgotten, the
//   language goes back to Dutch, and the page is replaced, not added to the history, so nobody can
//   go back to the last resident's answers.
// - After an entry, says whether it arrived or waits on the tablet, and offers the campaign's
//   survey. "Volgende bewoner" after a resident's entries opens the survey first (one tap on
//   "Overslaan" goes on); a reset after a while without a touch does not.
// - On the survey page (/kiosk/{event}/vragen), sends the answers with the event's token, or puts
//   them in the tablet's queue (outbox.js) without a network, then clears the tablet.
// - Asks the service worker to keep every kiosk page in every language, for offline use.
(() => {
  "use strict";
  const root = document.querySelector("[data-kiosk]");
  if (!root) return;
  const event = root.dataset.kiosk;
  const idleMs = Number(root.dataset.idleSeconds || 120) * 1000;
  const RESPONDENT = "trefpunt.respondent";
  // Set once the current resident made an entry: "volgende bewoner" then offers the survey first.
  const ENTERED = "trefpunt.kiosk.entered";
  const params = new URLSearchParams(location.search);
  const lang = params.get("taal") || document.documentElement.lang || "nl";
  const startPath = (l) => `/kiosk/${event}?taal=${l}`;
  const bar = document.querySelector("[data-kiosk-survey-path]");
  const surveyPath = bar ? bar.dataset.kioskSurveyPath : "";
  const survey = document.querySelector("form[data-kiosk-survey]");

  const session = (key) => { try { return sessionStorage.getItem(key); } catch { return null; } };

  /** Forgets the resident: their id and whether they made entries. */
  function forget() {
    try {
      sessionStorage.removeItem(RESPONDENT);
      sessionStorage.removeItem(ENTERED);
    } catch { /* nothing to forget */ }
  }

  function nextResident(done) {
    forget();
    location.replace(done ? `${startPath("nl")}&klaar=${done}` : startPath("nl"));
  }

  document.addEventListener("click", (e) => {
    const link = e.target.closest("a[data-kiosk-link]");
    if (link) {
      e.preventDefault();
      location.replace(link.href);
      return;
    }
    if (e.target.closest("[data-kiosk-next]")) {
      if (surveyPath && !survey && session(ENTERED)) location.replace(surveyPath);
      else nextResident();
    }
  });

  const done = params.get("klaar");
  if (done === "sent" || done === "queued") {
    try { sessionStorage.setItem(ENTERED, "1"); } catch { /* the survey is still a link away */ }
  }
  if (done) {
    const note = document.querySelector(`[data-kiosk-done="${CSS.escape(done)}"]`);
    if (note) note.hidden = false;
    // A reload should not say it again.
    history.replaceState(null, "", startPath(lang));
  }
  const offer = document.querySelector("[data-kiosk-survey-offer]");
  if (offer && session(ENTERED)) offer.hidden = false;

  // Start over after a while without a touch, unless there is nothing to clear.
  let last = Date.now();
  for (const type of ["pointerdown", "keydown", "input", "touchstart", "scroll"]) {
    document.addEventListener(type, () => { last = Date.now(); }, { capture: true, passive: true });
  }
  const onStart = !/\/kiosk\/[^/]+\/[^/]+/.test(location.pathname);
  setInterval(() => {
    if (Date.now() - last < idleMs) return;
    const respondent = session(RESPONDENT);
    if (onStart && !respondent && lang === "nl" && !done) {
      last = Date.now();
      return;
    }
    nextResident();
  }, 1000);

  if (survey) {
    const summary = document.getElementById("error-summary");
    const button = survey.querySelector("button[type=submit]");

    /** A question's own words on the page, for a message about it. */
    function questionText(id) {
      const el = document.getElementById(`q-${id}`);
      const words = el && (el.querySelector("legend") || document.querySelector(`label[for="q-${CSS.escape(id)}"]`));
      return words ? words.textContent.trim() : id;
    }

    /** What is wrong, on top: `{id, message}` per question (`id` empty: about the whole). */
    function showProblems(list) {
      const items = list.map(({ id, message }) => {
        const li = document.createElement("li");
        if (id) {
          const a = document.createElement("a");
          a.href = `#q-${id}`;
          // textContent only: never markup from a message.
          a.textContent = `${questionText(id)}: ${message}`;
          li.append(a);
        } else {
          li.textContent = message;
        }
        return li;
      });
      summary.querySelector("ul").replaceChildren(...items);
      summary.hidden = items.length === 0;
      if (items.length) requestAnimationFrame(() => summary.focus());
    }

    /** The answers as the API takes them: a checkbox question a list, empty ones left out. */
    function answers() {
      const lists = new Set(Array.from(survey.querySelectorAll("input[type=checkbox]"), (el) => el.name));
      const a = {};
      for (const [k, v] of new FormData(survey)) {
        if (typeof v !== "string" || v.trim() === "") continue;
        if (lists.has(k)) (a[k] ||= []).push(v);
        else a[k] = v;
      }
      return a;
    }

    function newId() {
      if (crypto.randomUUID) return crypto.randomUUID();
      const b = crypto.getRandomValues(new Uint8Array(16));
      b[6] = (b[6] & 0x0f) | 0x40;
      b[8] = (b[8] & 0x3f) | 0x80;
      const h = Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
      return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
    }

    let sending = false;
    survey.addEventListener("submit", async (e) => {
      e.preventDefault();
      if (sending) return;
      const given = answers();
      const lacking = (survey.dataset.required || "").split(" ").filter((id) => id && !(id in given));
      if (lacking.length) {
        showProblems(lacking.map((id) => ({ id, message: survey.dataset.textRequired })));
        return;
      }
      // Nothing answered is the same as skipping: nothing to store.
      if (!Object.keys(given).length) {
        nextResident();
        return;
      }
      const respondent = (session(RESPONDENT) || newId()).toLowerCase();
      const item = {
        survey: {
          campaign: survey.dataset.kioskSurvey,
          token: survey.dataset.token,
          body: { respondent, answers: given, language: survey.dataset.language, event: survey.dataset.event },
        },
      };
      const outbox = window.trefpuntOutbox;
      sending = true;
      button.disabled = true;
      const out = outbox ? await outbox.sendSurvey(item) : { outcome: "retry" };
      sending = false;
      button.disabled = false;
      if (out.outcome === "done") {
        nextResident("survey_sent");
        return;
      }
      if (out.outcome === "refused") {
        // Shown here, to the resident and the worker beside them: answers the server named can be
        // corrected; anything else (the event closed, a wrong link) says why, and "Overslaan" goes on.
        const errors = (out.reason && out.reason.errors) || [];
        const list = errors.map((v) => {
          const field = String(v.field || "");
          return field.startsWith("answers.")
            ? { id: field.slice("answers.".length), message: v.message }
            : { id: "", message: `${field}: ${v.message}` };
        });
        const general = (out.reason && out.reason.error) || (list.length ? "" : `HTTP ${out.status}`);
        showProblems([{ id: "", message: `${survey.dataset.textFailed} ${general}`.trim() }, ...list]);
        return;
      }
      // No network, or the server away for a moment: the answers wait in the tablet's queue.
      try {
        outbox.queue(`survey.${respondent}`, item);
      } catch {
        showProblems([{ id: "", message: survey.dataset.textFailed }]);
        return;
      }
      nextResident("survey_queued");
    });
    survey.querySelector("[data-kiosk-skip]").addEventListener("click", () => nextResident());
  }

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
