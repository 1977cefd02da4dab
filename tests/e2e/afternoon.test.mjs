// An opbouwwerker's afternoon: two residents on their phones offer a wish and a talent near each
// other; the worker sees the match on the talents page and leaves a note on the wish; the resident
// reads it through their private link and replies; the worker publishes the reply and sets the
// status, which the area's "you said, we did" page shows; an advisor prints the area report, which
// the test saves as PDF through Chromium and reads back with pdftotext.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { LAPTOP, addStaff, axe, phonePage, sendWish, signInPage, startAll } from "./harness.mjs";

let env;
before(async () => { env = await startAll({ areas: true }); });
after(async () => { await env?.close(); });

const PASSWORD = "lang-genoeg-wachtwoord";
// In Dordrecht (GM0505); the neighbour 300 m east.
const HERE = { latitude: 51.8133, longitude: 4.6901 };
const NEIGHBOUR = { latitude: 51.8133, longitude: 4.6901 + 300 / (111195 * Math.cos(51.8133 * Math.PI / 180)) };
const NOTE = "We beginnen dinsdag een kookavond in het buurthuis: kom langs!";
const REPLY = "Ik kom graag, en ik neem een pan soep mee.";

/** A wish made on a phone at `where`: its id and private link. */
async function wish(where, text, talent) {
  const sent = await sendWish(env, where, text, talent);
  assert.deepEqual(sent.resident.problems, []);
  return sent;
}

const signIn = (page, email) => signInPage(page, env.app, email, PASSWORD);

test("an opbouwwerker's afternoon: a match, a note, a reply, 'you said, we did' and the printed report", async () => {
  addStaff(env.app, "worker", "opbouw@welzijn.nl", PASSWORD, ["GM0505"]);

  // Residents offer a wish and a talent, 300 m apart.
  const asker = await wish(HERE, "Een kookavond in de buurt, samen eten", null);
  const cook = await wish(NEIGHBOUR, "Samen eten met de buren", "Ik kan koken voor twintig mensen");
  await cook.resident.context.close();

  // The worker sees the match and leaves a note on the wish.
  const worker = await phonePage(env.browser, { device: LAPTOP });
  await signIn(worker.page, "opbouw@welzijn.nl");
  await worker.page.getByRole("link", { name: "Wensen en talenten" }).click();
  await worker.page.getByRole("heading", { name: /Mogelijke koppelingen in Dordrecht/ }).waitFor();
  const match = worker.page.locator("li.match", { hasText: "Ik kan koken voor twintig mensen" });
  assert.match(await match.innerText(), /Een kookavond in de buurt/);
  assert.match(await match.innerText(), /\b(29\d|30\d) m\b/, "about 300 m apart");
  assert.deepEqual(await axe(worker.page), [], "the talents page");
  await match.getByRole("link", { name: "Toelichting bij de wens" }).click();
  await worker.page.waitForURL(/\/staff\/meldingen\?id=/);
  const item = worker.page.getByRole("article");
  assert.equal(await item.count(), 1, "the one wish");
  await item.getByLabel("Stand van zaken").selectOption("in_progress");
  await item.getByLabel("Toelichting voor bewoners").fill(NOTE);
  assert.deepEqual(await axe(worker.page), [], "the staff search");
  await item.getByRole("button", { name: "Opslaan" }).click();
  await worker.page.waitForURL(/\/staff\/meldingen\?id=.*melding=opgeslagen/);
  assert.equal(await worker.page.getByLabel("Toelichting voor bewoners").inputValue(), NOTE, "the field shows the note");

  // The resident reads it through the private link and replies.
  const own = asker.resident.page;
  await own.goto(`${env.app.url}${asker.privateLink}`);
  await own.getByText(NOTE).waitFor();
  await own.getByLabel("Jouw antwoord op de toelichting").fill(REPLY);
  await own.getByRole("button", { name: "Antwoord sturen" }).click();
  await own.getByText("Je antwoord is opgeslagen. Een medewerker leest het.").waitFor();
  assert.deepEqual(await axe(own), [], "the private page with the reply");
  assert.deepEqual(asker.resident.problems, []);

  // The worker publishes the reply from the queue and sets the status.
  await worker.page.goto(`${env.app.url}/staff`);
  const queued = worker.page.getByRole("article", { name: /Een activiteit/ }).filter({ hasText: REPLY });
  await queued.getByLabel("Antwoord openbaar maken").check();
  await queued.getByLabel("Stand van zaken").selectOption("taken_up");
  await queued.getByRole("button", { name: "Opslaan" }).click();
  await worker.page.waitForURL(/\/staff\?melding=opgeslagen/);
  assert.deepEqual(worker.problems, []);
  await worker.context.close();

  // The entry's page shows the note and the reply; the area's "you said, we did" the status.
  await own.goto(`${env.app.url}/melding/${asker.id}`);
  await own.getByText(REPLY).waitFor();
  await own.goto(`${env.app.url}/inzicht/gebied/GM0505`);
  await own.getByRole("link", { name: /Jullie zeiden, wij deden/ }).click();
  await own.getByRole("heading", { name: "Jullie zeiden, wij deden: Dordrecht" }).waitFor();
  const done = own.locator("li.done-entry", { has: own.locator(`a[href="/melding/${asker.id}"]`) });
  assert.match(await done.innerText(), /Opgepakt/);
  assert.match(await done.innerText(), /In behandeling/);
  assert.match(await done.innerText(), /kookavond in het buurthuis/);
  assert.deepEqual(await axe(own), [], "you said, we did");
  await asker.resident.context.close();

  // An advisor prints the area report: saved as PDF by Chromium, read back with pdftotext.
  const advisor = await phonePage(env.browser, { device: LAPTOP });
  await advisor.page.goto(`${env.app.url}/inzicht/gebied/GM0505`);
  await advisor.page.getByRole("link", { name: "Rapport om te printen (A4)" }).click();
  await advisor.page.getByRole("heading", { name: /Gebiedsrapport: Dordrecht/ }).waitFor();
  assert.equal(await advisor.page.locator("svg.report-svg circle").count(), 2, "both wishes on the map");
  assert.deepEqual(await axe(advisor.page), [], "the area report");
  await advisor.page.emulateMedia({ media: "print" });
  const pdf = await advisor.page.pdf({ format: "A4", printBackground: true });
  assert.deepEqual(advisor.problems, []);
  await advisor.context.close();
  const dir = mkdtempSync(join(tmpdir(), "trefpunt-report-"));
  try {
    const file = join(dir, "rapport.pdf");
    writeFileSync(file, pdf);
    const info = execFileSync("pdfinfo", [file], { encoding: "utf8" });
    const pages = Number(info.match(/^Pages:\s+(\d+)/m)[1]);
    assert.ok(pages >= 1 && pages <= 4, `${pages} pages`);
    console.log(`the area report printed: ${pages} A4 pages, ${Math.round(pdf.length / 1024)} KiB`);
    const text = execFileSync("pdftotext", ["-layout", file, "-"], { encoding: "utf8" });
    for (const heading of [
      "Gebiedsrapport: Dordrecht", "Kaart", "Kerncijfers", "Talenten en wensen", "Wie de drempels tegenhouden",
      "Enquête", "Wie deden er mee?", "Op loopafstand (10 minuten)", "Jullie zeiden, wij deden", "Waar dit op rust",
    ]) {
      assert.ok(text.includes(heading), `the PDF has "${heading}"`);
    }
    assert.ok(text.includes("kookavond in het buurthuis"), "the note on paper");
    assert.ok(!/\bInzicht\s+Privacy\b/.test(text), "no navigation bar on paper");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
