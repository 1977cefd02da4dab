// Community dynamics: residents send two wishes and a talent; an opbouwwerker ticks them on the talents
// page and records the activity they grew into, the mosque and the woningcorporatie it is tied to, the
// walking group it led to and the new connection with the wijkagent (with a staff-only note). The
// public then reads the ripple map (the SVG and the list must agree), the area's figures and map, and
// the GraphML export, which Chromium's XML parser reads back.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { LAPTOP, addStaff, axe, phonePage, sendWish, signInPage, startAll } from "./harness.mjs";

let env;
before(async () => { env = await startAll({ areas: true }); });
after(async () => { await env?.close(); });

const PASSWORD = "lang-genoeg-wachtwoord";
// In Dordrecht (GM0505).
const HERE = { latitude: 51.8133, longitude: 4.6901 };
const NOTE = "Fatima van nummer 12 kent de wijkagent";

/** A wish made on a phone: its id. */
async function wish(text, talent) {
  const { resident, id } = await sendWish(env, HERE, text, talent);
  assert.deepEqual(resident.problems, []);
  await resident.context.close();
  return id;
}

/** Posts one of the staff page's forms and waits for the page to come back saved. */
async function save(page, heading, fill) {
  const form = page.locator("section.staff-form", { has: page.getByRole("heading", { name: heading }) });
  await fill(form);
  await form.getByRole("button", { name: "Opslaan" }).click();
  await page.waitForURL(/melding=opgeslagen/);
}

test("a worker records an activity born from residents' wishes and a talent, and its ripples", async () => {
  addStaff(env.app, "worker", "opbouw@welzijn.nl", PASSWORD, ["GM0505"]);
  const wishes = [
    await wish("Samen wandelen in de wijk", null),
    await wish("Koken en eten met de buren", null),
    await wish("Een kookclub", "Ik kan koken voor twintig mensen"),
  ];

  // The worker ticks the three on the talents page and opens the activity form with them.
  const worker = await phonePage(env.browser, { device: LAPTOP });
  const w = worker.page;
  await signInPage(w, env.app, "opbouw@welzijn.nl", PASSWORD);
  await w.getByRole("link", { name: "Wensen en talenten" }).click();
  for (const id of wishes) await w.locator(`input[name=uit][value="${id}"]`).first().check();
  await w.getByRole("button", { name: "Maak een activiteit van de aangevinkte wensen en talenten" }).click();
  await w.getByRole("heading", { name: "Nieuwe activiteit" }).waitFor();
  const chosen = w.locator("input[name=grew_from]:checked");
  assert.equal(await chosen.count(), 3, "the three ticked entries");
  assert.deepEqual(await axe(w), [], "the staff dynamics page");

  await save(w, "Nieuwe activiteit", async (f) => {
    await f.getByLabel("Naam").fill("Kookclub Oost");
    await f.getByLabel("Wat gebeurt er?").fill("Elke dinsdag samen koken en eten in het buurthuis.");
    await f.getByLabel("Gestart op").fill("2026-09-01");
    await f.getByLabel("Komt steeds terug").check();
    await f.getByLabel("Breedtegraad").fill("51.8135");
    await f.getByLabel("Lengtegraad").fill("4.6905");
  });
  const kookclub = decodeURIComponent(new URL(w.url()).hash).replace("#knoop-", "");
  assert.match(kookclub, /^[0-9a-f-]{36}$/);

  for (const [name, kind, point] of [
    ["Moskee Al Fourqaan", "Lokaal netwerk", ["51.8140", "4.6890"]],
    ["Woningcorporatie Trivire", "Instelling", null],
    ["Wijkagent Oost", "Instelling", null],
  ]) {
    await save(w, "Nieuw netwerk of nieuwe instelling", async (f) => {
      await f.getByLabel("Naam").fill(name);
      await f.getByLabel("Soort").selectOption({ label: kind });
      if (point) {
        await f.getByLabel("Breedtegraad").fill(point[0]);
        await f.getByLabel("Lengtegraad").fill(point[1]);
      }
    });
  }
  const link = (from, kind, to, extra) => save(w, "Nieuwe verbinding", async (f) => {
    await f.getByLabel("Van").selectOption({ label: `${from}` });
    await f.getByLabel("Soort").selectOption({ label: kind });
    await f.getByLabel("Naar").selectOption({ label: `${to}` });
    if (extra) await extra(f);
  });
  await link("Kookclub Oost — Activiteit", "Bewoners en lokale netwerken", "Moskee Al Fourqaan — Lokaal netwerk");
  await link("Kookclub Oost — Activiteit", "Netwerken en instellingen", "Woningcorporatie Trivire — Instelling");

  // The walking group grew from the kookclub; it led to a new connection with the wijkagent.
  await save(w, "Nieuwe activiteit", async (f) => {
    await f.getByLabel("Naam").fill("Wandelgroep");
    await f.getByLabel("Gestart op").fill("2026-10-06");
    await f.getByLabel("Breedtegraad").fill("51.8128");
    await f.getByLabel("Lengtegraad").fill("4.6912");
    await f.getByLabel("Kookclub Oost").check();
  });
  await link("Wandelgroep — Activiteit", "Leidde tot", "Wijkagent Oost — Instelling", async (f) => {
    await f.getByLabel("Sinds").fill("2026-11-03");
    await f.getByLabel("Gemeenschapskapitaal").selectOption("political");
    await f.getByLabel("Notitie (alleen voor medewerkers)").fill(NOTE);
  });
  assert.ok((await w.content()).includes(NOTE), "staff read the note on their page");
  assert.deepEqual(worker.problems, []);
  await worker.context.close();

  // The public reads the ripple map: the drawing and the list agree, and no note is on it.
  const visitor = await phonePage(env.browser, { device: LAPTOP });
  const v = visitor.page;
  await v.goto(`${env.app.url}/activiteit/${kookclub}`);
  await v.getByRole("heading", { name: "Kookclub Oost", level: 1 }).waitFor();
  const drawn = await v.$$eval("svg.ripple-map [data-node]", (els) =>
    els.map((e) => [e.getAttribute("data-node"), e.getAttribute("data-order"), e.textContent]).sort());
  const listed = await v.$$eval(".ripple-outline [data-node]", (els) => els.map((e) => e.getAttribute("data-node")).sort());
  assert.equal(drawn.length, 5, "the kookclub, the mosque, the corporation, the walking group, the wijkagent");
  assert.deepEqual(drawn.map((d) => d[0]), listed, "the same nodes in the drawing and the list");
  const order = Object.fromEntries(drawn.map(([, o, text]) => [text.split(" — ")[0].replace(/^.*?\n/, ""), Number(o)]));
  const orderOf = (name) => Number(Object.entries(order).find(([k]) => k.includes(name))[1]);
  assert.equal(orderOf("Kookclub Oost"), 0);
  assert.equal(orderOf("Moskee"), 0, "tied to the centre");
  assert.equal(orderOf("Woningcorporatie"), 0);
  assert.equal(orderOf("Wandelgroep"), 1, "one step out");
  assert.equal(orderOf("Wijkagent"), 2, "what the walking group led to");
  const lines = await v.$$eval("svg.ripple-map line[data-link]", (els) => els.map((e) => e.getAttribute("data-link")).sort());
  const listedLinks = await v.$$eval(".ripple-outline [data-link], .ripple-outline-rest [data-link]", (els) =>
    els.map((e) => e.getAttribute("data-link")).filter(Boolean).sort());
  assert.equal(lines.length, 4);
  assert.deepEqual(lines, listedLinks, "the same links in the drawing and the list");
  const outline = await v.locator(".ripple-outline").innerText();
  assert.match(outline, /Wandelgroep[\s\S]*Leidde tot[\s\S]*Wijkagent Oost/);
  assert.match(outline, /Politiek kapitaal/);
  assert.equal(await v.locator("[data-origin]").count(), 3, "grew from three entries");
  assert.equal(await v.locator('[data-origin="talent"]').count(), 0,
    "the talent is not published: the public reads a wish (whether someone offered one is theirs to publish)");
  assert.ok(!(await v.content()).includes("Fatima"), "the note is staff-only");
  assert.deepEqual(await axe(v), [], "the activity page");

  // The area's figures, map and timeline.
  await v.goto(`${env.app.url}/inzicht/gebied/GM0505`);
  await v.getByRole("link", { name: /Dynamiek: activiteiten/ }).click();
  await v.getByRole("heading", { name: "Dynamiek in Dordrecht" }).waitFor();
  const figure = async (name) => Number(await v.locator(`tr[data-figure="${name}"] td`).innerText());
  assert.equal(await figure("activities"), 2);
  assert.equal(await figure("from_residents"), 1);
  assert.equal(await figure("residents_networks"), 1);
  assert.equal(await figure("networks_institutions"), 1);
  assert.equal(await figure("led_to"), 2, "the walking group out of the kookclub, the wijkagent out of the walking group");
  assert.equal(await figure("second_order"), 1, "the wijkagent, two steps from the kookclub");
  assert.equal(await v.locator("svg [data-node]").count(), 3, "the two activities and the mosque have a place");
  assert.ok(await v.locator("svg line.link-residents_networks").count() >= 1, "the kookclub's tie to the mosque on the map");
  const months = await v.$$eval("[data-month]", (els) => els.map((e) => e.getAttribute("data-month")));
  for (const m of ["2026-09", "2026-10", "2026-11"]) assert.ok(months.includes(m), `the timeline has ${m}: ${months}`);
  assert.ok(!(await v.content()).includes("Fatima"));
  assert.deepEqual(await axe(v), [], "the area's dynamics page");

  // The GraphML export, parsed back by the browser's XML parser.
  const res = await v.request.get(`${env.app.url}/api/v1/dynamics/export?gemeente=GM0505&format=graphml`);
  assert.equal(res.status(), 200);
  const xml = await res.text();
  assert.ok(!xml.includes("Fatima"), "no note in an export");
  const parsed = await v.evaluate((text) => {
    const doc = new DOMParser().parseFromString(text, "application/xml");
    if (doc.getElementsByTagName("parsererror").length) return { error: doc.documentElement.textContent };
    const keys = Object.fromEntries([...doc.getElementsByTagName("key")].map((k) => [k.getAttribute("id"), k.getAttribute("attr.name")]));
    const labelKey = Object.keys(keys).find((id) => keys[id] === "label");
    const label = (n) => [...n.getElementsByTagName("data")].find((d) => d.getAttribute("key") === labelKey)?.textContent;
    const nodes = [...doc.getElementsByTagName("node")].map((n) => ({ id: n.getAttribute("id"), label: label(n) }));
    const edges = [...doc.getElementsByTagName("edge")].map((e) => ({ source: e.getAttribute("source"), target: e.getAttribute("target") }));
    return { nodes, edges };
  }, xml);
  assert.equal(parsed.error, undefined, parsed.error);
  assert.equal(parsed.nodes.length, 5);
  assert.ok(parsed.nodes.some((n) => n.id === kookclub && n.label === "Kookclub Oost"));
  assert.equal(parsed.edges.length, 4, "the three recorded links and the walking group's growing from the kookclub");
  const ids = new Set(parsed.nodes.map((n) => n.id));
  assert.ok(parsed.edges.every((e) => ids.has(e.source) && ids.has(e.target)), "every edge between known nodes");
  assert.deepEqual(visitor.problems, []);
  await visitor.context.close();
});
