// What the resident-page benchmarks (page_weight.mjs, lighthouse.mjs) need on a fresh server: an entry
// of each kind at one spot (so the form finds entries nearby), a worker's event with its tablet link
// (the kiosk), a campaign with a survey, and a resident's private link.
import { addStaff, signIn, staffApi } from "../tests/e2e/harness.mjs";

/** Where the journeys search: Bolstraat 1, Utrecht, in the PDOK stand-in. */
export const SPOT = { lon: 5.13291, lat: 52.08882 };
const PASSWORD = "een lang wachtwoord voor het meten";

async function post(app, path, body) {
  const res = await fetch(app.url + path, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  if (res.status !== 201) throw new Error(`POST ${path}: ${res.status} ${await res.text()}`);
  return res.json();
}

export async function seedResidentPages(app) {
  const receipts = {};
  for (const [kind, category, details] of [
    ["place", "library", { qualities: [] }],
    ["barrier", "steps", { severity: 2, affects: [] }],
    ["wish", "activity", {}],
  ]) {
    const r = await post(app, "/api/v1/submissions", {
      id: crypto.randomUUID(), respondent: crypto.randomUUID(), kind, category, location: SPOT, details, language: "nl",
    });
    receipts[kind] = r;
  }
  addStaff(app, "admin", "meten@gemeente.nl", PASSWORD);
  const admin = await signIn(app, "meten@gemeente.nl", PASSWORD);
  await staffApi(app, admin, "POST", "/campaigns", {
    id: "meten", status: "open", title: { nl: "Meten in de buurt" }, intro: {}, gemeenten: [],
    kinds: ["place", "barrier", "wish"], categories: {}, labels: {}, k: 5, demographics: true,
    questions: [{
      id: "buren", type: "single", text: { nl: "Hoe vaak spreek je buren?" }, required: true,
      options: [{ id: "week", text: { nl: "Elke week" } }, { id: "soms", text: { nl: "Soms" } }],
    }],
  });
  const today = new Date().toISOString().slice(0, 10);
  const event = await staffApi(app, admin, "POST", "/events", { campaign: "default", name: "Meten", place: "Plein", day: today });
  const link = await fetch(app.url + event.kiosk_url, { redirect: "manual" });
  const kioskCookies = (link.headers.getSetCookie?.() || []).map((c) => {
    const [name, ...value] = c.split(";")[0].split("=");
    return { name, value: value.join("="), url: app.url };
  });
  if (!kioskCookies.length) throw new Error("the kiosk link set no cookie");
  // The private link, as the thank-you page gives it.
  const { id, edit_key: key } = receipts.barrier;
  if (!key) throw new Error("the receipt has no private link key");
  return {
    kiosk: `/kiosk/${event.id}/drempel`,
    kioskCookies,
    survey: `/campagne/meten/vragen?r=${crypto.randomUUID()}`,
    own: `/mijn/${id}?sleutel=${key}`,
  };
}
