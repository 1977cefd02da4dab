// Street events: a worker creates an event and prints its poster; the event's tablet (the kiosk)
// works without a network, one resident after another, and every entry made on it arrives exactly
// once: after a reload offline, across a server killed in the middle of the sync, from two tablets
// at once, and over a long afternoon of 200 entries with a fake clock. The kiosk offers the
// campaign's survey before the next resident; answers given offline arrive and count in "who took
// part".
//
// The network is cut for real: the browser talks to a local proxy (its origin), which stops
// accepting connections; Playwright's setOffline would not stop the service worker's own fetches.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import {
  LAPTOP, addStaff, axe, pageReady, launchBrowser, openMap, signIn, staffApi, startPdokStandin, startProxy, startTrefpunt,
} from "./harness.mjs";

const PASSWORD = "lang-genoeg-wachtwoord";
const TABLET = { viewport: { width: 800, height: 1280 }, deviceScaleFactor: 1, isMobile: true, hasTouch: true, locale: "nl-NL" };
const KINDS = ["plek", "drempel", "wens"];

let pdok, app, proxy, tiles, browser, worker, event;

// The whole network of the tablet: the site and the tile server.
const network = {
  async down() { await proxy.down(); await tiles.down(); },
  async up() { await proxy.up(); await tiles.up(); },
};

before(async () => {
  pdok = await startPdokStandin();
  tiles = await startProxy(pdok.url);
  // The Drechtsteden areas, so the survey's answers show in a gemeente's "who took part".
  app = await startTrefpunt(pdok.url, { TREFPUNT_TILE_URL: `${tiles.url}/tiles/{z}/{x}/{y}.png` }, { areas: true });
  proxy = await startProxy(app.url);
  browser = await launchBrowser();
  addStaff(app, "worker", "opbouw@welzijn.nl", PASSWORD);
  worker = await signIn(app, "opbouw@welzijn.nl", PASSWORD);
  const today = new Date().toISOString().slice(0, 10);
  event = await staffApi(app, worker, "POST", "/events", { campaign: "default", name: "Pleinfeest Bagijnhof", place: "Bagijnhof", day: today });
});

after(async () => {
  await browser?.close();
  await proxy?.close();
  await tiles?.close();
  await app?.stop();
  await pdok?.close();
});

/** How many entries the server stored with the event (asked past the proxy). */
async function arrived() {
  return (await staffApi(app, worker, "GET", `/events/${event.id}`)).entries;
}

/** A tablet: a browser profile of its own (its own service worker, storage and queue). The network
 * is back before each one, whatever the test before it left behind. */
async function tablet(options = {}) {
  await network.up();
  proxy.state.delayMs = 0;
  const context = await browser.newContext({ ...TABLET, ...options });
  const page = await context.newPage();
  const problems = [];
  // Also printed at once: a test that fails on a timeout still shows what the page said before.
  const problem = (p) => { problems.push(p); console.error(`tablet: ${p}`); };
  page.on("pageerror", (e) => problem(`pageerror: ${e.message}`));
  page.on("console", (m) => {
    // Failed fetches while the network is cut are the point of these tests.
    if (m.type() === "error" && !/Failed to load resource|ERR_CONNECTION|Failed to fetch|NetworkError/.test(m.text())) {
      problem(`console: ${m.text()}`);
    }
  });
  return { context, page, problems };
}

/** Opens the event's tablet link once with a network, as the worker does, and waits until the
 * service worker keeps the shell and every kiosk page (`pages`: 4 per language, 5 with a survey). */
async function linkTablet(page, { ev = event, pages: expected = 24 } = {}) {
  await page.goto(`${proxy.url}${ev.kiosk_url}`);
  await page.waitForURL(new RegExp(`/kiosk/${ev.id}$`));
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 30000 });
  // Polled from here: Playwright's waitForFunction does not await an async predicate (a promise is
  // truthy), so it would not wait at all. The caches' names carry the service worker's version:
  // found by their prefix, never opened by a guessed name (which would make an empty cache).
  await waitUntil(() => page.evaluate(async (expected) => {
    const names = await caches.keys();
    const kept = async (prefix) => {
      const name = names.find((n) => n.startsWith(prefix));
      return name ? (await caches.open(name)).keys() : [];
    };
    const pages = await kept("trefpunt-pages-");
    const shell = await kept("trefpunt-shell-");
    return pages.length >= expected && shell.some((r) => r.url.includes("/js/form.js"));
  }, expected), "the service worker to keep the shell and every kiosk page", 30000);
  // One form with the map online, so the tiles of the event's area are kept too.
  await page.getByRole("link", { name: /Een plek waar je mensen ontmoet/ }).click();
  await page.waitForURL(/\/kiosk\/[^/]+\/plek/);
  await pageReady(page);
  await openMap(page);
  await waitUntil(() => page.evaluate(async () => (await (await caches.open("trefpunt-tiles")).keys()).length > 0),
    "the service worker to keep the map's tiles", 15000);
  await page.getByRole("link", { name: "Terug naar het begin" }).click();
  await page.waitForURL(new RegExp(`/kiosk/${ev.id}\\?taal=nl`));
}

async function tapMap(page) {
  const map = page.locator("[data-map=picker]");
  await openMap(page);
  await map.scrollIntoViewIfNeeded();
  const box = await map.boundingBox();
  await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
  await page.waitForFunction(() => document.querySelector("[data-lon]").value !== "");
}

/** One entry through the kiosk, from its start page back to it; `i` picks kind and category. */
async function addEntry(page, i, { expect = "queued" } = {}) {
  const kind = KINDS[i % 3];
  await page.locator(`a.kiosk-kind[href*="/${kind}?"]`).click();
  await page.waitForURL(new RegExp(`/kiosk/[^/]+/${kind}`));
  await pageReady(page);
  const choices = page.locator("input[name=category]");
  await choices.nth(i % 4).check();
  await tapMap(page);
  if (kind === "drempel") await page.locator("input[name=severity]").first().check();
  await page.getByRole("button", { name: /Versturen|Send|Gönder|إرسال|Wyślij|Надіслати/ }).click();
  await page.waitForURL(/\/kiosk\/[^/]+\?taal=/);
  await page.locator(`[data-kiosk-done="${expect}"]:not([hidden])`).waitFor();
}

/** Waits until the page has been replaced by a new document (a kiosk reset, "volgende bewoner"). */
async function newDocument(page, action) {
  await page.evaluate(() => { window.__old = true; });
  await action();
  await waitUntil(async () => {
    try {
      return (await page.evaluate(() => window.__old !== true && document.readyState !== "loading"));
    } catch {
      return false; // in the middle of the navigation
    }
  }, "the next page");
  await page.locator("a.kiosk-kind").first().waitFor();
}

async function nextResident(page) {
  await newDocument(page, () => page.locator("button.kiosk-next").click());
}

async function waiting(page) {
  return Number(await page.locator("[data-outbox-count]").first().textContent());
}

async function waitUntil(check, what, timeout = 90000) {
  const end = Date.now() + timeout;
  for (;;) {
    if (await check()) return;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** What the service worker keeps: entries and bytes per cache. */
async function cacheReport(page) {
  return page.evaluate(async () => {
    const report = {};
    for (const name of await caches.keys()) {
      const cache = await caches.open(name);
      let bytes = 0;
      const keys = await cache.keys();
      for (const req of keys) bytes += (await (await cache.match(req)).blob()).size;
      report[name] = { entries: keys.length, bytes };
    }
    return report;
  });
}

test("a worker creates an event on the staff page, with a kiosk link, a QR code and a poster", async () => {
  const context = await browser.newContext({ ...LAPTOP, locale: "nl-NL" });
  const page = await context.newPage();
  await page.goto(`${app.url}/staff`);
  await page.getByLabel("E-mailadres").fill("opbouw@welzijn.nl");
  await page.getByLabel("Wachtwoord").fill(PASSWORD);
  await page.getByRole("button", { name: "Inloggen" }).click();
  await page.getByRole("link", { name: "Evenementen" }).click();
  await page.getByLabel("Naam").fill("Buurtbarbecue");
  await page.getByLabel("Plek", { exact: true }).fill("Speeltuin Wielwijk");
  await page.getByLabel("Datum").fill(new Date().toISOString().slice(0, 10));
  await page.getByRole("button", { name: "Evenement maken" }).click();
  await page.waitForURL(/melding=nieuw/);
  const card = page.locator("article.event-card", { hasText: "Buurtbarbecue" });
  await card.waitFor();
  assert.match(await card.locator("a.event-kiosk-link").getAttribute("href"), /^\/tablet\/[0-9a-f]+\?sleutel=[0-9a-f]{32}$/);
  assert.ok(await card.locator("img.event-qr").evaluate((img) => img.complete && img.naturalWidth > 0), "the QR code shows");
  assert.deepEqual(await axe(page), [], "the events page");
  await card.getByRole("link", { name: /Poster/ }).click();
  await page.getByRole("heading", { name: "Ontmoeten in de buurt" }).waitFor();
  await page.getByText("Scan mij en doe mee!").waitFor();
  assert.ok(await page.locator(".qr svg").count() === 1);
  assert.deepEqual(await axe(page), [], "the poster");
  await context.close();
});

test("the kiosk: big buttons, languages, the next resident, and a reset after a while without a touch", async () => {
  const { context, page, problems } = await tablet();
  await page.clock.install();
  await page.goto(`${proxy.url}${event.kiosk_url}`);
  await page.waitForURL(new RegExp(`/kiosk/${event.id}$`));
  const historyAtStart = await page.evaluate(() => history.length);
  for (const target of await page.locator("a.kiosk-kind, a.kiosk-lang, button.kiosk-next").all()) {
    const box = await target.boundingBox();
    assert.ok(box.height >= 56 && box.width >= 56, `touch target ${await target.textContent()} is ${box.width}x${box.height}`);
  }
  assert.deepEqual(await axe(page), [], "the kiosk start");

  // Arabic, right to left, in one tap; the form in Arabic.
  await page.getByRole("link", { name: "العربية" }).click();
  await page.waitForURL(/taal=ar/);
  assert.equal(await page.getAttribute("html", "dir"), "rtl");
  await page.locator("a.kiosk-kind").first().click();
  await pageReady(page);
  assert.equal(await page.getAttribute("html", "lang"), "ar");
  await page.locator("input[name=category]").first().check();
  const respondent = await page.evaluate(() => sessionStorage.getItem("trefpunt.respondent"));
  assert.match(respondent, /^[0-9a-f-]{36}$/);
  assert.equal(await page.inputValue("input[name=respondent]"), respondent, "the form is the tablet's current respondent's");

  // The next resident: Dutch again, nothing of the last one, and no way back to their pages.
  await page.locator("button.kiosk-next").click();
  await page.waitForURL(/taal=nl$/);
  assert.equal(await page.getAttribute("html", "lang"), "nl");
  assert.equal(await page.evaluate(() => sessionStorage.getItem("trefpunt.respondent")), null);
  assert.equal(await page.evaluate(() => history.length), historyAtStart, "the kiosk never adds to the history");

  // A resident walks away in the middle of a form: two minutes later the kiosk starts over.
  await page.getByRole("link", { name: "Polski" }).click();
  await page.locator("a.kiosk-kind").nth(2).click();
  await pageReady(page);
  await page.locator("input[name=category]").first().check();
  await page.clock.fastForward("02:05");
  await page.waitForURL(/taal=nl$/);
  assert.equal(await page.locator("input[name=category]").count(), 0, "back at the start");
  assert.deepEqual(problems, []);
  await context.close();
});

test("20 entries offline, a reload offline, then online: exactly 20 arrive; again with the server killed mid-sync", async (t) => {
  const { context, page, problems } = await tablet();
  await linkTablet(page);
  const before = await arrived();

  await network.down();
  for (let i = 0; i < 20; i++) {
    await addEntry(page, i);
    assert.equal(await waiting(page), i + 1, "the counter shows what waits");
    if (i === 9) {
      // A reload without a network: the kiosk still starts (from the service worker).
      await page.reload();
      await page.locator("a.kiosk-kind").first().waitFor();
      assert.equal(await waiting(page), 10);
    }
    if (i % 4 === 3) await nextResident(page);
  }
  assert.equal(await arrived(), before, "nothing arrived while the network was cut");
  const ids = await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith("trefpunt.outbox.")));
  assert.equal(ids.length, 20);

  await network.up();
  await waitUntil(async () => (await waiting(page)) === 0, "the queue to empty");
  assert.equal(await arrived(), before + 20, "exactly 20 arrive");
  for (const key of ids) {
    const id = key.slice("trefpunt.outbox.".length);
    assert.equal((await fetch(`${app.url}/api/v1/submissions/${id}`)).status, 200, `entry ${id} is stored`);
  }

  // 20 more offline; the server dies in the middle of sending them and comes back on the same origin.
  await network.down();
  for (let i = 0; i < 20; i++) await addEntry(page, i + 1);
  assert.equal(await waiting(page), 20);
  proxy.state.delayMs = 150;
  await network.up();
  // Started, not awaited: the test kills the server while it runs.
  await page.evaluate(() => { window.trefpuntOutbox.flush(true); });
  await waitUntil(async () => (await arrived()) >= before + 25, "the sync to be under way");
  const dir = app.dir;
  await app.kill();
  const inTheMiddle = await waiting(page);
  assert.ok(inTheMiddle > 0 && inTheMiddle < 20, `killed in the middle of the sync (${inTheMiddle} of 20 waiting)`);
  app = await startTrefpunt(pdok.url, {}, { dir });
  proxy.state.target = app.url;
  proxy.state.delayMs = 0;
  worker = await signIn(app, "opbouw@welzijn.nl", PASSWORD);
  await waitUntil(async () => (await waiting(page)) === 0, "the queue to empty after the restart");
  assert.equal(await arrived(), before + 40, "still exactly 40: no duplicates, nothing lost");
  t.diagnostic(`killed with ${inTheMiddle} of 20 still waiting on the tablet; all 40 arrived once`);
  t.diagnostic(`service worker caches: ${JSON.stringify(await cacheReport(page))}`);
  assert.deepEqual(problems, []);
  await context.close();
});

test("two tablets offline at once, then both sync", async () => {
  const a = await tablet();
  const b = await tablet();
  await linkTablet(a.page);
  await linkTablet(b.page);
  const before = await arrived();
  await network.down();
  for (let i = 0; i < 10; i++) {
    await addEntry(a.page, i);
    await addEntry(b.page, i + 2);
  }
  assert.equal(await waiting(a.page), 10);
  assert.equal(await waiting(b.page), 10);
  await network.up();
  await Promise.all([a.page.reload(), b.page.reload()]);
  await waitUntil(async () => (await waiting(a.page)) === 0 && (await waiting(b.page)) === 0, "both queues to empty");
  assert.equal(await arrived(), before + 20);
  assert.deepEqual([...a.problems, ...b.problems], []);
  await a.context.close();
  await b.context.close();
});

test("offline, the tablet shows what the server would refuse as missing and keeps only the rest", async () => {
  // Without a network the server cannot check an entry; one it would refuse, found later, would
  // reach nobody. So the tablet asks for what is required, with the server's own words.
  const { context, page, problems } = await tablet();
  await linkTablet(page);
  const before = await arrived();
  await network.down();
  await page.locator('a.kiosk-kind[href*="/drempel?"]').click();
  await page.waitForURL(/\/kiosk\/[^/]+\/drempel/);
  await pageReady(page);
  await page.getByRole("button", { name: "Versturen" }).click();
  await page.locator("#error-summary:not([hidden]) li").first().waitFor();
  assert.match(await page.locator("#error-summary").innerText(), /Soort: Kies er een\./);
  assert.equal(await waiting(page), 0, "an empty entry does not wait on the tablet");
  // A physical barrier needs a place; a social one does not.
  await page.getByLabel("Trap, drempel of hoge stoep").check();
  await page.getByLabel("Een beetje lastig").check();
  await page.getByRole("button", { name: "Versturen" }).click();
  await page.locator("#error-summary:not([hidden])", { hasText: "Plek" }).waitFor();
  assert.doesNotMatch(await page.locator("#error-summary").innerText(), /Soort/);
  assert.equal(await waiting(page), 0);
  await page.getByLabel("Het kost geld").check();
  await page.getByRole("button", { name: "Versturen" }).click();
  await page.waitForURL(/\/kiosk\/[^/]+\?taal=/);
  assert.equal(await waiting(page), 1, "a social barrier without a place waits");
  await network.up();
  await waitUntil(async () => (await waiting(page)) === 0, "the queue to empty");
  assert.equal(await arrived(), before + 1);
  assert.deepEqual(problems, []);
  await context.close();
});

test("an entry the server refuses after the event closed is shown to the worker with the reason", async () => {
  // The event is closed while the tablet is offline: the entry made before cannot be stored any more.
  // It must not stay invisible in the tablet's storage: the start page lists it for the worker.
  const today = new Date().toISOString().slice(0, 10);
  const ev = await staffApi(app, worker, "POST", "/events", { campaign: "default", name: "Kort plein", day: today });
  const { context, page, problems } = await tablet();
  await linkTablet(page, { ev });
  await network.down();
  await addEntry(page, 0);
  assert.equal(await waiting(page), 1);
  await staffApi(app, worker, "PATCH", `/events/${ev.id}`, { status: "closed" });
  await network.up();
  await waitUntil(async () => (await waiting(page)) === 0, "the queue to empty");
  const refused = page.locator("[data-refused]");
  await refused.waitFor({ state: "visible" });
  assert.equal((await page.locator("[data-refused-count]").first().textContent()).trim(), "1");
  assert.match(await refused.innerText(), /Niet aangenomen/);
  assert.match(await refused.innerText(), /Melding: event: Deze activiteit is voorbij\./, "the reason, in the page's words");
  assert.deepEqual(await axe(page), [], "the kiosk with a refused entry");
  assert.deepEqual(problems, []);
  await context.close();
});

test("a long event: 200 entries over an afternoon without a network, each arrives once", async (t) => {
  const { context, page, problems } = await tablet();
  await page.clock.install({ time: new Date(`${event.day}T13:00:00`) });
  await linkTablet(page);
  const before = await arrived();
  await network.down();
  let residents = 0;
  const start = Date.now();
  for (let i = 0; i < 200; ) {
    // A resident adds one to four things, then walks off; the kiosk resets itself after two minutes.
    residents++;
    const n = Math.min(1 + (residents % 4), 200 - i);
    for (let j = 0; j < n; j++, i++) await addEntry(page, i);
    await newDocument(page, () => page.clock.fastForward(`0${2 + (residents % 3)}:10`));
    assert.equal(await page.evaluate(() => sessionStorage.getItem("trefpunt.respondent")), null, "the next resident starts afresh");
  }
  const simulatedHours = (await page.evaluate(() => Date.now()) - new Date(`${event.day}T13:00:00`).getTime()) / 3600000;
  assert.equal(await waiting(page), 200);
  const report = await cacheReport(page);
  await network.up();
  await page.reload();
  await waitUntil(async () => (await waiting(page)) === 0, "200 entries to arrive", 180000);
  assert.equal(await arrived(), before + 200, "every entry arrives once");
  t.diagnostic(`200 entries by ${residents} residents over ${simulatedHours.toFixed(1)} simulated hours (${((Date.now() - start) / 1000).toFixed(0)} s real); all arrived once`);
  t.diagnostic(`service worker caches: ${JSON.stringify(report)}`);
  assert.deepEqual(problems, []);
  await context.close();
});

// Dordrecht (GM0505), in the Drechtsteden areas the server imported.
const DORDRECHT = { latitude: 51.8133, longitude: 4.6901 };

/** A meeting place at the tablet's own position ("use my location"), from the kiosk's start. */
async function placeHere(page) {
  await page.locator('a.kiosk-kind[href*="/plek?"]').click();
  await page.waitForURL(/\/kiosk\/[^/]+\/plek/);
  await pageReady(page);
  await page.locator("input[name=category]").first().check();
  await page.locator("[data-locate]").click();
  await page.waitForFunction(() => document.querySelector("[data-lon]").value !== "");
  await page.getByRole("button", { name: "Versturen" }).click();
  await page.waitForURL(/\/kiosk\/[^/]+\?taal=/);
  await page.locator('[data-kiosk-done="queued"]:not([hidden])').waitFor();
}

/** The 25–44 row of a gemeente's "who took part" for a campaign: its respondents as shown. */
async function band25to44(campaign) {
  const context = await browser.newContext({ ...LAPTOP, locale: "nl-NL" });
  const page = await context.newPage();
  await page.goto(`${app.url}/inzicht/gebied/GM0505?campaign=${campaign}`);
  const row = page.locator("section[aria-labelledby=representation] tbody tr", { hasText: "25 tot en met 44" });
  const shown = (await row.count()) ? (await row.locator("td.num").first().textContent()).trim() : null;
  await context.close();
  return shown;
}

/** The gemeente's survey results for the campaign's age question, as the API releases them. */
async function ageResults(campaign) {
  const r = await fetch(`${app.url}/api/v1/campaigns/${campaign}/results?level=gemeente&area=GM0505`);
  assert.equal(r.status, 200);
  return (await r.json()).questions.find((q) => q.id === "age_band");
}

test("the kiosk offers the survey before the next resident; answers given offline arrive and count in who took part", async (t) => {
  // A campaign with the demographic questions (everywhere, so the kiosk's entries need no scope),
  // its event, and four residents of Dordrecht who answered 25–44 on their own phones: one fewer
  // than k, so the band is not shown yet (nor in the survey's results).
  addStaff(app, "admin", "beheer@gemeente.nl", PASSWORD);
  const admin = await signIn(app, "beheer@gemeente.nl", PASSWORD);
  const campaign = "buurtfeest-vragen";
  await staffApi(app, admin, "POST", "/campaigns", {
    id: campaign, title: { nl: "Buurtfeest" }, kinds: ["place", "barrier", "wish"], demographics: true,
  });
  const today = new Date().toISOString().slice(0, 10);
  const ev = await staffApi(app, worker, "POST", "/events", { campaign, name: "Buurtfeest Wielwijk", day: today });
  // Both figures move in whole steps of k = 5 residents by arrival (docs/privacy.md), so the
  // residents before the kiosk's two are counted to make each cell whole with them: four with an
  // entry but no answers (who took part, no age given: 4 + the kiosk's second = 5), then fourteen who
  // answered, four of them 25–44 (who gave an age, and the survey's age question: 14 + the kiosk's
  // first = 15).
  for (let i = 0; i < 18; i++) {
    const respondent = crypto.randomUUID();
    const entry = await fetch(`${app.url}/api/v1/submissions`, {
      method: "POST", headers: { "content-type": "application/json" },
      body: JSON.stringify({
        id: crypto.randomUUID(), respondent, campaign, kind: "place", category: "library",
        location: { lon: DORDRECHT.longitude, lat: DORDRECHT.latitude }, details: { qualities: [] }, language: "nl", source: "web",
      }),
    });
    assert.equal(entry.status, 201);
    if (i < 4) continue;
    const answer = await fetch(`${app.url}/api/v1/campaigns/${campaign}/responses`, {
      method: "POST", headers: { "content-type": "application/json" },
      body: JSON.stringify({ respondent, answers: { age_band: i < 8 ? "25_44" : "45_64" }, language: "nl" }),
    });
    assert.equal(answer.status, 201);
  }
  const before = await ageResults(campaign);
  assert.equal(before.options.find((o) => o.id === "25_44").respondents, null, "four of k = 5 are not shown");
  assert.ok([null, "verborgen"].includes(await band25to44(campaign)), "four of k = 5 are not shown");

  const { context, page, problems } = await tablet({ geolocation: DORDRECHT, permissions: ["geolocation"] });
  await linkTablet(page, { ev, pages: 30 });
  await network.down();

  // The first resident: an entry, then the survey the start page offers, answered offline.
  await placeHere(page);
  await page.locator("[data-kiosk-survey-offer]:not([hidden])").waitFor();
  await page.getByRole("link", { name: "Naar de vragen" }).click();
  await page.waitForURL(/\/kiosk\/[^/]+\/vragen/);
  await page.locator("form[data-kiosk-survey]").waitFor();
  assert.deepEqual(await axe(page), [], "the kiosk's survey");
  const respondent = await page.evaluate(() => sessionStorage.getItem("trefpunt.respondent"));
  await page.locator("#q-age_band-25_44").check();
  await page.locator("#q-years_here-5_10").check();
  await page.locator("#q-home_language-nl").check();
  await page.getByRole("button", { name: "Antwoorden versturen" }).click();
  await page.waitForURL(/\/kiosk\/[^/]+\?taal=nl/);
  await page.locator('[data-kiosk-done="survey_queued"]:not([hidden])').waitFor();
  assert.deepEqual(await axe(page), [], "the kiosk's start after the survey");
  assert.equal(await waiting(page), 2, "the entry and the answers wait");
  // The tablet is clear: no respondent, no answers anywhere but the queue's one item.
  const left = await page.evaluate(() => ({
    respondent: sessionStorage.getItem("trefpunt.respondent"),
    session: Object.keys(sessionStorage),
    stored: Object.keys(localStorage).filter((k) => k.startsWith("trefpunt.") && !k.startsWith("trefpunt.outbox.")),
    checked: document.querySelectorAll("input:checked").length,
    survey: document.querySelector("form[data-kiosk-survey]") !== null,
  }));
  assert.deepEqual(left, { respondent: null, session: [], stored: [], checked: 0, survey: false });
  assert.ok(await page.evaluate((r) => localStorage.getItem(`trefpunt.outbox.survey.${r}`) !== null, respondent));

  // The second resident skips it: "volgende bewoner" opens the survey, nothing of the first is in it.
  await placeHere(page);
  await page.locator("button.kiosk-next").click();
  await page.waitForURL(/\/kiosk\/[^/]+\/vragen/);
  await page.locator("form[data-kiosk-survey]").waitFor();
  assert.equal(await page.locator("form[data-kiosk-survey] input:checked").count(), 0, "no answers of the last resident");
  await newDocument(page, () => page.getByRole("button", { name: "Overslaan" }).click());
  assert.equal(await page.evaluate(() => sessionStorage.getItem("trefpunt.respondent")), null);
  assert.equal(await waiting(page), 3, "two entries and one resident's answers");

  // Back online: the queue empties, nothing refused, and the band now rests on k residents.
  await network.up();
  await waitUntil(async () => (await waiting(page)) === 0, "the queue to empty");
  assert.equal(await page.locator("[data-refused]").isHidden(), true, "nothing refused");
  assert.equal(await band25to44(campaign), "5", "the kiosk's resident is counted in who took part");
  // And in the campaign's survey results: an advisor reads them for Dordrecht, the age question
  // released with the kiosk's resident among its five.
  const after = await ageResults(campaign);
  const shown = after.options.find((o) => o.id === "25_44").respondents;
  assert.ok(shown >= 2 && shown <= 8, `released within the noise: ${shown}`);
  {
    const advisor = await browser.newContext({ ...LAPTOP, locale: "nl-NL" });
    const results = await advisor.newPage();
    await results.goto(`${app.url}/inzicht/enquete/${campaign}`);
    await results.getByLabel("Gebied", { exact: true }).selectOption("gemeente");
    await results.getByRole("button", { name: "Toon", exact: true }).click();
    await results.waitForURL(/level=gemeente/);
    await results.locator("#sr-area").selectOption("GM0505");
    await results.getByRole("button", { name: "Toon", exact: true }).click();
    await results.waitForURL(/area=GM0505/);
    const age = results.locator("section", { has: results.getByRole("heading", { name: "Hoe oud ben je?" }) });
    assert.match(await age.locator("tbody tr", { hasText: "25 tot 45 jaar" }).innerText(), new RegExp(`\\b${shown}\\b`));
    assert.deepEqual(await axe(results), [], "the survey results");
    await advisor.close();
  }
  t.diagnostic("two residents in a row offline; one answered, one skipped; the band 25–44 went from withheld to 5");
  assert.deepEqual(problems, []);
  await context.close();
});

