// Page weight: the bytes a resident's phone downloads for the first page (HTML, CSS, JS, WASM, Leaflet,
// icons; no map tiles), raw and brotli. Chromium loads each page at phone size and we record every
// request; each resource is then fetched again as raw bytes and with `Accept-Encoding: br` (Chromium only
// asks for brotli over https). Exits 1 above the budget, so the test command fails.
//   node bench/page_weight.mjs [--budget-kb 300]
import { PHONE, hydrated, launchBrowser, startPdokStandin, startTrefpunt } from "../tests/e2e/harness.mjs";

const args = process.argv.slice(2);
const budgetKb = Number(args[args.indexOf("--budget-kb") + 1] || 300);
const budget = budgetKb * 1000;
const PAGES = [
  ["start page", "/"],
  ["barrier form (with map)", "/meedoen/drempel"],
  ["public map", "/kaart"],
];

async function encodedSize(url, encoding) {
  // Raw HTTP so the body is counted as it travels.
  const { request } = await import("node:http");
  return new Promise((resolve, reject) => {
    const req = request(url, { headers: { "accept-encoding": encoding } }, (res) => {
      let bytes = 0;
      res.on("data", (c) => (bytes += c.length));
      res.on("end", () => resolve({ status: res.statusCode, encoding: res.headers["content-encoding"] || "identity", bytes }));
    });
    req.on("error", reject);
    req.end();
  });
}

const pdok = await startPdokStandin();
const app = await startTrefpunt(pdok.url);
const browser = await launchBrowser();
let failed = false;
try {
  const rows = [];
  for (const [name, path] of PAGES) {
    const context = await browser.newContext(PHONE);
    const page = await context.newPage();
    const urls = new Set();
    page.on("request", (req) => {
      const u = req.url();
      if (u.startsWith(app.url)) urls.add(u); // tiles come from the stand-in, not counted
    });
    await page.goto(app.url + path, { waitUntil: "networkidle" });
    await hydrated(page);
    await page.waitForLoadState("networkidle");
    let raw = 0, br = 0;
    const detail = [];
    for (const u of urls) {
      const r = await encodedSize(u, "identity");
      const b = await encodedSize(u, "br");
      raw += r.bytes;
      br += b.bytes;
      detail.push(`    ${new URL(u).pathname.padEnd(44)} ${String(r.bytes).padStart(9)} ${String(b.bytes).padStart(9)}  ${b.encoding}`);
    }
    rows.push({ name, path, raw, br, detail });
    await context.close();
  }
  console.log(`page weight (bytes; budget ${budgetKb} KB brotli per page)`);
  console.log(`    ${"resource".padEnd(44)} ${"raw".padStart(9)} ${"brotli".padStart(9)}`);
  for (const r of rows) {
    const over = r.br > budget;
    failed ||= over;
    console.log(`${r.name} ${r.path}: ${(r.raw / 1000).toFixed(1)} KB raw, ${(r.br / 1000).toFixed(1)} KB brotli${over ? "  OVER BUDGET" : ""}`);
    for (const d of r.detail) console.log(d);
  }
} finally {
  await browser.close();
  await app.stop();
  await pdok.close();
}
if (failed) {
  console.error(`page weight: over the budget of ${budgetKb} KB brotli`);
  process.exit(1);
}
