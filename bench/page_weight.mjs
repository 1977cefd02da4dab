// Page weight: the bytes a resident's phone downloads, brotli, for the whole entry on every page where
// residents enter something (the three forms, the kiosk's form, the survey, the private link page):
// open the page, open and tap the map, search an address, see the entries nearby, send. Deferred
// files count when the journey fetches them. Basemap tiles do not count (they come from the tile
// server, not from Trefpunt). Also the first view of the start page, the public map and the dashboard.
//
// Chromium (Debian's, phone-sized) walks each journey and we record every request to Trefpunt; each is
// then sent again from Node as it was (method, body, cookies) with `Accept-Encoding: br` (Chromium only
// asks for brotli over https), and the bytes of the answer's body are counted as they travel.
// Exits 1 when a journey is over its budget, so the test command fails.
//   node bench/page_weight.mjs [--budget-kb 150] [--first-view-budget-kb 60]
import { request as httpRequest } from "node:http";
import { PHONE, launchBrowser, openMap, pageReady, startPdokStandin, startTrefpunt } from "../tests/e2e/harness.mjs";
import { seedResidentPages } from "./resident_pages.mjs";

const args = process.argv.slice(2);
const arg = (name, fallback) => (args.includes(name) ? Number(args[args.indexOf(name) + 1]) : fallback);
const budgetKb = arg("--budget-kb", 150);
const firstViewBudgetKb = arg("--first-view-budget-kb", 60);

const pdok = await startPdokStandin();
const app = await startTrefpunt(pdok.url);
const browser = await launchBrowser();

/** Sends `req` again from Node, as the browser sent it, and counts the answer's body bytes. */
function replay(req, cookie) {
  return new Promise((resolve, reject) => {
    const headers = { "accept-encoding": "br" };
    const type = req.headers()["content-type"];
    if (type) headers["content-type"] = type;
    if (cookie) headers.cookie = cookie;
    const body = req.postDataBuffer();
    const r = httpRequest(req.url(), { method: req.method(), headers }, (res) => {
      let bytes = 0;
      res.on("data", (c) => (bytes += c.length));
      res.on("end", () => resolve({ status: res.statusCode, encoding: res.headers["content-encoding"] || "identity", bytes }));
    });
    r.on("error", reject);
    if (body) r.write(body);
    r.end();
  });
}

/**
 * Walks `steps(page)` in a fresh phone context and returns what Trefpunt sent: every request until
 * the journey's end (the next page after sending is not part of it).
 */
async function measure(name, steps, { cookies = [] } = {}) {
  const context = await browser.newContext(PHONE);
  if (cookies.length) await context.addCookies(cookies);
  const page = await context.newPage();
  // The context sees the service worker's own requests too (Playwright reports them there, not on
  // the page). A page's request the service worker passes on is the same resource: counted once.
  const seen = new Map();
  let recording = true;
  context.on("request", (req) => {
    if (!recording || !req.url().startsWith(app.url)) return;
    const key = `${req.method()} ${req.url()} ${req.postData() ?? ""}`;
    if (!seen.has(key)) seen.set(key, req);
  });
  await steps(page, () => { recording = false; });
  const cookie = (await context.cookies(app.url)).map((c) => `${c.name}=${c.value}`).join("; ");
  let br = 0;
  const detail = [];
  for (const req of seen.values()) {
    // A replayed send is answered as a replay (same id): it stores nothing twice.
    const r = await replay(req, cookie);
    br += r.bytes;
    const u = new URL(req.url());
    detail.push(`    ${req.method().padEnd(4)} ${(u.pathname + (u.search.length > 1 ? "?…" : "")).padEnd(52)} ${String(r.bytes).padStart(8)}  ${r.encoding}`);
  }
  await context.close();
  return { name, br, detail };
}

async function chooseFirst(page, selector) {
  await page.locator(selector).first().check();
}

/** The resident's whole entry on a form page (a resident's own, or the kiosk's). */
function entryJourney(path, { severity = false } = {}) {
  return async (page, stop) => {
    await page.goto(app.url + path);
    await pageReady(page);
    await chooseFirst(page, "input[name=category]");
    if (severity) await chooseFirst(page, "input[name=severity]");
    await openMap(page);
    const map = page.locator("[data-map=picker]");
    const box = await map.boundingBox();
    await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
    await page.fill("#f-address", "Bolstraat 1 Utrecht");
    await page.locator("[data-address-search]").click();
    await page.locator(".address-hit").first().click();
    // The entries nearby (seeded at the address by resident_pages.mjs) with their "ik ook".
    await page.locator("[data-nearby]:not([hidden]) .nearby-entry").first().waitFor();
    const sent = page.waitForResponse((r) => r.url().endsWith("/_fn/submit"));
    await page.locator("#entry-form button[type=submit]").click();
    await sent;
    stop();
    await page.waitForURL((u) => !u.pathname.startsWith(new URL(app.url + path).pathname));
  };
}

/** A plain form page: open it, answer, send (the answer's page is not part of it). */
function plainJourney(path, form, fill) {
  return async (page, stop) => {
    await page.goto(app.url + path);
    await pageReady(page);
    await fill(page);
    stop();
    await Promise.all([page.waitForNavigation(), page.locator(`${form} button[type=submit]`).click()]);
  };
}

function firstView(path, ready) {
  return async (page) => {
    await page.goto(app.url + path, { waitUntil: "networkidle" });
    if (ready) await page.waitForSelector(ready, { timeout: 20000 });
    await page.waitForLoadState("networkidle");
  };
}

let failed = false;
try {
  const seeded = await seedResidentPages(app);
  const journeys = [];
  journeys.push(await measure("place form /meedoen/plek", entryJourney("/meedoen/plek")));
  journeys.push(await measure("barrier form /meedoen/drempel", entryJourney("/meedoen/drempel", { severity: true })));
  journeys.push(await measure("wish form /meedoen/wens", entryJourney("/meedoen/wens")));
  journeys.push(await measure("kiosk form /kiosk/{event}/drempel", entryJourney(seeded.kiosk, { severity: true }), { cookies: seeded.kioskCookies }));
  journeys.push(await measure("survey /campagne/{id}/vragen", plainJourney(seeded.survey, "form.survey", async (page) => {
    await page.locator("form.survey input[type=radio]").first().check();
  })));
  journeys.push(await measure("private link page /mijn/{id}", plainJourney(seeded.own, "form.own-form", async (page) => {
    await page.fill("#own-text", "De stoep is hier smal.");
  })));
  const views = [];
  views.push(await measure("start page /", firstView("/")));
  views.push(await measure("public map /kaart", firstView("/kaart", "[data-map=public][data-map-ready=loaded]")));
  views.push(await measure("dashboard /inzicht", firstView("/inzicht")));

  console.log(`page weight (bytes as sent with brotli; kB = 1,000 bytes; basemap tiles apart)`);
  console.log(`whole entry per resident page (budget ${budgetKb} kB):`);
  for (const j of journeys) {
    const over = j.br > budgetKb * 1000;
    failed ||= over;
    console.log(`  ${j.name}: ${(j.br / 1000).toFixed(1)} kB${over ? "  OVER BUDGET" : ""}`);
    for (const d of j.detail) console.log(d);
  }
  console.log(`first view (budget ${firstViewBudgetKb} kB):`);
  for (const v of views) {
    const over = v.br > firstViewBudgetKb * 1000;
    failed ||= over;
    console.log(`  ${v.name}: ${(v.br / 1000).toFixed(1)} kB${over ? "  OVER BUDGET" : ""}`);
    for (const d of v.detail) console.log(d);
  }
} finally {
  await browser.close();
  await app.stop();
  await pdok.close();
}
if (failed) {
  console.error("page weight: over budget");
  process.exit(1);
}
