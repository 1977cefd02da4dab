// The advisors' dashboard on a laptop: residents report barriers through the resident page (on their
// phones, at their own location), then the dashboard shows the Drechtsteden buurten as a choropleth
// with a legend, a sortable table, the density layer and an area profile, with small counts hidden.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { LAPTOP, addStaff, axe, axeWithoutJs, pageReady, phonePage, startAll } from "./harness.mjs";

let env;
before(async () => { env = await startAll({ areas: true }); });
after(async () => { await env?.close(); });

// Three points in Dordrecht: six residents report in one buurt; in another wijk, five in Zuidhoven
// and one in Crabbehof-Zuid. The lone resident's buurt is hidden; the six and the five are shown
// (entry counts exactly, as the public map lists the entries; the number of residents with noise).
const BUSY = { latitude: 51.8133, longitude: 4.6901 };
const SECOND = { latitude: 51.79466, longitude: 4.6728 };
const QUIET = { latitude: 51.7905, longitude: 4.6655 };

/** One resident, on their own phone, reports poor lighting where they stand. */
async function reportAt(position) {
  const { page, context, problems } = await phonePage(env.browser, { geolocation: position });
  await page.goto(`${env.app.url}/meedoen/drempel`);
  await pageReady(page);
  await page.getByLabel("Slechte verlichting").check();
  await page.getByLabel("Een beetje lastig").check();
  await page.getByRole("button", { name: "Gebruik mijn locatie" }).click();
  await page.waitForFunction(() => document.querySelector("[data-lon]").value !== "");
  await page.getByRole("button", { name: "Versturen" }).click();
  await page.waitForURL(/\/bedankt\//);
  assert.deepEqual(problems, []);
  await context.close();
}

/** The released barrier totals per buurt, as the API gives them. */
async function barrierTotals() {
  const r = await fetch(`${env.app.url}/api/v1/aggregates?level=buurt&kind=barrier`);
  return (await r.json()).filter((f) => f.kind === "barrier" && f.category === null);
}

test("the dashboard shows what residents reported per Drechtsteden buurt, without small counts", async () => {
  for (let i = 0; i < 6; i++) await reportAt(BUSY);
  for (let i = 0; i < 5; i++) await reportAt(SECOND);
  await reportAt(QUIET);
  const figures = await barrierTotals();
  const busy = figures.find((f) => f.count === 6);
  assert.ok(busy, `a buurt with 6 released: ${JSON.stringify(figures)}`);
  const hidden = figures.filter((f) => f.suppressed);
  assert.deepEqual(hidden.map((f) => f.area_name).sort(), ["Crabbehof-Zuid"]);
  assert.ok(figures.some((f) => f.area_name === "Zuidhoven" && f.count === 5), "five residents are enough");

  const { page, context, problems } = await phonePage(env.browser, { device: LAPTOP });
  await page.goto(`${env.app.url}/`);
  await page.getByRole("link", { name: "Inzicht" }).click();
  await page.waitForURL(/\/inzicht$/);
  // Choose through the filter form, as an advisor would.
  await page.getByLabel("Gebied", { exact: true }).selectOption("buurt");
  await page.getByLabel("Soort", { exact: true }).selectOption("barrier");
  await page.getByLabel("Toon op de kaart", { exact: true }).selectOption("count");
  await page.getByRole("button", { name: "Toon", exact: true }).click();
  await page.waitForURL(/level=buurt/);
  assert.match(page.url(), /kind=barrier/);

  const map = page.locator("[data-map=choropleth]");
  await page.waitForSelector("[data-map=choropleth][data-map-ready=loaded]", { timeout: 20000 });
  assert.equal(await map.getAttribute("data-areas"), "358", "every Drechtsteden buurt is drawn");
  assert.equal(await map.getAttribute("data-coloured"), "2", "two buurten have a released count");
  const values = JSON.parse(await map.getAttribute("data-values"));
  assert.equal(values[busy.area_code], 6);
  for (const h of hidden) assert.equal(values[h.area_code], null, "hidden on the map too");
  await page.getByRole("heading", { name: /Legenda/ }).waitFor();
  assert.ok(await page.getByText("Verborgen: te weinig bewoners").first().isVisible());

  // The density layer for the same filter.
  await page.getByLabel("Laat zien waar het meeste is doorgegeven").check();
  await page.waitForSelector("[data-map=choropleth][data-heatmap-cells]", { timeout: 10000 });

  // The table: sort by reports, the busy buurt first with 6; the hidden buurt shows no number.
  await page.getByRole("link", { name: "Meldingen" }).click();
  await page.waitForURL(/sort=count&dir=desc/);
  const firstRow = page.locator("table.areas tbody tr").first();
  assert.match(await firstRow.innerText(), new RegExp(`${busy.area_code}[\\s\\S]*\\b6\\b`));
  assert.equal(await page.locator("th[aria-sort=descending]").innerText(), "Meldingen ▼");
  for (const h of hidden) {
    const row = page.locator("table.areas tbody tr", { hasText: h.area_code });
    assert.match(await row.innerText(), /verborgen/);
  }
  assert.deepEqual(await axe(page), []);
  const html = await (await fetch(page.url())).text();
  assert.deepEqual(await axeWithoutJs(env.browser, page.url(), html), []);

  // The busy buurt's profile: its barriers by category, over time.
  await firstRow.getByRole("link").click();
  await page.waitForURL(new RegExp(`/inzicht/gebied/${busy.area_code}`));
  await page.getByRole("heading", { name: "Drempels", exact: true }).waitFor();
  const barriers = page.locator("section", { has: page.getByRole("heading", { name: "Drempels", exact: true }) });
  // Six entries, and six residents give or take the noise (never more people than entries).
  assert.match(await barriers.innerText(), /Slechte verlichting\s+6\s+[3-6]\b/);
  await page.getByRole("heading", { name: "Door de tijd" }).waitFor();
  assert.deepEqual(await axe(page), []);

  // The same in English, with the map drawn.
  await context.addCookies([{ name: "lang", value: "en", url: env.app.url }]);
  await page.goto(`${env.app.url}/inzicht?level=wijk&kind=barrier`);
  await page.waitForSelector("[data-map=choropleth][data-map-ready=loaded]", { timeout: 20000 });
  await page.getByRole("heading", { name: "Insight by area" }).waitFor();
  assert.deepEqual(await axe(page), [], "dashboard in English");
  await page.goto(`${env.app.url}/inzicht/gebied/${busy.area_code}`);
  await page.getByRole("heading", { name: "Barriers", exact: true }).waitFor();
  assert.deepEqual(await axe(page), [], "area profile in English");
  assert.deepEqual(problems, []);
  await context.close();
});

test("a worker signs in on the staff page, publishes a cleaned text and sets a status residents see", async () => {
  // A worker for Dordrecht, where the resident's entry is.
  addStaff(env.app, "worker", "opbouw@welzijn.nl", "lang-genoeg-wachtwoord", ["GM0505"]);
  // A resident writes a phone number in their text.
  const r = await fetch(`${env.app.url}/api/v1/submissions`, {
    method: "POST", headers: { "content-type": "application/json" },
    body: JSON.stringify({
      id: crypto.randomUUID(), respondent: crypto.randomUUID(), kind: "barrier", category: "poor_lighting",
      location: { lon: 4.6901, lat: 51.8133 }, details: { severity: 2 }, language: "nl",
      text: "Het pad is donker. Bel me: 06-12345678",
    }),
  });
  assert.equal(r.status, 201);
  const { id } = await r.json();

  const { page, context, problems } = await phonePage(env.browser, { device: LAPTOP });
  await page.goto(`${env.app.url}/`);
  await page.getByRole("link", { name: "Voor medewerkers" }).click();
  await page.getByLabel("E-mailadres").fill("opbouw@welzijn.nl");
  await page.getByLabel("Wachtwoord").fill("lang-genoeg-wachtwoord");
  await page.getByRole("button", { name: "Inloggen" }).click();
  await page.getByRole("heading", { name: "Te bekijken" }).waitFor();
  assert.deepEqual(await axe(page), [], "the staff page, signed in");
  const item = page.getByRole("article", { name: /Slechte verlichting/ });
  assert.match(await item.innerText(), /06-12345678/, "the phone number is flagged");
  await item.getByLabel("Tekst van de bewoner").fill("Het pad is donker.");
  await item.getByLabel("Stand van zaken").selectOption("in_progress");
  await item.getByLabel("Toelichting voor bewoners").fill("We kijken naar extra verlichting.");
  await item.getByLabel("Tekst openbaar maken").check();
  await item.getByRole("button", { name: "Opslaan" }).click();
  await page.waitForURL(/melding=opgeslagen/);
  await page.getByText("Opgeslagen.").waitFor();

  // What the resident sees on their report's page.
  await page.goto(`${env.app.url}/melding/${id}`);
  await page.getByText("In behandeling").waitFor();
  const body = await page.locator("main").innerText();
  assert.match(body, /We kijken naar extra verlichting\./);
  assert.match(body, /Het pad is donker\./);
  assert.doesNotMatch(body, /06-12345678/);
  assert.deepEqual(await axe(page), [], "the report page");
  assert.deepEqual(problems, []);
  await context.close();
});

// Issue 18: whom barriers stop. Five residents' steps stop wheelchair users in BUSY's buurt (sent
// straight to the API, as five phones would), and one more resident says so
// through the form; the advisor narrows the dashboard to "barriers that stop wheelchair users",
// then reads the buurt's profile: the groups affected, their severity and the trend chart.
test("an advisor filters barriers by wheelchair users and reads whom they stop, and the trend", async () => {
  for (let i = 0; i < 5; i++) {
    const r = await fetch(`${env.app.url}/api/v1/submissions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        id: crypto.randomUUID(), respondent: crypto.randomUUID(), campaign: "default", kind: "barrier",
        category: "steps", location: { lon: BUSY.longitude, lat: BUSY.latitude },
        details: { severity: 3, affects: ["wheelchair_walker", "elderly"] }, answers: {}, language: "nl", source: "web",
      }),
    });
    assert.equal(r.status, 201, await r.text());
  }
  {
    const { page, context, problems } = await phonePage(env.browser, { geolocation: BUSY });
    await page.goto(`${env.app.url}/meedoen/drempel`);
    await pageReady(page);
    await page.getByLabel("Trap, drempel of hoge stoep").check();
    await page.getByLabel("Mensen kunnen hierdoor niet gaan").check();
    await page.getByLabel("Mensen met een rolstoel of rollator").check();
    await page.getByRole("button", { name: "Gebruik mijn locatie" }).click();
    await page.waitForFunction(() => document.querySelector("[data-lon]").value !== "");
    await page.getByRole("button", { name: "Versturen" }).click();
    await page.waitForURL(/\/bedankt\//);
    assert.deepEqual(problems, []);
    await context.close();
  }

  const { page, context, problems } = await phonePage(env.browser, { device: LAPTOP });
  await page.goto(`${env.app.url}/inzicht`);
  await page.getByLabel("Gebied", { exact: true }).selectOption("buurt");
  await page.getByLabel("Gemeente", { exact: true }).selectOption({ label: "Dordrecht" });
  await page.getByLabel("Drempels die tegenhouden").selectOption({ label: "Mensen met een rolstoel of rollator" });
  await page.getByLabel("Toon op de kaart", { exact: true }).selectOption("count");
  await page.getByRole("button", { name: "Toon", exact: true }).click();
  await page.waitForURL(/affects=wheelchair_walker/);
  await page.waitForSelector("[data-map=choropleth][data-map-ready=loaded]", { timeout: 20000 });
  // Only the six barriers that stop wheelchair users count: the earlier poor lighting does not.
  const values = JSON.parse(await page.locator("[data-map=choropleth]").getAttribute("data-values"));
  const released = Object.entries(values).filter(([, v]) => v !== 0);
  assert.equal(released.length, 1, JSON.stringify(released));
  const [code, six] = released[0];
  assert.equal(six, 6);
  const api = await (await fetch(`${env.app.url}/api/v1/aggregates?level=buurt&affects=wheelchair_walker&gemeente=GM0505`)).json();
  assert.equal(api.find((f) => f.area_code === code && f.category === null).count, 6, "the page shows the API's figure");
  // The gemeente's trend, drawn and tabled.
  await page.getByRole("heading", { name: "Per maand" }).waitFor();
  assert.equal(await page.locator("svg.trend-chart polyline").count() > 0, true);
  assert.deepEqual(await axe(page), []);

  // The buurt's profile: whom its barriers stop, how bad they are, and over time.
  await page.locator("table.areas tbody tr", { hasText: code }).getByRole("link").click();
  await page.waitForURL(new RegExp(`/inzicht/gebied/${code}`));
  const groups = page.locator("section#groups");
  await groups.getByRole("heading", { name: "Wie de drempels tegenhouden" }).waitFor();
  assert.match(await groups.locator("tr[data-facet=wheelchair_walker]").innerText(), /rolstoel[\s\S]*\b6\b[\s\S]*Trap, drempel of hoge stoep \(6\)/);
  // Five said elderly people too: exactly k, released.
  assert.match(await groups.locator("tr[data-facet=elderly]").innerText(), /\b5\b/);
  // Nobody said children: 0, not hidden.
  assert.match(await groups.locator("tr[data-facet=children]").innerText(), /\b0\b/);
  assert.match(await page.locator("section#severity tr[data-facet='3']").innerText(), /Houdt mensen tegen\s+6\b/);
  const chart = page.locator("svg.trend-chart");
  await chart.waitFor();
  assert.equal(await chart.getAttribute("role"), "img");
  // The table under the chart holds this month's figures: the API's, for this buurt and month.
  const ym = new Intl.DateTimeFormat("en-CA", { timeZone: "Europe/Amsterdam", year: "numeric", month: "2-digit" })
    .format(new Date()).slice(0, 7);
  const monthly = await (await fetch(`${env.app.url}/api/v1/aggregates?level=buurt&kind=barrier&period=${ym}`)).json();
  const barriersThisMonth = monthly.find((f) => f.area_code === code && f.category === null).count;
  assert.ok(barriersThisMonth >= 12, "six poor lighting and six steps at least");
  const month = page.locator("figure.trend + table tbody tr").last();
  assert.match(await month.innerText(), new RegExp(`\\b${barriersThisMonth}\\b`));
  assert.deepEqual(await axe(page), []);
  const html = await (await fetch(page.url())).text();
  assert.deepEqual(await axeWithoutJs(env.browser, page.url(), html), []);
  assert.deepEqual(problems, []);
  await context.close();
});
