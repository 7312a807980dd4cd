// Browser tests of the dashboard. Usage: node test.mjs http://127.0.0.1:PORT
// Needs CHROMIUM (a Chromium binary) and writes screenshots to ARTIFACTS.
import { chromium } from "playwright-core";
import assert from "node:assert/strict";
import path from "node:path";

const base = process.argv[2];
const artifacts = process.env.ARTIFACTS || ".";
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  headless: true,
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
const problems = [];
page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
page.on("console", (m) => { if (m.type() === "error") problems.push(`console: ${m.text()}`); });
page.on("requestfailed", (r) => problems.push(`request failed: ${r.url()}`));

let failures = 0;
async function test(name, body) {
  const started = Date.now();
  try {
    await body();
    console.log(`ok   ${name} (${Date.now() - started} ms)`);
  } catch (e) {
    failures += 1;
    console.log(`FAIL ${name}: ${e.message}`);
    await page.screenshot({ path: path.join(artifacts, `failed-${name.replace(/\W+/g, "-")}.png`), fullPage: true }).catch(() => {});
  }
}

// The report as the page lists it: section key -> item texts.
async function listed() {
  return page.$$eval("[data-section]", (sections) => Object.fromEntries(sections.map((s) => [
    s.dataset.section,
    [...s.querySelectorAll("li[data-text]")].map((li) => li.dataset.text),
  ])));
}

// The report as the API gives it, in the same shape.
async function answered(day) {
  return page.evaluate(async (d) => {
    const r = await (await fetch(`/api/v1/actors/RUS/report?as_of=${d}`)).json();
    const out = Object.fromEntries(r.sections.filter((s) => s.items.length).map((s) => [s.key, s.items.map((i) => i.text)]));
    if (r.undetermined.length) out.undetermined = r.undetermined.map((i) => i.text);
    return out;
  }, day);
}

function withoutMemberships(x) {
  const { memberships, ...rest } = x;
  return rest;
}

await test("actor page follows the as-of date as the atlas says", async () => {
  await page.goto(`${base}/#/actor/RUS?as_of=2007-06-01`);
  await page.waitForSelector("#actor-title:has-text('2007-06-01')");
  const before = await listed();
  assert.deepEqual(withoutMemberships(before), await answered("2007-06-01"));
  await page.screenshot({ path: path.join(artifacts, "actor-RUS-2007.png"), fullPage: true });

  await page.fill("#as-of", "2023-06-01");
  await page.dispatchEvent("#as-of", "change");
  await page.waitForSelector("#actor-title:has-text('2023-06-01')");
  const after = await listed();
  assert.deepEqual(withoutMemberships(after), await answered("2023-06-01"));
  assert.notDeepEqual(before, after, "moving the date changed nothing on the page");
  const all = (x) => Object.values(x).flat().join("\n");
  // The seed text lists Ukraine among the states Russia has no diplomatic
  // relations with; Ukraine severed them in 2022.
  assert.match(all(after), /Ukraine/);
  await page.screenshot({ path: path.join(artifacts, "actor-RUS-2023.png"), fullPage: true });

  // A citation is one click away.
  await page.click("[data-section] button.cite");
  const quote = await page.textContent("#cite-quote");
  assert.ok(quote.length > 10, "empty citation");
  await page.keyboard.press("Escape");
});

await test("dyad page draws the pulse with shifts and atlas facts", async () => {
  await page.goto(`${base}/#/dyad/USA/RUS?as_of=2025-01-01`);
  await page.waitForSelector("#pulse-chart[data-rendered='1']", { timeout: 20000 });
  const chart = await page.$eval("#pulse-chart", (el) => ({
    annotations: Number(el.dataset.annotations),
    facts: Number(el.dataset.facts),
    canvas: !!el.querySelector("canvas"),
  }));
  assert.ok(chart.canvas, "no canvas");
  assert.ok(chart.facts > 0, `no atlas facts marked: ${JSON.stringify(chart)}`);
  // Hovering a period shows its numbers.
  const box = await page.$eval("#pulse-chart canvas", (c) => { const r = c.getBoundingClientRect(); return { x: r.x, y: r.y, w: r.width, h: r.height }; });
  await page.mouse.move(box.x + box.w * 0.9, box.y + box.h * 0.5);
  await page.waitForFunction(() => [...document.querySelectorAll("div")].some((d) => /events: /.test(d.textContent) && /Goldstein/.test(d.textContent) && d.offsetParent !== null), null, { timeout: 5000 });
  const rows = await page.$$eval("table.facts tbody tr", (r) => r.length);
  assert.ok(rows > 5, `history has ${rows} rows`);
  await page.screenshot({ path: path.join(artifacts, "dyad-USA-RUS.png"), fullPage: true });
});

await test("network page shows the relations of the day", async () => {
  await page.goto(`${base}/#/network?as_of=2023-01-01&kind=diplomatic`);
  await page.waitForSelector("#network-chart canvas");
  const edges = Number(await page.getAttribute("#network-chart", "data-edges"));
  const api = await page.evaluate(async () => (await (await fetch("/api/v1/relations?as_of=2023-01-01&kind=diplomatic")).json()).relations.filter((r) => r.object).length);
  assert.equal(edges, api);
  assert.ok(edges > 0);
  await page.waitForTimeout(1500);
  await page.screenshot({ path: path.join(artifacts, "network-2023.png") });
});

await test("map colours the states with no diplomatic relations with Russia", async () => {
  await page.goto(`${base}/#/map?actor=RUS&kind=diplomatic&as_of=2025-06-01`);
  await page.waitForSelector("#map-chart canvas");
  const none = await page.textContent("#map-legend [data-status='none']");
  // Ukraine, Georgia, Bhutan, Micronesia, the Solomon Islands; the 1:110m
  // outlines hold no shape for the small island states.
  assert.match(none, /none: [1-5]/);
  await page.screenshot({ path: path.join(artifacts, "map-RUS-2025.png") });
});

await test("API page renders the OpenAPI document", async () => {
  await page.goto(`${base}/api/docs`);
  await page.waitForSelector(".opblock", { timeout: 20000 });
  const ops = await page.$$eval(".opblock", (o) => o.length);
  assert.ok(ops >= 17, `${ops} operations`);
  await page.screenshot({ path: path.join(artifacts, "api-docs.png") });
});

await browser.close();
if (problems.length) {
  console.log(problems.join("\n"));
  failures += 1;
}
console.log(`browser tests: ${failures === 0 ? "all passed" : `${failures} failed`}; screenshots in ${artifacts}`);
process.exit(failures === 0 ? 0 : 1);
