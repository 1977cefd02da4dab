// Test harness: a fresh Trefpunt server (real binary, real SQLite file in a temp dir) on a free port, a
// stand-in for PDOK (Locatieserver replaying recorded responses, and a tile server), and Debian's
// Chromium driven by playwright-core. Everything listens on 127.0.0.1 and is stopped afterwards.
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, existsSync } from "node:fs";
import { createServer, request as httpRequest } from "node:http";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const here = dirname(fileURLToPath(import.meta.url));
export const root = resolve(here, "../..");
export const sharedData = resolve(root, "../shared/data");
const targetDir = process.env.CARGO_TARGET_DIR || join(root, "target");
export const binary = process.env.TREFPUNT_BIN || join(targetDir, "release", "trefpunt");
export const siteRoot = process.env.LEPTOS_SITE_ROOT || join(targetDir, "site");

// A 256×256 light-grey PNG: what the tile stand-in serves for every tile.
const TILE = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAQAAAAEACAIAAADTED8xAAACAElEQVR42u3TQQkAAAgEweuf1IdgBd9mcGASLGyqB96KBBgADAAGAAOAAcAAYAAwABgADAAGAAOAAcAAYAAwABgADAAGAAOAAcAAYAAwABgADAAGAAOAAcAAYAAwABgADAAGAAOAAcAAYAAwABgADAAGAAOAAcAAYAAwABgADAAGwAAqYAAwABgADAAGAAOAAcAAYAAwABgADAAGAAOAAcAAYAAwABgADAAGAAOAAcAAYAAwABgADAAGAAOAAcAAYAAwABgADAAGAAOAAcAAYAAwABgADAAGAAOAAcAAYAAwABgAA4ABwABgADAAGAAMAAYAA4ABwABgADAAGAAMAAYAA4ABwABgADAAGAAMAAYAA4ABwABgADAAGAAMAAYAA4ABwABgADAAGAAMAAYAA4ABwABgADAAGAAMAAYAA4ABwAAYQAUMAAYAA4ABwABgADAAGAAMAAYAA4ABwABgADAAGAAMAAYAA4ABwABgADAAGAAMAAYAA4ABwABgADAAGAAMAAYAA4ABwABgADAAGAAMAAYAA4ABwABgADAAGAAMAAYAA2AAMAAYAAwABgADgAHAAGAAMAAYAAwABgADgAHAAGAAMAAYAAwABgADgAHAAGAAMAAYAAwABgADgAHAAGAAMAAYAAwABgADgAHAAGAAMAAYAAwABgADgAHAAHAt3Lkpbv6qiO0AAAAASUVORK5CYII=",
  "base64",
);

const LOCATIESERVER_PARAMS = ["q", "lat", "lon", "fl", "fq", "df", "qf", "bq", "start", "rows", "sort", "wt"];

function locatieserverFixture(q) {
  q = (q || "").toLowerCase();
  if (q.includes("bolstraat")) return "v3_1_free_adres_bolstraat-utrecht__foarsitter.json";
  if (q.includes("1118cp") && q.includes("202")) return "v3_free_adres_1118CP-202_rows1__nickurt.json";
  if (q.includes("1118cp")) return "v3_free_postcode-1118CP_rows1__nickurt.json";
  if (q.trim() === "utrecht") return "v3_1_free_gemeente-utrecht_q-utrecht__openforms.json";
  return "v3_free_empty_numFound0__nickurt.json";
}

/** PDOK stand-in: Locatieserver v3.1 /free (refusing unknown parameters like the real one) and tiles. */
export async function startPdokStandin() {
  const dir = join(sharedData, "pdok/locatieserver");
  const server = createServer((req, res) => {
    const url = new URL(req.url, "http://localhost");
    if (url.pathname === "/bzk/locatieserver/search/v3_1/free") {
      const unknown = [...url.searchParams.keys()].some((k) => !LOCATIESERVER_PARAMS.includes(k));
      const file = unknown ? "v3_1_free_error400_undefined-field__openforms.json" : locatieserverFixture(url.searchParams.get("q"));
      res.writeHead(unknown ? 400 : 200, { "content-type": "application/json" });
      res.end(readFileSync(join(dir, file)));
    } else if (/^\/tiles\/\d+\/\d+\/\d+\.png$/.test(url.pathname)) {
      res.writeHead(200, { "content-type": "image/png", "cache-control": "max-age=3600", "access-control-allow-origin": "*" });
      res.end(TILE);
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address();
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise((r) => server.close(r)) };
}

/** `trefpunt user add`, as an operator runs it, against a running server's database. */
export function addStaff(app, role, email, password, gemeenten = []) {
  const where = gemeenten.flatMap((g) => ["--gemeente", g]);
  execFileSync(binary, ["user", "add", "--role", role, "--password-stdin", ...where, email], {
    env: { ...process.env, TREFPUNT_DATABASE_URL: app.dbUrl }, input: `${password}\n`, stdio: ["pipe", "pipe", "pipe"],
  });
}

/** The Drechtsteden buurten and wijken (CBS 2023) with their inhabitants, as an operator imports them. */
function importDrechtsteden(dbUrl) {
  const run = (...args) => execFileSync(binary, args, { env: { ...process.env, TREFPUNT_DATABASE_URL: dbUrl }, stdio: "pipe" });
  run("import-areas", join(sharedData, "boundaries/drechtsteden_buurten_2023.geojson"), "--level", "buurt", "--year", "2023");
  run("import-areas", join(sharedData, "boundaries/drechtsteden_wijken_2023_derived.geojson"), "--level", "wijk", "--year", "2023");
  run("import-population", join(sharedData, "population/drechtsteden_buurten_2023_kwb.csv"));
}

/**
 * Starts the real server with a fresh database; resolves once it listens. `areas: true` imports the
 * Drechtsteden areas first.
 */
export async function startTrefpunt(pdokUrl, extraEnv = {}, { areas = false, dir: reuse } = {}) {
  if (!existsSync(binary)) throw new Error(`no server binary at ${binary}: run scripts/build.sh first`);
  // `dir`: start again on the database (and photos) a stopped or killed server left.
  const dir = reuse || mkdtempSync(join(tmpdir(), "trefpunt-e2e-"));
  if (areas && !reuse) importDrechtsteden(`sqlite://${dir}/trefpunt.db`);
  const child = spawn(binary, ["serve"], {
    env: {
      ...process.env,
      TREFPUNT_DATABASE_URL: `sqlite://${dir}/trefpunt.db`,
      LEPTOS_SITE_ADDR: "127.0.0.1:0",
      LEPTOS_SITE_ROOT: siteRoot,
      LEPTOS_OUTPUT_NAME: "trefpunt",
      TREFPUNT_LOCATIESERVER_URL: `${pdokUrl}/bzk/locatieserver/search/v3_1`,
      TREFPUNT_TILE_URL: `${pdokUrl}/tiles/{z}/{x}/{y}.png`,
      TREFPUNT_TILE_ATTRIBUTION: "Kaartgegevens &copy; Kadaster (test stand-in)",
      RUST_LOG: "warn,server=info,trefpunt=info",
      NO_COLOR: "1",
      ...extraEnv,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let log = "";
  const url = await new Promise((resolveUrl, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${log}`)), 30000);
    const onData = (d) => {
      log += d.toString();
      const m = log.match(/listening on (http:\/\/[0-9.:]+)/);
      if (m) {
        clearTimeout(timer);
        resolveUrl(m[1]);
      }
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    child.on("exit", (code) => reject(new Error(`server exited with ${code}:\n${log}`)));
  });
  const exited = () => new Promise((r) => (child.exitCode !== null || child.signalCode !== null ? r() : child.once("exit", r)));
  return {
    url,
    dir,
    dbUrl: `sqlite://${dir}/trefpunt.db`,
    log: () => log,
    /** Stops it the hard way, as a power cut would; the database stays for a restart. */
    async kill() {
      child.kill("SIGKILL");
      await exited();
    },
    async stop({ keep = false } = {}) {
      child.kill("SIGTERM");
      await exited();
      if (!keep) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * A local proxy in front of the server, on a port of its own: the browser's origin. `down()` cuts
 * the network for real (the port refuses connections; open ones are cut), which also stops a
 * service worker's own fetches, unlike Playwright's setOffline; `up()` brings it back on the same
 * port, so the origin (and its service worker and queue) stays the same; `target` may change to a
 * restarted server. `delayMs` slows every request, to catch a sync in the middle.
 */
export async function startProxy(target) {
  const sockets = new Set();
  const state = { target, delayMs: 0, requests: 0 };
  const server = createServer((req, res) => {
    state.requests++;
    const go = () => {
      const to = new URL(req.url, state.target);
      const upstream = httpRequest(to, { method: req.method, headers: { ...req.headers, host: to.host } }, (r) => {
        res.writeHead(r.statusCode, r.headers);
        r.pipe(res);
      });
      upstream.on("error", () => { res.destroy(); });
      req.pipe(upstream);
    };
    if (state.delayMs) setTimeout(go, state.delayMs);
    else go();
  });
  server.on("connection", (s) => { sockets.add(s); s.on("close", () => sockets.delete(s)); });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}`,
    state,
    async down() {
      await new Promise((r) => { server.close(() => r()); for (const s of sockets) s.destroy(); });
    },
    async up() {
      if (server.listening) return;
      await new Promise((r, reject) => { server.once("error", reject); server.listen(port, "127.0.0.1", r); });
    },
    close() { for (const s of sockets) s.destroy(); return new Promise((r) => server.close(() => r())); },
  };
}

/** Signs a staff member in over the API: the session cookie and its CSRF token. */
export async function signIn(app, email, password) {
  const r = await fetch(`${app.url}/api/v1/session`, {
    method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ email, password }),
  });
  if (r.status !== 200) throw new Error(`sign-in failed: ${r.status}`);
  const cookie = r.headers.get("set-cookie").split(";")[0];
  return { cookie, csrf: (await r.json()).csrf };
}

/** Signs a staff member in on the staff page, in a browser page, as a person does. */
export async function signInPage(page, app, email, password) {
  await page.goto(`${app.url}/staff`);
  await page.getByLabel("E-mailadres").fill(email);
  await page.getByLabel("Wachtwoord").fill(password);
  await page.getByRole("button", { name: "Inloggen" }).click();
  await page.getByRole("heading", { name: "Te bekijken" }).waitFor();
}

/** A staff API call with a session. */
export async function staffApi(app, session, method, path, body) {
  const r = await fetch(`${app.url}/api/v1${path}`, {
    method,
    headers: { cookie: session.cookie, "x-csrf-token": session.csrf, ...(body ? { "content-type": "application/json" } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await r.text();
  if (r.status >= 300) throw new Error(`${method} ${path}: ${r.status} ${text}`);
  return text ? JSON.parse(text) : null;
}

export async function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    args: [
      "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync",
    ],
  });
}

export const LAPTOP = { viewport: { width: 1366, height: 768 } };

export const PHONE = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true };

/** Everything a spec needs, started once per test file. */
export async function startAll(options = {}) {
  const pdok = await startPdokStandin();
  const app = await startTrefpunt(pdok.url, {}, options);
  const browser = await launchBrowser();
  return {
    pdok, app, browser,
    async close() {
      await browser.close();
      await app.stop();
      await pdok.close();
    },
  };
}

/** A new phone-sized page that records console errors and uncaught exceptions. */
export async function phonePage(browser, { javaScriptEnabled = true, geolocation, device = PHONE } = {}) {
  const context = await browser.newContext({
    ...device, javaScriptEnabled, locale: "nl-NL",
    ...(geolocation ? { geolocation, permissions: ["geolocation"] } : {}),
  });
  const page = await context.newPage();
  const problems = [];
  // A page's own status (422 for a form with errors, 404 for an unknown page) is asserted by the tests;
  // Chromium also logs it as a console error, which is not a problem of the page.
  const documents = new Set();
  page.on("response", (r) => { if (r.request().resourceType() === "document") documents.add(r.url()); });
  page.on("console", (m) => {
    if (m.type() !== "error") return;
    if (m.text().startsWith("Failed to load resource") && documents.has(m.location().url)) return;
    problems.push(`console: ${m.text()}`);
  });
  page.on("pageerror", (e) => problems.push(`pageerror: ${e.message}`));
  page.on("dialog", (d) => { problems.push(`dialog: ${d.message()}`); d.dismiss(); });
  return { context, page, problems };
}

/** A resident on a phone at `where` sends a wish of category "activity" with `text` (and the talent
 * they offer, if any) and lands on the thanks page: the still open phone, the wish's id and its
 * private link. */
export async function sendWish(env, where, text, talent) {
  const resident = await phonePage(env.browser, { geolocation: where });
  const page = resident.page;
  await page.goto(`${env.app.url}/meedoen/wens`);
  await pageReady(page);
  await page.getByLabel("Een activiteit").check();
  await page.getByRole("button", { name: "Gebruik mijn locatie" }).click();
  await page.waitForFunction(() => document.querySelector("[data-lon]").value !== "");
  await page.getByLabel(/Wil je nog iets vertellen/).fill(text);
  if (talent) await page.getByLabel("Waar kun of wil jij mee helpen?").fill(talent);
  await page.getByRole("button", { name: "Versturen" }).click();
  await page.waitForURL(/\/bedankt\//);
  const id = page.url().match(/bedankt\/([0-9a-f-]{36})/)[1];
  const privateLink = await page.locator("a.private-href").getAttribute("href");
  return { resident, id, privateLink };
}

/** Waits until the page is ready: loaded, and on a page with the resident form, form.js running
 * (it marks `<html data-form-ready>`; the form works before that too, as a plain POST). */
export async function pageReady(page) {
  await page.waitForLoadState("load");
  if ((await page.locator("form[data-entry-form]").count()) > 0) {
    try {
      await page.waitForSelector("html[data-form-ready]", { timeout: 30000 });
    } catch (e) {
      const state = await page.evaluate(() => ({
        url: location.href,
        readyState: document.readyState,
        scripts: performance.getEntriesByType("resource")
          .filter((r) => r.name.includes("/js/"))
          .map((r) => `${new URL(r.name).pathname} ${Math.round(r.duration)} ms ${r.responseStatus ?? ""}`),
      })).catch((err) => ({ unavailable: String(err) }));
      throw new Error(`${e.message}\npage state: ${JSON.stringify(state)}`);
    }
  }
}

/** Opens the resident form's map (Leaflet is loaded on that first tap) and waits until it is drawn. */
export async function openMap(page) {
  const open = page.locator("[data-map=picker] [data-map-open]");
  if (await open.count()) await open.click();
  await page.waitForSelector("[data-map=picker].leaflet-container");
}

/** Runs axe-core with the WCAG 2.1 A and AA rules; returns the violations. */
export async function axe(page) {
  const source = readFileSync(join(root, "node_modules/axe-core/axe.min.js"), "utf8");
  // Evaluated by the driver: an inline <script> tag would be (rightly) refused by the page's CSP.
  await page.evaluate(source);
  const result = await page.evaluate(async () =>
    // eslint-disable-next-line no-undef
    axe.run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] } }),
  );
  return result.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).join(", ")})`);
}

/**
 * axe-core for a page as a browser without JavaScript shows it. axe itself needs JavaScript, so the HTML
 * a no-JS page received is shown again in a normal page, with every script removed and the `<noscript>`
 * styles applied, exactly as the no-JS browser rendered it.
 */
export async function axeWithoutJs(browser, url, html) {
  const staticHtml = html
    .replace(/<noscript>([\s\S]*?)<\/noscript>/g, "$1")
    .replace(/<script\b[\s\S]*?<\/script>/g, "")
    .replace(/<link[^>]+rel="modulepreload"[^>]*>/g, "");
  const context = await browser.newContext(PHONE);
  const page = await context.newPage();
  await page.route(url, (r) => r.fulfill({ status: 200, contentType: "text/html; charset=utf-8", body: staticHtml }));
  await page.route(/\.(js|wasm)(\?.*)?$/, (r) => r.abort());
  await page.goto(url);
  const violations = await axe(page);
  await context.close();
  return violations;
}

export async function entries(app) {
  const r = await fetch(`${app.url}/api/v1/submissions?limit=10000`);
  return r.json();
}
