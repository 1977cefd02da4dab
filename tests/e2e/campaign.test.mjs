// A campaign from start to finish, as its users meet it: an admin creates it with its own survey on
// the staff pages; residents find it on the start page, add entries on their phones, say "ik ook" to
// one already there and answer the survey; a worker of that gemeente moderates and sets a status the
// resident then sees through their private link.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { LAPTOP, addStaff, axe, axeWithoutJs, pageReady, phonePage, signInPage, startAll } from "./harness.mjs";

let env;
before(async () => { env = await startAll({ areas: true }); });
after(async () => { await env?.close(); });

const PASSWORD = "lang-genoeg-wachtwoord";
// Dordrecht (GM0505), in the Drechtsteden data the server imported.
const DORDRECHT = { latitude: 51.8133, longitude: 4.6901 };

const signIn = (page, email) => signInPage(page, env.app, email, PASSWORD);

test("an admin creates a campaign with a survey, residents answer it, a worker sets a status they see", async () => {
  addStaff(env.app, "admin", "beheer@dordrecht.nl", PASSWORD);
  addStaff(env.app, "worker", "opbouw@welzijn.nl", PASSWORD);

  // The admin: gives the worker Dordrecht, then creates the campaign.
  const admin = await phonePage(env.browser, { device: LAPTOP });
  await signIn(admin.page, "beheer@dordrecht.nl");
  await admin.page.getByRole("link", { name: "Medewerkers en rollen" }).click();
  const row = admin.page.locator("tr", { hasText: "opbouw@welzijn.nl" });
  await row.getByLabel("Gemeenten").fill("GM0505");
  await row.getByRole("button", { name: "Opslaan" }).click();
  await admin.page.waitForURL(/melding=opgeslagen/);
  assert.deepEqual(await axe(admin.page), [], "the accounts page");

  await admin.page.getByRole("link", { name: "Campagnes" }).click();
  await admin.page.getByRole("link", { name: "Nieuwe campagne" }).click();
  await admin.page.getByLabel("Code in de link").fill("samen-in-dordt");
  await admin.page.getByLabel("Titel (Nederlands)").fill("Samen in Dordt");
  await admin.page.getByLabel("Uitleg voor bewoners (Nederlands, eenvoudige taal)").fill("Waar kom je graag? Wat houdt je tegen?");
  await admin.page.locator("summary", { hasText: "Titel en uitleg in andere talen" }).click();
  await admin.page.locator("#title_tr").fill("Birlikte Dordt");
  await admin.page.getByLabel("Gemeenten").fill("GM0505");
  await admin.page.getByLabel("Wens", { exact: true }).uncheck();
  await admin.page.locator("#q0_type").selectOption("single");
  await admin.page.locator("#q0_nl").fill("Hoe vaak spreek je buren?");
  await admin.page.locator("#q0_options").fill("Elke week\nSoms\nBijna nooit");
  await admin.page.locator("input[name=q0_required]").check();
  await admin.page.getByLabel(/Ook vragen naar leeftijd/).check();
  assert.deepEqual(await axe(admin.page), [], "the campaign form");
  await admin.page.getByRole("button", { name: "Opslaan" }).click();
  await admin.page.waitForURL(/\/staff\/campagnes\?melding=opgeslagen/);
  await admin.page.getByRole("link", { name: "Samen in Dordt" }).waitFor();
  const turkish = await (await fetch(`${env.app.url}/campagne/samen-in-dordt?taal=tr`)).text();
  assert.ok(turkish.includes("Birlikte Dordt"), "the campaign's own Turkish title for Turkish readers");
  assert.deepEqual(await axe(admin.page), [], "the campaign list");

  // A resident on their phone: the start page lists the campaign; it asks for places and barriers.
  const first = await phonePage(env.browser, { geolocation: DORDRECHT });
  await first.page.goto(`${env.app.url}/`);
  await first.page.getByRole("link", { name: /Samen in Dordt/ }).click();
  await first.page.getByRole("heading", { name: "Samen in Dordt" }).waitFor();
  assert.equal(await first.page.getByRole("link", { name: /Een wens/ }).count(), 0, "no wishes asked");
  assert.deepEqual(await axe(first.page), [], "the campaign page");
  await first.page.getByRole("link", { name: /Een drempel/ }).click();
  await pageReady(first.page);
  await first.page.getByLabel("Trap, drempel of hoge stoep").check();
  await first.page.getByLabel("Een beetje lastig").check();
  await first.page.getByRole("button", { name: "Gebruik mijn locatie" }).click();
  await first.page.waitForFunction(() => document.querySelector("[data-lon]").value !== "");
  await first.page.getByLabel(/Wil je nog iets vertellen/).fill("Hoge stoep bij de bushalte, met de rollator kom ik er niet op.");
  await first.page.getByRole("button", { name: "Versturen" }).click();
  await first.page.waitForURL(/\/bedankt\/.*c=samen-in-dordt/);
  const id = first.page.url().match(/bedankt\/([0-9a-f-]{36})/)[1];
  const privateLink = await first.page.locator("a.private-href").getAttribute("href");
  assert.match(privateLink, new RegExp(`/mijn/${id}\\?sleutel=[0-9a-f]{32}`));

  // The survey, once, with the optional age question.
  await first.page.getByRole("link", { name: "Naar de vragen" }).click();
  await first.page.getByRole("heading", { name: "Nog een paar vragen" }).waitFor();
  assert.deepEqual(await axe(first.page), [], "the survey");
  await first.page.getByRole("button", { name: "Antwoorden versturen" }).click();
  await first.page.getByRole("alert").getByText(/Hoe vaak spreek je buren/).waitFor();
  await first.page.getByLabel("Soms").check();
  await first.page.getByLabel("65 jaar of ouder").check();
  await first.page.getByRole("button", { name: "Antwoorden versturen" }).click();
  await first.page.getByText("Bedankt! Je antwoorden zijn opgeslagen.").waitFor();
  assert.deepEqual(first.problems, []);

  // The campaign's survey results, linked from its page: one resident so far, so every count is
  // withheld ("minder dan 5") and nothing of their answers shows.
  await first.page.goto(`${env.app.url}/campagne/samen-in-dordt`);
  await first.page.getByRole("link", { name: "Uitkomsten van de vragenlijst bekijken" }).click();
  await first.page.getByRole("heading", { name: /Uitkomsten van de vragenlijst: Samen in Dordt/ }).waitFor();
  assert.ok((await first.page.getByRole("table").count()) > 0, "a table per question");
  assert.ok((await first.page.getByText("minder dan 5").count()) > 0, "withheld counts say so");
  assert.deepEqual(await axe(first.page), [], "the survey results");

  // A neighbour at the same spot sees the entry while adding theirs, and says "ik ook" instead.
  const second = await phonePage(env.browser, { geolocation: DORDRECHT });
  await second.page.goto(`${env.app.url}/meedoen/drempel?c=samen-in-dordt`);
  await pageReady(second.page);
  await second.page.getByRole("button", { name: "Gebruik mijn locatie" }).click();
  await second.page.getByRole("heading", { name: "Al gemeld in de buurt" }).waitFor();
  await second.page.getByRole("button", { name: "Ik ook" }).first().click();
  await second.page.getByText(/Bedankt, je telt mee/).waitFor();
  assert.deepEqual(await axe(second.page), [], "the form with the nearby entries");
  assert.deepEqual(second.problems, []);
  await second.context.close();
  const entry = await (await fetch(`${env.app.url}/api/v1/submissions/${id}`)).json();
  assert.equal(entry.me_too, 1);

  // The worker moderates: the text is published without its details, and the status set.
  const worker = await phonePage(env.browser, { device: LAPTOP });
  await signIn(worker.page, "opbouw@welzijn.nl");
  const item = worker.page.getByRole("article", { name: /Trap, drempel of hoge stoep/ });
  await item.getByLabel("Stand van zaken").selectOption("taken_up");
  await item.getByLabel("Toelichting voor bewoners").fill("De stoep wordt in mei verlaagd.");
  await item.getByLabel("Tekst openbaar maken").check();
  await item.getByRole("button", { name: "Opslaan" }).click();
  await worker.page.waitForURL(/melding=opgeslagen/);
  assert.deepEqual(worker.problems, []);
  await worker.context.close();

  // The resident opens their private link and sees what was done.
  await first.page.goto(`${env.app.url}${privateLink}`);
  await first.page.getByRole("heading", { name: "Jouw melding" }).waitFor();
  const own = await first.page.locator("main").innerText();
  assert.match(own, /Opgepakt/);
  assert.match(own, /De stoep wordt in mei verlaagd\./);
  assert.deepEqual(await axe(first.page), [], "the private page");
  const html = await (await fetch(`${env.app.url}${privateLink}`)).text();
  assert.deepEqual(await axeWithoutJs(env.browser, `${env.app.url}${privateLink}`, html), [], "the private page without JavaScript");
  await first.page.goto(`${env.app.url}/melding/${id}`);
  await first.page.getByText("De stoep wordt in mei verlaagd.").waitFor();
  // One "ik ook": the singular, never "1 bewoners zeiden".
  assert.match(await first.page.locator("main").innerText(), /\b1 bewoner zei: ik ook\./);
  assert.deepEqual(first.problems, []);
  await first.context.close();

  // The audit log says who did what.
  await admin.page.getByRole("link", { name: "Logboek" }).click();
  const log = await admin.page.locator("table").innerText();
  assert.match(log, /create campaign\s+samen-in-dordt/);
  assert.match(log, /opbouw@welzijn\.nl\s+moderate/);
  assert.deepEqual(await axe(admin.page), [], "the audit log");
  assert.deepEqual(admin.problems, []);
  await admin.context.close();
});
