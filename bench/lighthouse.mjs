// Lighthouse on the resident pages (run through bench/lighthouse.sh, which installs the pinned
// Lighthouse): the first view of each page as a phone on slow 4G sees it (Lighthouse's mobile
// defaults: simulated throttling, 150 ms RTT, 1.6 Mbps, 4x CPU slowdown). Prints the median of
// `runs` per page: LCP, Total Blocking Time, the performance and accessibility scores, and the bytes
// Lighthouse saw transferred. A benchmark, not a test: it prints, the goals are beside the figures.
//   node bench/lighthouse.mjs [runs]
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { root, startPdokStandin, startTrefpunt } from "../tests/e2e/harness.mjs";
import { seedResidentPages } from "./resident_pages.mjs";

const runs = Number(process.argv[2] || 5);
const lib = join(root, "bench/.lighthouse/node_modules");
const { default: lighthouse } = await import(pathToFileURL(join(lib, "lighthouse/core/index.js")));
const chromeLauncher = await import(pathToFileURL(join(lib, "chrome-launcher/dist/index.js")));

const GOALS = { lcp: 1500, tbt: 50, performance: 0.99, accessibility: 1 };

const pdok = await startPdokStandin();
// No page here draws the basemap on its first view (the form's map waits for a tap).
const app = await startTrefpunt(pdok.url);
const chrome = await chromeLauncher.launch({
  chromePath: process.env.CHROMIUM || "/usr/bin/chromium",
  chromeFlags: ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
});

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
};

try {
  const seeded = await seedResidentPages(app);
  const pages = [
    ["start page", "/"],
    ["place form", "/meedoen/plek"],
    ["barrier form", "/meedoen/drempel"],
    ["wish form", "/meedoen/wens"],
    ["kiosk form", seeded.kiosk, seeded.kioskCookies.map((c) => `${c.name}=${c.value}`).join("; ")],
    ["survey", seeded.survey],
    ["private link page", seeded.own],
  ];
  console.log(`Lighthouse ${lighthouse.version ?? "12.8.2"}, mobile, simulated slow 4G, median of ${runs}`);
  console.log(`goals: LCP <= ${GOALS.lcp} ms, TBT <= ${GOALS.tbt} ms, performance >= ${GOALS.performance}, accessibility = ${GOALS.accessibility}`);
  console.log(`${"page".padEnd(20)} ${"LCP ms".padStart(7)} ${"TBT ms".padStart(7)} ${"perf".padStart(5)} ${"a11y".padStart(5)} ${"bytes".padStart(8)}`);
  for (const [name, path, cookie] of pages) {
    const results = [];
    for (let i = 0; i < runs; i++) {
      const r = await lighthouse(app.url + path, {
        port: chrome.port,
        output: "json",
        logLevel: "error",
        onlyCategories: ["performance", "accessibility"],
        extraHeaders: cookie ? { Cookie: cookie } : undefined,
        // Every run a first visit: no cache, no service worker from the run before.
        disableStorageReset: false,
      });
      if (r.lhr.runtimeError) throw new Error(`${name}: Lighthouse could not measure: ${r.lhr.runtimeError.message}`);
      const a = r.lhr.audits;
      results.push({
        lcp: a["largest-contentful-paint"].numericValue,
        tbt: a["total-blocking-time"].numericValue,
        perf: r.lhr.categories.performance.score,
        a11y: r.lhr.categories.accessibility.score,
        bytes: a["total-byte-weight"].numericValue,
        failing: Object.values(a).filter((x) => x.score === 0 && x.scoreDisplayMode === "binary").map((x) => x.id),
      });
    }
    const m = {
      lcp: median(results.map((r) => r.lcp)),
      tbt: median(results.map((r) => r.tbt)),
      perf: median(results.map((r) => r.perf)),
      a11y: median(results.map((r) => r.a11y)),
      bytes: median(results.map((r) => r.bytes)),
    };
    const met = m.lcp <= GOALS.lcp && m.tbt <= GOALS.tbt && m.perf >= GOALS.performance && m.a11y >= GOALS.accessibility;
    console.log(`${name.padEnd(20)} ${m.lcp.toFixed(0).padStart(7)} ${m.tbt.toFixed(0).padStart(7)} ${m.perf.toFixed(2).padStart(5)} ${m.a11y.toFixed(2).padStart(5)} ${String(Math.round(m.bytes)).padStart(8)}  ${met ? "meets the goals" : "MISSES a goal"}`);
    const failing = [...new Set(results.flatMap((r) => r.failing))];
    if (failing.length) console.log(`${"".padEnd(20)} failing audits: ${failing.join(", ")}`);
  }
} finally {
  await chrome.kill();
  await app.stop();
  await pdok.close();
}
