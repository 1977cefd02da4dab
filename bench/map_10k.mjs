// Browser benchmark (issue 3): how long until the public map is interactive on a phone viewport with
// 10,000 stored entries, and the advisors' dashboard on a laptop with the same entries. Seeds a fresh
// server (with the Drechtsteden areas imported) through the real API, entries clustered inside the
// Drechtsteden buurten of ../shared/data, then loads /kaart in Chromium at 390×844 five times and
// /inzicht at 1366×768 three times.
//   node bench/map_10k.mjs [--entries 10000]
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { LAPTOP, PHONE, launchBrowser, sharedData, startPdokStandin, startTrefpunt } from "../tests/e2e/harness.mjs";

const args = process.argv.slice(2);
const total = Number(args[args.indexOf("--entries") + 1] || 10000);

// Centres: the first vertex of each Drechtsteden buurt, so the points lie where people live.
const buurten = JSON.parse(readFileSync(join(sharedData, "boundaries/drechtsteden_buurten_2023.geojson"), "utf8"));
const centres = buurten.features.map((f) => f.geometry.coordinates[0][0][0]);
let seed = 42;
const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
const KINDS = [["place", "bench"], ["barrier", "steps"], ["wish", "activity"]];

const pdok = await startPdokStandin();
const app = await startTrefpunt(pdok.url, { TREFPUNT_RATE_LIMIT_PER_MINUTE: "0" }, { areas: true });
const browser = await launchBrowser();
try {
  const t0 = Date.now();
  for (let done = 0; done < total; ) {
    const batch = [];
    for (let i = 0; i < 32 && done < total; i++, done++) {
      const [lon, lat] = centres[Math.floor(rnd() * centres.length)];
      const [kind, category] = KINDS[done % 3];
      const body = {
        id: crypto.randomUUID(), respondent: crypto.randomUUID(), kind, category, language: "nl",
        location: { lon: lon + (rnd() - 0.5) * 0.004, lat: lat + (rnd() - 0.5) * 0.003 },
        details: kind === "barrier" ? { severity: 2 } : {},
      };
      batch.push(fetch(`${app.url}/api/v1/submissions`, {
        method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body),
      }).then((r) => { if (r.status !== 201) throw new Error(`seed: HTTP ${r.status}`); }));
    }
    await Promise.all(batch);
  }
  const seedMs = Date.now() - t0;

  const runs = [];
  for (let i = 0; i < 5; i++) {
    const context = await browser.newContext(PHONE);
    const page = await context.newPage();
    const start = Date.now();
    await page.goto(`${app.url}/kaart`);
    await page.waitForSelector("[data-map=public][data-map-ready=loaded]", { timeout: 60000 });
    const ready = Date.now() - start;
    const shown = Number(await page.getAttribute("[data-map=public]", "data-entries"));
    // Interactive: a zoom step renders within this time.
    const z = Date.now();
    await page.locator(".leaflet-control-zoom-in").click();
    await page.waitForTimeout(50);
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    runs.push({ ready, zoom: Date.now() - z, shown, drawn: Number(await page.getAttribute("[data-map=public]", "data-drawn")) });
    await context.close();
  }

  const dash = [];
  for (let i = 0; i < 3; i++) {
    const context = await browser.newContext(LAPTOP);
    const page = await context.newPage();
    const start = Date.now();
    await page.goto(`${app.url}/inzicht?level=buurt`);
    await page.waitForSelector("[data-map=choropleth][data-map-ready=loaded]", { timeout: 60000 });
    const ready = Date.now() - start;
    const h = Date.now();
    await page.locator("[data-heatmap-toggle]").check();
    await page.waitForSelector("[data-map=choropleth][data-heatmap-cells]", { timeout: 60000 });
    dash.push({ ready, heat: Date.now() - h, coloured: Number(await page.getAttribute("[data-map=choropleth]", "data-coloured")) });
    await context.close();
  }
  const med = (xs) => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  console.log(`public map with ${total} entries (seeded through the API in ${(seedMs / 1000).toFixed(1)} s), phone 390x844, 5 loads:`);
  console.log(`  time until interactive (markers drawn)  median ${med(runs.map((r) => r.ready))} ms  [${runs.map((r) => r.ready).join(", ")}]`);
  console.log(`  zoom step until next frames             median ${med(runs.map((r) => r.zoom))} ms`);
  console.log(`  entries on the map                      ${runs[0].shown} (drawn as ${runs[0].drawn} shapes: clusters and dots)`);
  console.log(`dashboard /inzicht?level=buurt with the same entries, laptop 1366x768, 3 loads:`);
  console.log(`  time until the choropleth is drawn      median ${med(dash.map((r) => r.ready))} ms  [${dash.map((r) => r.ready).join(", ")}]`);
  console.log(`  density layer after the toggle          median ${med(dash.map((r) => r.heat))} ms`);
  console.log(`  buurten coloured (released counts)      ${dash[0].coloured}`);
} finally {
  await browser.close();
  await app.stop();
  await pdok.close();
}
