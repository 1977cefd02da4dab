// The resident form in all six languages on a phone: the page is in the chosen language (Arabic right
// to left), nothing scrolls sideways, axe finds nothing, the server's messages come in that language,
// and an entry goes through.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { PHONE, axe, pageReady, phonePage, startAll } from "./harness.mjs";

let env;
before(async () => { env = await startAll(); });
after(async () => { await env?.close(); });

const LANGUAGES = [
  ["nl", "ltr"], ["en", "ltr"], ["tr", "ltr"], ["ar", "rtl"], ["pl", "ltr"], ["uk", "ltr"],
];

for (const [code, dir] of LANGUAGES) {
  test(`a barrier in ${code}`, async () => {
    const { page, context, problems } = await phonePage(env.browser, { geolocation: { latitude: 51.8133, longitude: 4.6901 } });
    await context.addCookies([{ name: "lang", value: code, url: env.app.url }]);
    await page.goto(`${env.app.url}/meedoen/drempel`);
    await pageReady(page);
    assert.equal(await page.getAttribute("html", "lang"), code);
    assert.equal(await page.getAttribute("html", "dir"), dir);
    // On a phone an overflowing page widens the layout viewport itself, so compare with the screen.
    const width = await page.evaluate(() => Math.max(document.documentElement.scrollWidth, window.innerWidth));
    assert.ok(width <= PHONE.viewport.width, `${code}: the page is ${width}px wide on a ${PHONE.viewport.width}px phone`);
    assert.deepEqual(await axe(page), [], `${code}: axe`);
    // Sending it empty: the server's rules, in this language.
    await page.locator("form#entry-form button[type=submit]").click();
    await page.locator("#error-summary:not([hidden]) li").first().waitFor();
    const said = await page.locator("#error-summary").innerText();
    if (code !== "nl") assert.ok(!said.includes("Kies er een"), `${code}: ${said}`);
    if (code === "ar") assert.match(said, /[\u0600-\u06ff]/);
    await page.locator("input[name=category][value=steps]").check();
    await page.locator("input[name=severity][value='2']").check();
    await page.locator("[data-locate]").click();
    await page.waitForFunction(() => document.querySelector("[data-lon]").value !== "");
    await page.locator("form#entry-form button[type=submit]").click();
    await page.waitForURL(/\/bedankt\//);
    assert.equal(await page.getAttribute("html", "lang"), code, "the thank-you page too");
    await page.goto(`${env.app.url}/toegankelijkheid`);
    assert.deepEqual(await axe(page), [], `${code}: the accessibility statement`);
    assert.deepEqual(problems, []);
    await context.close();
  });
}
