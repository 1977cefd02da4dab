// The resident flow in a phone-sized Chromium: the three kinds by map tap, by address with JavaScript on
// and off, keyboard only, escaping, accessibility (axe-core, WCAG 2.1 AA) and a clean console.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { axe, axeWithoutJs, entries, openMap, pageReady, phonePage, startAll } from "./harness.mjs";

let env;
before(async () => { env = await startAll(); });
after(async () => { await env?.close(); });

/** Opens the picker map (Leaflet is loaded on that first tap) and taps it at a point relative to its
 * centre (pixels). */
async function tapMap(page, dx = 0, dy = 0) {
  const map = page.locator("[data-map=picker]");
  await map.waitFor();
  await openMap(page);
  await map.scrollIntoViewIfNeeded();
  const box = await map.boundingBox();
  await page.mouse.click(box.x + box.width / 2 + dx, box.y + box.height / 2 + dy);
  await page.waitForFunction(() => document.querySelector("[data-lon]").value !== "");
}

async function setAddress(page, q, pick) {
  await page.fill("#f-address", q);
  await page.getByRole("button", { name: "Zoek adres" }).click();
  await page.getByRole("button", { name: pick }).click();
  await page.waitForFunction(() => document.querySelector("[data-lon]").value !== "");
}

async function submitAndExpectThanks(page) {
  await page.getByRole("button", { name: "Versturen" }).click();
  await page.waitForURL(/\/bedankt\/[0-9a-f-]{36}/);
  await page.getByRole("heading", { name: "Dank je wel!" }).waitFor();
}

describe("residents add entries (JavaScript on)", () => {
  test("a meeting place by tapping the map", async () => {
    const { page, context, problems } = await phonePage(env.browser);
    const before = (await entries(env.app)).length;
    await page.goto(`${env.app.url}/`);
    await pageReady(page);
    await page.getByRole("link", { name: /Een ontmoetingsplek/ }).click();
    await page.waitForURL(/\/meedoen\/plek/);
    await page.getByLabel("Bibliotheek").check();
    await tapMap(page);
    await page.getByLabel("Hoe heet de plek?").fill("Bibliotheek aan de Stek");
    await page.getByLabel("Gratis").check();
    await page.getByLabel("Er is een toilet").check();
    await submitAndExpectThanks(page);
    const list = await entries(env.app);
    assert.equal(list.length, before + 1);
    const mine = list.find((e) => e.kind === "place" && e.category === "library");
    assert.ok(mine?.location, "stored with its position");
    assert.deepEqual(mine.qualities, ["free", "toilet"]);
    assert.deepEqual(problems, []);
    await context.close();
  });

  test("a barrier and then a wish by the same respondent, by map tap", async () => {
    const { page, context, problems } = await phonePage(env.browser);
    const before = (await entries(env.app)).length;
    await page.goto(`${env.app.url}/meedoen/drempel`);
    await pageReady(page);
    await page.getByLabel("Slechte verlichting").check();
    await tapMap(page, 20, -10);
    await page.getByLabel("Mensen kunnen hierdoor niet gaan").check();
    await page.getByLabel("Ouderen").check();
    await submitAndExpectThanks(page);
    const respondent = new URL(page.url()).searchParams.get("r");
    assert.match(respondent, /^[0-9a-f-]{36}$/);

    await page.getByRole("link", { name: "Een wens" }).click();
    await page.waitForURL(/\/meedoen\/wens\?r=/);
    assert.equal(await page.locator("input[name=respondent]").inputValue(), respondent, "same visit, same respondent");
    await page.getByLabel("Een activiteit").check();
    await tapMap(page);
    await page.getByLabel("Waar kun of wil jij mee helpen?").fill("Koken voor de buurt");
    await submitAndExpectThanks(page);
    const list = await entries(env.app);
    assert.equal(list.length, before + 2);
    assert.ok(list.some((e) => e.kind === "wish" && e.category === "activity"));
    assert.ok(list.some((e) => e.kind === "barrier" && e.category === "poor_lighting"));
    assert.deepEqual(problems, []);
    await context.close();
  });

  test("a barrier by typing an address, with live validation first", async () => {
    const { page, context, problems } = await phonePage(env.browser);
    // On the context: the service worker's own requests count too.
    const fetched = [];
    context.on("request", (r) => fetched.push(new URL(r.url()).pathname));
    await page.goto(`${env.app.url}/meedoen/drempel`);
    await pageReady(page);
    // Sending an empty form shows what is missing, without a page load.
    await page.getByRole("button", { name: "Versturen" }).click();
    const summary = page.locator("#error-summary");
    await summary.waitFor();
    assert.match(await summary.innerText(), /Soort: Kies er een\./);
    assert.match(await summary.innerText(), /Hoe erg: Kies er een\./);
    // Fixing a field updates the messages live; a physical barrier needs a place.
    await page.getByLabel("Trap, drempel of hoge stoep").check();
    await page.waitForFunction(() => !document.querySelector("#error-summary")?.innerText.includes("Soort"));
    assert.match(await summary.innerText(), /Plek: Kies een plek op de kaart of typ een adres\./);
    await setAddress(page, "Bolstraat 1 Utrecht", "Bolstraat 1, 3581WS Utrecht");
    assert.match(await page.locator("[data-pos-label]").innerText(), /Bolstraat 1, 3581WS Utrecht/);
    await page.getByLabel("Lastig", { exact: true }).check();
    await submitAndExpectThanks(page);
    const list = await entries(env.app);
    const mine = list.find((e) => e.kind === "barrier" && e.category === "steps");
    assert.ok(Math.abs(mine.location.lon - 5.1329) < 0.002 && Math.abs(mine.location.lat - 52.0888) < 0.002, JSON.stringify(mine));
    // The map was never opened: Leaflet was never downloaded, and no WASM either.
    assert.ok(fetched.includes("/_fn/check") && fetched.includes("/_fn/geocode"), fetched.join(" "));
    assert.ok(!fetched.some((p) => p.includes("leaflet") || p.endsWith(".wasm")), fetched.join(" "));
    assert.deepEqual(problems, []);
    await context.close();
  });
});

describe("residents add each kind by typing an address (JavaScript on)", () => {
  for (const [slug, category, extra] of [
    ["plek", "Park of plein", async () => {}],
    ["drempel", "Gevaarlijke oversteek", async (page) => page.getByLabel("Lastig", { exact: true }).check()],
    ["wens", "Veiliger verkeer", async () => {}],
  ]) {
    test(`a ${slug}`, async () => {
      const { page, context, problems } = await phonePage(env.browser);
      const before = (await entries(env.app)).length;
      await page.goto(`${env.app.url}/meedoen/${slug}`);
      await pageReady(page);
      await page.getByLabel(category).check();
      await extra(page);
      await setAddress(page, "1118CP 202", "Evert van de Beekstraat 202, 1118CP Schiphol");
      await submitAndExpectThanks(page);
      const list = await entries(env.app);
      assert.equal(list.length, before + 1);
      const near = list.filter((e) => e.location && Math.abs(e.location.lon - 4.7479) < 0.002 && Math.abs(e.location.lat - 52.3039) < 0.002);
      assert.ok(near.length >= 1, "stored at the address");
      assert.deepEqual(problems, []);
      await context.close();
    });
  }

  test("a barrier at the phone's own location", async () => {
    const { page, context, problems } = await phonePage(env.browser, { geolocation: { latitude: 51.8133, longitude: 4.6901 } });
    await page.goto(`${env.app.url}/meedoen/drempel`);
    await pageReady(page);
    await page.getByLabel("Smalle of geblokkeerde stoep").check();
    await page.getByLabel("Een beetje lastig").check();
    await page.getByRole("button", { name: "Gebruik mijn locatie" }).click();
    await page.waitForFunction(() => document.querySelector("[data-lon]").value !== "");
    assert.equal(await page.inputValue("[data-lon]"), "4.6901");
    await submitAndExpectThanks(page);
    assert.deepEqual(problems, []);
    await context.close();
  });
});

describe("residents add entries (JavaScript off)", () => {
  for (const [slug, category, extra] of [
    ["plek", "Buurthuis of wijkcentrum", async () => {}],
    ["drempel", "Het kost geld", async (page) => page.getByLabel("Een beetje lastig").check()],
    ["wens", "Groen of speelplek", async () => {}],
  ]) {
    test(`a ${slug} by typing an address`, async () => {
      const { page, context, problems } = await phonePage(env.browser, { javaScriptEnabled: false });
      const before = (await entries(env.app)).length;
      await page.goto(`${env.app.url}/meedoen/${slug}`);
      assert.equal(await page.locator("[data-map=picker]").isVisible(), false, "no map without JavaScript");
      await page.getByLabel(category).check();
      await extra(page);
      await page.fill("#f-address", "1118CP 202");
      await page.getByRole("button", { name: "Versturen" }).click();
      await page.waitForURL(/\/bedankt\//);
      const list = await entries(env.app);
      assert.equal(list.length, before + 1);
      assert.deepEqual(problems, []);
      await context.close();
    });
  }

  test("a wrong form comes back with the answers, escaped, and nothing is stored", async () => {
    const { page, context, problems } = await phonePage(env.browser, { javaScriptEnabled: false });
    const before = (await entries(env.app)).length;
    await page.goto(`${env.app.url}/meedoen/drempel`);
    const evil = `<script>alert("xss")</script><img src=x onerror=alert(2)>`;
    await page.fill("#f-text", evil);
    await page.getByRole("button", { name: "Versturen" }).click();
    await page.locator("#error-summary").waitFor();
    assert.equal(await page.locator("#f-text").inputValue(), evil, "the text is kept, as text");
    assert.equal(await page.locator("img[src=x]").count(), 0, "and never becomes markup");
    assert.equal((await entries(env.app)).length, before);
    assert.deepEqual(problems, []);
    await context.close();
  });
});

test("keyboard only: a barrier from the start page to the thank-you page", async () => {
  const { page, context, problems } = await phonePage(env.browser);
  const before = (await entries(env.app)).length;
  await page.goto(`${env.app.url}/`);
  await pageReady(page);
  const focused = () => page.evaluate(() => {
    const a = document.activeElement;
    return `${a.tagName} ${a.id || ""} ${a.getAttribute("name") || ""} ${a.textContent.trim().slice(0, 40)}`;
  });
  // Tab to the barrier card and open it.
  for (let i = 0; i < 30 && !(await focused()).includes("Een drempel"); i++) await page.keyboard.press("Tab");
  await page.keyboard.press("Enter");
  await page.waitForURL(/\/meedoen\/drempel/);
  await pageReady(page);
  // First radio of the category group; arrows move within the group, Space selects.
  for (let i = 0; i < 30 && !(await focused()).includes("category"); i++) await page.keyboard.press("Tab");
  await page.keyboard.press("Space");
  // On to the map: its button opens it (and moves the focus into it), Enter places the point at the
  // centre.
  for (let i = 0; i < 40 && !(await focused()).includes("Kies de plek op de kaart"); i++) await page.keyboard.press("Tab");
  await page.keyboard.press("Enter");
  await page.waitForSelector("[data-map=picker].leaflet-container");
  await page.waitForFunction(() => document.activeElement?.dataset.map === "picker");
  await page.keyboard.press("ArrowDown");
  await page.keyboard.press("Enter");
  await page.waitForFunction(() => document.querySelector("[data-lon]").value !== "");
  for (let i = 0; i < 40 && !(await focused()).includes("severity"); i++) await page.keyboard.press("Tab");
  await page.keyboard.press("Space");
  for (let i = 0; i < 60 && !(await focused()).startsWith("BUTTON  ") ; i++) {
    await page.keyboard.press("Tab");
    if ((await focused()).includes("Versturen")) break;
  }
  assert.match(await focused(), /Versturen/);
  await page.keyboard.press("Enter");
  await page.waitForURL(/\/bedankt\//);
  const list = await entries(env.app);
  assert.equal(list.length, before + 1);
  assert.ok(list.some((e) => e.kind === "barrier" && e.category === "steps"));
  assert.deepEqual(problems, []);
  await context.close();
});

test("every page passes axe-core (WCAG 2.1 AA), in Dutch and English, with JavaScript on and off", async () => {
  for (const javaScriptEnabled of [true, false]) {
    const { page, context, problems } = await phonePage(env.browser, { javaScriptEnabled });
    const pages = ["/", "/meedoen/plek", "/meedoen/drempel", "/meedoen/wens", "/kaart", "/privacy", "/bestaat-niet", "/inzicht",
      "/melding/6f1c2d3e-4a5b-4c6d-8e7f-901234567890", "/staff",
      "/bedankt/6f1c2d3e-4a5b-4c6d-8e7f-901234567890?r=6f1c2d3e-4a5b-4c6d-8e7f-901234567891"];
    for (const lang of ["nl", "en"]) {
      await context.addCookies([{ name: "lang", value: lang, url: env.app.url }]);
      for (const path of pages) {
        await page.goto(`${env.app.url}${path}`);
        if (javaScriptEnabled) await pageReady(page);
        assert.equal(await page.getAttribute("html", "lang"), lang);
        const violations = javaScriptEnabled ? await axe(page) : await axeWithoutJs(env.browser, page.url(), await page.content());
        assert.deepEqual(violations, [], `${path} (${lang}, js ${javaScriptEnabled})`);
      }
    }
    // A form with errors, too.
    await page.goto(`${env.app.url}/meedoen/drempel`);
    if (javaScriptEnabled) await pageReady(page);
    await page.getByRole("button", { name: /Versturen|Send/ }).click();
    await page.locator("#error-summary").waitFor();
    const violations = javaScriptEnabled ? await axe(page) : await axeWithoutJs(env.browser, page.url(), await page.content());
    assert.deepEqual(violations, [], `form with errors (js ${javaScriptEnabled})`);
    assert.deepEqual(problems, []);
    await context.close();
  }
});

test("the public map shows the entries and the list names them", async () => {
  const { page, context, problems } = await phonePage(env.browser);
  await page.goto(`${env.app.url}/kaart`);
  await pageReady(page);
  await page.waitForSelector("[data-map=public][data-map-ready=loaded]");
  const onMap = Number(await page.getAttribute("[data-map=public]", "data-entries"));
  const all = await entries(env.app);
  assert.equal(onMap, all.filter((e) => e.location).length);
  assert.ok(onMap > 0);
  assert.ok((await page.locator("table.entries tbody tr").count()) > 0);
  assert.deepEqual(problems, []);
  await context.close();
});
