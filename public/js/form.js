// The resident form, made lively (app/src/components/entry_form.rs renders it, whole: without this
// script it is a plain POST that the server checks and renders again with its errors). This script:
// - sends the entry through the server function /_fn/submit and goes on (thank-you page, kiosk start,
//   next paper form); without a network, or with the server away, keeps it in the device's queue
//   (outbox.js sends it later; its id makes a resend harmless);
// - after a first try, checks the form live with the server's own rules (/_fn/check), which also
//   words the messages in the page's language;
// - keeps the position: a tap on the map (Leaflet, through map.js, loaded on the first tap), "use my
//   location", or an address searched (/_fn/geocode) and chosen from the hits;
// - once there is a position, lists entries of this kind nearby (/_fn/nearby) with "ik ook"
//   (/_fn/me_too);
// - on a kiosk, gives each entry a new id and the tablet's current respondent.
// Every word it shows comes from the page (data-text-* attributes) or from the server.
(() => {
  "use strict";
  const form = document.querySelector("form[data-entry-form]");
  if (!form) return;
  const mode = form.dataset.entryForm;
  const field = (name) => form.elements.namedItem(name);
  const byId = (id) => document.getElementById(id);
  const LISTS = new Set(["qualities", "affects"]);
  const OUTBOX = "trefpunt.outbox.";
  const RESPONDENT = "trefpunt.respondent";
  const CHECK_AFTER_MS = 400;

  function uuid() {
    if (crypto.randomUUID) return crypto.randomUUID();
    // Outside a secure context (plain http on a LAN) randomUUID is missing: the same v4 by hand.
    const b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    const h = Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  }

  /** The form as the server's FormDraft: what the browser would post, repeated keys as lists. */
  function draft() {
    const d = { qualities: [], affects: [] };
    for (const [k, v] of new FormData(form)) {
      if (typeof v !== "string") continue;
      if (LISTS.has(k)) d[k].push(v);
      else d[k] = v;
    }
    return d;
  }

  /** A server function's answer; throws `{ status }` for an error answer, a TypeError offline. */
  async function call(name, args) {
    const res = await fetch(`/_fn/${name}`, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json" },
      body: JSON.stringify(args),
      credentials: "same-origin",
      cache: "no-store",
    });
    if (!res.ok) throw { status: res.status };
    return res.json();
  }

  const focus = (el) => requestAnimationFrame(() => el && el.focus());
  const fill = (template, values) =>
    template.replace(/\{(\w+)\}/g, (all, key) => (key in values ? values[key] : all));

  // On a kiosk the page is kept by the service worker and shown again and again: the entry's id is
  // made here, and the respondent is the tablet's current one (until "volgende bewoner").
  if (mode === "kiosk") {
    field("id").value = uuid();
    let r = null;
    try {
      r = sessionStorage.getItem(RESPONDENT);
      if (!/^[0-9a-f-]{36}$/i.test(r || "")) sessionStorage.setItem(RESPONDENT, (r = uuid()));
    } catch { r = r || uuid(); }
    field("respondent").value = r;
  }

  // --- What is wrong ---------------------------------------------------------------------------
  const summary = byId("error-summary");
  const notice = byId("form-notice");
  const slots = Array.from(form.querySelectorAll("[data-error-for]"));
  let attempted = form.hasAttribute("data-attempted");

  /** Shows the server's messages: the summary on top, each under its field (empty slots hide). */
  function showErrors(list, moveFocus) {
    const items = list.map((m) => {
      const a = document.createElement("a");
      a.href = `#${m.target}`;
      a.textContent = `${m.label}: ${m.message}`;
      const li = document.createElement("li");
      li.append(a);
      return li;
    });
    summary.querySelector("ul").replaceChildren(...items);
    summary.hidden = list.length === 0;
    // What is wrong now replaces what was said about the last try.
    if (list.length) notice.hidden = true;
    const invalid = new Set();
    for (const slot of slots) {
      const f = slot.dataset.errorFor;
      const m = list.find((v) => v.field === f || v.field.startsWith(`${f}.`));
      slot.textContent = m ? m.message : "";
      slot.hidden = !m;
      if (m) invalid.add(slot.dataset.invalid);
    }
    for (const slot of slots) {
      const el = byId(slot.dataset.invalid);
      if (!el) continue;
      if (invalid.has(slot.dataset.invalid)) el.setAttribute("aria-invalid", "true");
      else el.removeAttribute("aria-invalid");
    }
    if (moveFocus && list.length) focus(summary);
  }

  /** What the server would say is missing, from the words it put on the required slots: checked
   * before an entry waits offline, where the server cannot check it (and a refused entry found
   * later reaches nobody). */
  function missing() {
    const filled = (name) => Array.from(form.elements).some((el) =>
      el.name === name && (el.type === "radio" || el.type === "checkbox" ? el.checked : el.value.trim() !== ""));
    // A place is needed for the categories the server says (every place, a physical barrier).
    const needsPlace = form.querySelector("input[name=category]:checked[data-needs-place]") !== null;
    return slots
      .filter((s) => s.dataset.required && (s.dataset.errorFor !== "location" || needsPlace))
      .filter((s) => !s.dataset.required.split(" ").some(filled))
      .map((s) => ({ field: s.dataset.errorFor, target: s.dataset.target, label: s.dataset.label, message: s.dataset.requiredText }));
  }

  let checkTimer = 0;
  let checkSeq = 0;
  /** The live check, once the resident has tried to send: the latest answer wins. */
  function scheduleCheck() {
    if (!attempted) return;
    clearTimeout(checkTimer);
    checkTimer = setTimeout(async () => {
      const seq = ++checkSeq;
      try {
        const list = await call("check", { draft: draft(), found: [] });
        if (seq === checkSeq) showErrors(list, false);
      } catch { /* offline: the server checks when the entry is sent */ }
    }, CHECK_AFTER_MS);
  }

  // --- Notices and sending -----------------------------------------------------------------------
  function say(which) {
    notice.textContent = notice.dataset[which];
    notice.hidden = false;
    focus(notice);
  }

  const button = form.querySelector("button[type=submit]");
  const idle = button.textContent;
  let sending = false;
  function setSending(on) {
    sending = on;
    button.disabled = on;
    button.textContent = on ? button.dataset.textSending : idle;
  }

  /** A page address from the server's template: an entry's `{id}`, the visit's `{r}` and, once the
   * entry is stored, its private link's `{key}` (only the sending answer gives it). */
  const pathTo = (template, id, respondent, key = "") => fill(template, {
    id: encodeURIComponent(id),
    r: encodeURIComponent(respondent.toLowerCase()),
    key: encodeURIComponent(key),
  });

  function enqueue(d) {
    localStorage.setItem(OUTBOX + d.id, JSON.stringify({ draft: d, queued_at: Date.now() }));
    document.dispatchEvent(new CustomEvent("trefpunt:outbox"));
  }

  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    if (sending) return;
    attempted = true;
    clearTimeout(checkTimer);
    checkSeq++;
    const d = draft();
    setSending(true);
    let out = null;
    let failure = null;
    try {
      out = await call("submit", { draft: d });
    } catch (err) {
      failure = err;
    }
    setSending(false);
    const stored = out && (out.Created || out.Replayed);
    if (stored) {
      notice.hidden = true;
      location[mode === "kiosk" ? "replace" : "assign"](pathTo(form.dataset.sent, stored.id, d.respondent, stored.edit_key || ""));
      return;
    }
    if (out && out.Invalid) {
      let list = null;
      try { list = await call("check", { draft: d, found: out.Invalid }); } catch { /* below */ }
      if (list && list.length) showErrors(list, true);
      else say("textSendFailed");
      return;
    }
    if (out) {
      // "Conflict" (this id was stored with other content) or "Gone" (deleted): a new id.
      field("id").value = uuid();
      say("textAlreadySent");
      return;
    }
    // No network, or the server could not store it now (5xx, 429): the entry waits on this device.
    // A paper form is typed by a worker who is online: it is not queued.
    const temporary = !(failure && failure.status >= 400 && failure.status < 500 && failure.status !== 429);
    if (temporary && mode !== "paper") {
      const lacking = missing();
      if (lacking.length) {
        showErrors(lacking, true);
        return;
      }
      try {
        enqueue(d);
      } catch {
        say("textSendFailed");
        return;
      }
      if (mode === "kiosk" && form.dataset.queued) {
        location.replace(form.dataset.queued);
        return;
      }
      // The next entry from this form is another one.
      field("id").value = uuid();
      showErrors([], false);
      say("textQueued");
      return;
    }
    say("textSendFailed");
  });

  // --- Where: the position, the map, "use my location" -------------------------------------------
  // The hidden lon/lat inputs and the label say where it is; a tap on the map, "use my location" or
  // an address from the search sets them. Leaflet is loaded only when
  // the resident opens the map (or locates: then the map shows where), through map.js.
  const mapEl = form.querySelector("[data-map=picker]");
  const lonInput = field("lon");
  const latInput = field("lat");
  const posLabel = form.querySelector("[data-pos-label]");
  const locate = form.querySelector("[data-locate]");
  const opener = mapEl && mapEl.querySelector("[data-map-open]");
  let L = null;
  let map = null;
  let marker = null;
  let opening = null;
  const round = (x) => Math.round(x * 1e6) / 1e6;
  /** Within the Netherlands (what the server accepts). */
  function inNL(lon, lat) {
    const [[south, west], [north, east]] = window.trefpuntMap.bounds;
    return lat >= south && lat <= north && lon >= west && lon <= east;
  }

  function showOnMap(lat, lon, zoom) {
    if (!map) return;
    if (marker) marker.setLatLng([lat, lon]);
    else marker = L.marker([lat, lon], { keyboard: false }).addTo(map);
    if (zoom) map.setView([lat, lon], Math.max(map.getZoom(), zoom));
  }

  function setPosition(lon, lat, text, zoom, moveFocus) {
    if (!inNL(lon, lat)) return;
    lonInput.value = String(round(lon));
    latInput.value = String(round(lat));
    showOnMap(lat, lon, zoom);
    posLabel.textContent = `${posLabel.dataset.textChosen} ${
      text || `${posLabel.dataset.textMap} (${lat.toFixed(5)}, ${lon.toFixed(5)})`}`;
    // The live check and the entries nearby.
    lonInput.dispatchEvent(new Event("change", { bubbles: true }));
    // The button that was pressed (an address found) is gone: the focus goes to what it did.
    if (moveFocus) focus(posLabel);
  }

  function openMap(moveFocus) {
    opening ||= window.trefpuntMap.loadLeaflet().catch((e) => {
      // No Leaflet (a weak connection): the button stays for another try; an address works too.
      opening = null;
      throw e;
    }).then((leaflet) => {
      L = leaflet;
      opener?.remove();
      mapEl.tabIndex = 0;
      mapEl.setAttribute("role", "application");
      mapEl.setAttribute("aria-label", mapEl.dataset.label || "");
      mapEl.setAttribute("aria-describedby", "map-hint");
      map = window.trefpuntMap.baseMap(L, mapEl);
      const lon = parseFloat(lonInput.value);
      const lat = parseFloat(latInput.value);
      if (isFinite(lon) && isFinite(lat)) showOnMap(lat, lon, 16);
      map.on("click", (e) => setPosition(e.latlng.lng, e.latlng.lat));
      // Keyboard: the arrow keys pan (Leaflet), Enter or Space places the point at the centre.
      mapEl.addEventListener("keydown", (e) => {
        if (e.key !== "Enter" && e.key !== " ") return;
        e.preventDefault();
        const c = map.getCenter();
        setPosition(c.lng, c.lat);
      });
      mapEl.dataset.mapReady = "yes";
    });
    return opening.then(() => { if (moveFocus) mapEl.focus(); }, () => {});
  }

  if (mapEl) {
    opener?.addEventListener("click", () => openMap(true));
    mapEl.dataset.mapReady = "waiting";
  }
  if (locate) {
    if (!navigator.geolocation) locate.hidden = true;
    locate.addEventListener("click", () => {
      const original = locate.textContent;
      locate.textContent = locate.dataset.textLocating;
      locate.disabled = true;
      navigator.geolocation.getCurrentPosition((p) => {
        locate.textContent = original;
        locate.disabled = false;
        setPosition(p.coords.longitude, p.coords.latitude, null, 17);
        if (mapEl) openMap(false);
      }, () => {
        locate.textContent = original;
        locate.disabled = false;
        posLabel.textContent = locate.dataset.textDenied;
      }, { enableHighAccuracy: true, timeout: 10000, maximumAge: 60000 });
    });
  }

  // --- Address search --------------------------------------------------------------------------
  const address = field("address");
  const hits = form.querySelector("[data-address-hits]");
  const searchButton = form.querySelector("[data-address-search]");
  function line(text, cls) {
    const p = document.createElement("p");
    p.className = cls;
    p.textContent = text;
    return p;
  }
  let searchSeq = 0;
  async function search() {
    const q = address.value.trim();
    if ([...q].length < 2) return;
    const seq = ++searchSeq;
    hits.replaceChildren(line("…", "hint"));
    let list;
    try {
      list = await call("geocode", { q });
    } catch {
      if (seq === searchSeq) hits.replaceChildren(line(hits.dataset.textUnavailable, "field-error"));
      return;
    }
    // An older search that answers late does not replace a newer one.
    if (seq !== searchSeq) return;
    if (!list.length) {
      hits.replaceChildren(line(hits.dataset.textNone, "field-error"));
      return;
    }
    const ul = document.createElement("ul");
    ul.className = "address-hits";
    for (const h of list) {
      const b = document.createElement("button");
      b.type = "button";
      b.className = "address-hit";
      b.textContent = h.label;
      b.addEventListener("click", () => {
        hits.replaceChildren();
        setPosition(h.location.lon, h.location.lat, h.label, 17, true);
      });
      const li = document.createElement("li");
      li.append(b);
      ul.append(li);
    }
    hits.replaceChildren(line(hits.dataset.textPick, "hint"), ul);
  }
  searchButton.addEventListener("click", search);
  address.addEventListener("keydown", (e) => {
    if (e.key === "Enter") {
      e.preventDefault();
      search();
    }
  });

  // --- Entries nearby, with "ik ook" -----------------------------------------------------------
  const nearby = form.querySelector("[data-nearby]");
  const names = JSON.parse(nearby.dataset.labels || "{}");
  const months = (nearby.dataset.months || "").split(",");
  let nearbyAt = "";
  /** "september 2026" for an entry's public `YYYY-MM`. */
  function month(m) {
    const [y, n] = m.split("-").map(Number);
    return months[n - 1] ? `${months[n - 1]} ${y}` : m;
  }
  async function refreshNearby() {
    const lon = parseFloat(field("lon").value);
    const lat = parseFloat(field("lat").value);
    const key = `${lon},${lat}`;
    if (!isFinite(lon) || !isFinite(lat) || key === nearbyAt) return;
    nearbyAt = key;
    let list;
    try {
      list = await call("nearby", { kind: nearby.dataset.nearby, lon, lat });
    } catch {
      // Asked again at the next change.
      if (key === nearbyAt) nearbyAt = "";
      return;
    }
    if (key !== nearbyAt) return;
    const ul = nearby.querySelector("ul");
    ul.replaceChildren(...list.map(nearbyItem));
    nearby.hidden = list.length === 0;
  }
  function nearbyItem(e) {
    const li = document.createElement("li");
    li.className = "nearby-entry";
    const what = document.createElement("span");
    what.className = "nearby-what";
    what.textContent = names[e.category] || e.category.replace(/_/g, " ");
    const when = document.createElement("span");
    when.className = "hint";
    when.textContent = month(e.month);
    const p = document.createElement("p");
    if (e.me_too > 0) {
      const others = document.createElement("span");
      others.className = "hint";
      const said = e.me_too === 1 ? nearby.dataset.textOthersOne : nearby.dataset.textOthers;
      others.textContent = `${fill(said, { n: e.me_too })} `;
      p.append(others);
    }
    const b = document.createElement("button");
    b.type = "button";
    b.className = "button secondary";
    b.textContent = nearby.dataset.textMeToo;
    b.addEventListener("click", async () => {
      const respondent = field("respondent").value;
      b.disabled = true;
      let n = null;
      try { n = await call("me_too", { id: e.id, respondent }); } catch { /* try again */ }
      b.disabled = false;
      if (n == null) return;
      // On a kiosk an "ik ook" counts as taking part: "volgende bewoner" offers the survey first.
      if (mode === "kiosk") try { sessionStorage.setItem("trefpunt.kiosk.entered", "1"); } catch { /* a link away */ }
      const done = document.createElement("p");
      done.className = "notice";
      done.setAttribute("role", "status");
      const a = document.createElement("a");
      a.href = pathTo(form.dataset.done, e.id, respondent);
      // On the kiosk, kiosk.js replaces the page instead of adding to the history.
      if (mode === "kiosk") a.dataset.kioskLink = "";
      a.textContent = nearby.dataset.textDone;
      const counted = n === 1 ? nearby.dataset.textCountedOne : nearby.dataset.textCounted;
      done.append(`${fill(counted, { n })} `, a);
      p.replaceWith(done);
      focus(a);
    });
    p.append(b);
    li.append(what, " · ", when, p);
    return li;
  }

  form.addEventListener("change", () => {
    scheduleCheck();
    refreshNearby();
  });
  form.addEventListener("input", scheduleCheck);
  document.documentElement.dataset.formReady = mode;
})();
