// Walking coverage on an advisor's laptop: the national 2014 buurten and the real OpenStreetMap
// network of Amsterdam inside the A10, imported as an operator would, with three buurthuizen the
// municipality knows. The advisor goes from the dashboard to "Op loopafstand", asks for slow walkers,
// sees the grid on the map and the same figures as a table, and opens an area's profile.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { LAPTOP, axe, binary, launchBrowser, phonePage, sharedData, startPdokStandin, startTrefpunt } from "./harness.mjs";

let pdok, app, browser;
before(async () => {
  const dir = mkdtempSync(join(tmpdir(), "trefpunt-e2e-"));
  const dbUrl = `sqlite://${dir}/trefpunt.db`;
  const run = (...args) => execFileSync(binary, args, { env: { ...process.env, TREFPUNT_DATABASE_URL: dbUrl }, stdio: "pipe" }).toString();
  run("import-areas", join(sharedData, "boundaries/nl_buurten_2014_coarse.topojson"), "--level", "buurt", "--year", "2014");
  const network = run("import-network", join(sharedData, "network/amsterdam_a10_walk_osm.geojson"));
  assert.match(network, /imported {2}29717 segments/);
  // Buurthuizen at real street corners of De Pijp, Oost and the Oosterdok (as a municipality's list).
  const known = { type: "FeatureCollection", features: [
    [4.89370, 52.35510, "De Pijp"], [4.92150, 52.35900, "Oost"], [4.90860, 52.37590, "Oosterdok"],
  ].map(([lon, lat, naam]) => ({ type: "Feature", properties: { soort: "buurthuis", naam }, geometry: { type: "Point", coordinates: [lon, lat] } })) };
  writeFileSync(join(dir, "buurthuizen.geojson"), JSON.stringify(known));
  run("import-places", join(dir, "buurthuizen.geojson"), "--category-field", "soort", "--map", "buurthuis=community_centre");
  pdok = await startPdokStandin();
  app = await startTrefpunt(pdok.url, {}, { dir });
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await app?.stop();
  await pdok?.close();
});

test("an advisor sees which Amsterdam buurten have no meeting place within walking distance", async () => {
  const { page, context, problems } = await phonePage(browser, { device: LAPTOP });
  await page.goto(`${app.url}/inzicht`);
  await page.getByRole("link", { name: /Op loopafstand/ }).click();
  await page.waitForURL(/\/inzicht\/bereik$/);
  await page.getByLabel("Gemeente", { exact: true }).selectOption("GM0363");
  await page.getByLabel("Gebied", { exact: true }).selectOption("buurt");
  await page.getByLabel("Minuten lopen").fill("10");
  await page.getByLabel(/Langzaam en zonder trappen/).check();
  await page.getByRole("button", { name: "Toon", exact: true }).click();
  await page.waitForURL(/profile=slow/);

  // The map draws the grid and the places.
  await page.waitForSelector('[data-map="coverage"][data-map-ready="yes"]', { timeout: 30000 });
  assert.ok(await page.locator(".coverage-map canvas").count() > 0, "the grid is drawn");

  // The table: every buurt of Amsterdam, the largest surface beyond reach first (2014 buurten have
  // no inhabitants), with the three buurthuizen counted in their buurten.
  const table = page.getByRole("table");
  const rows = table.locator("tbody tr");
  assert.ok(await rows.count() > 50);
  const places = await rows.locator("td:nth-child(6)").allInnerTexts();
  assert.equal(places.map(Number).reduce((a, b) => a + b, 0), 3);
  const beyond = (await rows.locator("td:nth-child(8)").allInnerTexts()).map((t) => Number(t.replace(/\./g, "").replace(",", ".")));
  for (let i = 1; i < beyond.length; i++) assert.ok(beyond[i - 1] >= beyond[i], `sorted: ${beyond.slice(0, 10)}`);
  await page.getByText("Zonder inwonertallen per buurt tellen we naar oppervlakte").waitFor();

  // The same figures come from the API for the same question.
  const api = await (await fetch(`${app.url}/api/v1/coverage?gemeente=GM0363&level=buurt&minutes=10&profile=slow`)).json();
  const pijpRow = api.find((r) => r.places === 1 && r.area_name === "Oude Pijp");
  assert.ok(pijpRow, JSON.stringify(api.filter((r) => r.places > 0)));
  const cell = table.locator("tr", { has: page.getByRole("link", { name: "Oude Pijp" }) }).locator("td:nth-child(3)");
  const pct = Math.round(pijpRow.share_within * 1000) / 10;
  assert.equal(await cell.innerText(), `${(pct >= 100 ? pct.toFixed(0) : pct.toFixed(1)).replace(".", ",")} %`);

  assert.deepEqual(await axe(page), []);

  // The area profile shows its own coverage, both profiles, with and without barriers.
  await page.getByRole("link", { name: "Oude Pijp" }).click();
  await page.waitForURL(/\/inzicht\/gebied\/BU0363/);
  const own = page.locator("section", { has: page.getByRole("heading", { name: "Op loopafstand (10 minuten)" }) });
  assert.equal(await own.locator("tbody tr").count(), 4);
  await own.getByText("Langzaam en zonder trappen").first().waitFor();
  assert.deepEqual(problems, []);
  await context.close();
});
