// The Content-Security-Policy in a real browser: every kind of page (resident forms with their
// script and map, the public map, the dashboard with its density layer, an area profile, an entry and its
// private link, the staff pages, an event's poster, the kiosk), with JavaScript on and used as
// people use it, raises no CSP violation, and a script smuggled into a page does not run.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { LAPTOP, PHONE, addStaff, binary, openMap, pageReady, signIn, staffApi, startAll } from "./harness.mjs";

const PASSWORD = "lang-genoeg-wachtwoord";
let env, admin, worker, event;

before(async () => {
  env = await startAll({ areas: true });
  addStaff(env.app, "admin", "beheer@gemeente.nl", PASSWORD);
  addStaff(env.app, "worker", "opbouw@welzijn.nl", PASSWORD, ["GM0505"]);
  addStaff(env.app, "advisor", "beleid@gemeente.nl", PASSWORD, ["GM0505"]);
  admin = await signIn(env.app, "beheer@gemeente.nl", PASSWORD);
  worker = await signIn(env.app, "opbouw@welzijn.nl", PASSWORD);
  const today = new Date().toISOString().slice(0, 10);
  event = await staffApi(env.app, worker, "POST", "/events", { campaign: "default", name: "Pleinfeest", place: "Bagijnhof", day: today });
});
after(async () => { await env?.close(); });

/** A page that records every CSP violation (from the document's own event, and the console). */
async function watchedPage(device, cookie) {
  const context = await env.browser.newContext({ ...device, locale: "nl-NL" });
  if (cookie) {
    const [name, value] = cookie.split("=");
    await context.addCookies([{ name, value, url: env.app.url }]);
  }
  // Injected by the browser driver, not by the page: the page's CSP does not apply to it.
  await context.addInitScript(() => {
    window.__csp = [];
    document.addEventListener("securitypolicyviolation", (e) => {
      window.__csp.push(`${e.violatedDirective}: ${e.blockedURI || "inline"} (${e.sourceFile}:${e.lineNumber})`);
    });
  });
  const page = await context.newPage();
  const console = [];
  page.on("console", (m) => { if (/Content.Security.Policy/i.test(m.text())) console.push(m.text()); });
  return { context, page, console };
}

async function violations(w) {
  const inPage = await w.page.evaluate(() => window.__csp || []);
  return [...inPage, ...w.console];
}

test("no page raises a CSP violation, with JavaScript on and used", async () => {
  // A resident maps a barrier with the form: search an address, tap the map, send.
  const resident = await watchedPage(PHONE);
  const page = resident.page;
  await page.goto(`${env.app.url}/meedoen/drempel`);
  await pageReady(page);
  await page.getByLabel("Slechte verlichting").check();
  // An address search (a server function), then a tap on the map (Leaflet and its tiles).
  await page.fill("#f-address", "Bolstraat 1 Utrecht");
  await page.getByRole("button", { name: "Zoek adres" }).click();
  await page.getByRole("button", { name: /Bolstraat/ }).first().click();
  await page.waitForFunction(() => document.querySelector("[data-lon]").value !== "");
  const map = page.locator("[data-map=picker]");
  await openMap(page);
  await map.scrollIntoViewIfNeeded();
  const box = await map.boundingBox();
  await page.mouse.click(box.x + box.width / 2 + 10, box.y + box.height / 2);
  await page.getByLabel("Mensen kunnen hierdoor niet gaan").check();
  assert.deepEqual(await violations(resident), [], "the form, the map and the address search");
  await page.getByRole("button", { name: "Versturen" }).click();
  await resident.page.waitForURL(/\/bedankt\//);
  const thanks = resident.page.url();
  const id = thanks.match(/bedankt\/([0-9a-f-]+)/)[1];
  const ownLink = await resident.page.locator(`a[href^="/mijn/${id}"]`).first().getAttribute("href");
  assert.deepEqual(await violations(resident), [], "the form, the map and sending");

  const visits = [
    [PHONE, null, ["/", "/meedoen/plek", "/meedoen/wens", "/kaart", `/melding/${id}`, ownLink, "/campagne/default", "/privacy", "/toegankelijkheid", "/bestaat-niet"]],
    [LAPTOP, null, ["/inzicht?level=buurt&kind=barrier", "/inzicht/gebied/GM0505", "/inzicht/gebied/BU05050101", "/inzicht/gebied/GM0505/gedaan"]],
    [LAPTOP, admin.cookie, ["/staff", "/staff/meldingen", "/staff/talenten?gemeente=GM0505", "/staff/campagnes", "/staff/campagnes/default", "/staff/gebruikers", "/staff/logboek"]],
    [LAPTOP, worker.cookie, ["/staff/evenementen", `/staff/evenementen/${event.id}/poster`]],
  ];
  for (const [device, cookie, paths] of visits) {
    const w = await watchedPage(device, cookie);
    for (const path of paths) {
      await w.page.goto(`${env.app.url}${path}`);
      await pageReady(w.page);
      if (await w.page.locator("[data-map]").count()) {
        await w.page.waitForSelector("[data-map][data-map-ready]", { timeout: 20000 });
      }
      const heat = w.page.locator("[data-heatmap-toggle]");
      if (await heat.count()) {
        await heat.check();
        await w.page.waitForSelector("[data-map][data-heatmap-cells]", { timeout: 10000 });
      }
      assert.deepEqual(await violations(w), [], path);
    }
    await w.context.close();
  }

  // The kiosk: the tablet link, a kind, a language.
  const tablet = await watchedPage({ viewport: { width: 800, height: 1280 }, isMobile: true, hasTouch: true });
  await tablet.page.goto(`${env.app.url}${event.kiosk_url}`);
  await tablet.page.waitForURL(/\/kiosk\//);
  await pageReady(tablet.page);
  await tablet.page.locator("a[hreflang=en]").click();
  await tablet.page.waitForURL(/taal=en/);
  await tablet.page.locator("a.kiosk-kind").first().click();
  await tablet.page.waitForURL(/\/kiosk\/[^/]+\/(plek|drempel|wens)/);
  await pageReady(tablet.page);
  assert.deepEqual(await violations(tablet), [], "the kiosk");
  await tablet.context.close();
  await resident.context.close();
});

test("a script that reaches a page does not run", async () => {
  // What an attacker would try: the policy refuses an inline script the server did not sign.
  const w = await watchedPage(PHONE);
  await w.page.goto(`${env.app.url}/privacy`);
  const ran = await w.page.evaluate(() => {
    window.__ran = false;
    const s = document.createElement("script");
    s.textContent = "window.__ran = true";
    document.body.appendChild(s);
    return window.__ran;
  });
  assert.equal(ran, false, "an unsigned inline script is blocked");
  const seen = await violations(w);
  assert.ok(seen.some((v) => v.startsWith("script-src")), JSON.stringify(seen));
  await w.context.close();
});

test("an area name from a boundary file is shown as text on the map, never as markup", async () => {
  // A municipality's buurt file whose gemeentenaam carries markup: the name reaches the dashboard's
  // map tooltips (Leaflet puts string content in as HTML).
  const marked = '<img src="x" id="smuggled">Gemeente';
  const dir = mkdtempSync(join(tmpdir(), "trefpunt-e2e-names-"));
  const file = join(dir, "buurt.geojson");
  writeFileSync(file, JSON.stringify({
    type: "FeatureCollection",
    features: [{
      type: "Feature",
      properties: { cbsCode: "BU99990101", naam: "Proefbuurt", gemeentenaam: marked },
      // West of the Drechtsteden, large enough for a sweep of the mouse to cross.
      geometry: { type: "Polygon", coordinates: [[[4.40, 51.70], [4.50, 51.70], [4.50, 51.78], [4.40, 51.78], [4.40, 51.70]]] },
    }],
  }));
  execFileSync(binary, ["import-areas", file, "--level", "buurt"], {
    env: { ...process.env, TREFPUNT_DATABASE_URL: env.app.dbUrl }, stdio: "pipe",
  });
  const w = await watchedPage(LAPTOP);
  await w.page.goto(`${env.app.url}/inzicht?level=gemeente`);
  await w.page.waitForSelector("[data-map=choropleth][data-map-ready=loaded]", { timeout: 20000 });
  // The map draws on a canvas: sweep the mouse over it until the marked gemeente's tooltip shows.
  const mapElement = w.page.locator("[data-map=choropleth]");
  await mapElement.scrollIntoViewIfNeeded();
  const box = await mapElement.boundingBox();
  let shown = null;
  for (let y = 0.05; y < 1 && !shown; y += 0.05) {
    for (let x = 0.03; x < 1 && !shown; x += 0.03) {
      await w.page.mouse.move(box.x + x * box.width, box.y + y * box.height);
      shown = await w.page.evaluate(() => {
        const tip = document.querySelector(".leaflet-tooltip");
        return tip && tip.textContent.includes("Gemeente")
          ? { text: tip.textContent, elements: tip.querySelectorAll("img").length }
          : null;
      });
    }
  }
  assert.ok(shown, "the marked gemeente's tooltip was shown");
  assert.ok(shown.text.startsWith(marked), shown.text);
  assert.equal(shown.elements, 0, "no element made from the name");
  assert.equal(await w.page.locator("#smuggled").count(), 0);
  await w.context.close();
  rmSync(dir, { recursive: true, force: true });
});
