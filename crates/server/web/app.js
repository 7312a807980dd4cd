// detente dashboard: the actor report, a dyad's pulse, the relation network
// and a world map, all as of one date, all from /api/v1.
"use strict";

const main = document.getElementById("main");
const asOfInput = document.getElementById("as-of");
const slider = document.getElementById("as-of-slider");
const charts = [];

const KIND_COLORS = {
  diplomatic: "#1f5fa8", stance: "#8e44ad", alliance: "#16a085", membership: "#27ae60",
  conflict: "#c0392b", sanction: "#d35400", aid: "#2c9c6a", mediation: "#b7950b",
  treaty: "#34495e", dispute: "#e67e22",
};
const STATUS_COLORS = {
  none: "#c0392b", severed: "#e74c3c", interrupted: "#f39c12", established: "#2e86c1",
  resumed: "#5dade2", positive: "#27ae60", aligned: "#1e8449", cooperative: "#52be80",
  member: "#1f5fa8", partner: "#5dade2", observer: "#aab7c4", hostile: "#922b21",
  adversarial: "#a93226", tense: "#e67e22", strained: "#f5b041", war: "#641e16",
};
const QUAD = [
  ["verbal_cooperation", "Verbal cooperation", "#7fc97f"],
  ["material_cooperation", "Material cooperation", "#1b7837"],
  ["verbal_conflict", "Verbal conflict", "#fdb462"],
  ["material_conflict", "Material conflict", "#d7301f"],
];

function esc(s) {
  return String(s ?? "").replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c]));
}

async function api(path) {
  const r = await fetch("/api/v1" + path, { headers: { Accept: "application/json" } });
  const body = await r.json().catch(() => null);
  if (!r.ok) {
    const e = new Error(body?.error?.message || `HTTP ${r.status}`);
    e.code = body?.error?.code;
    throw e;
  }
  return body;
}

function today() {
  return new Date().toISOString().slice(0, 10);
}

// ---- routing and the shared "as of" date ----------------------------------

function route() {
  const [path, query] = location.hash.replace(/^#/, "").split("?");
  const parts = path.split("/").filter(Boolean).map(decodeURIComponent);
  const params = new URLSearchParams(query || "");
  return { page: parts[0] || "actor", args: parts.slice(1), params };
}

function go(page, args, params) {
  const p = new URLSearchParams(params || {});
  p.set("as_of", asOf());
  location.hash = "#/" + [page, ...args].map(encodeURIComponent).join("/") + "?" + p.toString();
}

function asOf() {
  return asOfInput.value || today();
}

function setAsOf(day, rerender) {
  asOfInput.value = day;
  slider.value = day.slice(0, 4);
  if (rerender) {
    const r = route();
    r.params.set("as_of", day);
    location.hash = "#/" + [r.page, ...r.args].map(encodeURIComponent).join("/") + "?" + r.params.toString();
  }
}

asOfInput.addEventListener("change", () => asOfInput.value && setAsOf(asOfInput.value, true));
slider.addEventListener("input", () => { asOfInput.value = `${slider.value}-${asOf().slice(5)}`; });
slider.addEventListener("change", () => setAsOf(`${slider.value}-${asOf().slice(5)}`, true));
document.getElementById("today").addEventListener("click", () => setAsOf(today(), true));
window.addEventListener("hashchange", render);
window.addEventListener("resize", () => charts.forEach((c) => c.resize()));

function citeButton(item) {
  const where = item.paragraph ? `${item.source} ¶${item.paragraph}` : item.source;
  return `<button class="cite" data-quote="${esc(item.quote)}" data-source="${esc(where)}" title="${esc(item.quote)}">[${esc(where)}]</button>`;
}

document.addEventListener("click", (e) => {
  const b = e.target.closest("button.cite");
  if (!b) return;
  document.getElementById("cite-quote").textContent = `“${b.dataset.quote}”`;
  document.getElementById("cite-source").textContent = b.dataset.source;
  document.getElementById("cite").showModal();
});

function span(from, to) {
  if (!from && !to) return "";
  return `<span class="when-span">${esc(from || "?")} – ${esc(to || "")}</span>`;
}

function disposeCharts() {
  while (charts.length) charts.pop().dispose();
}

async function render() {
  const r = route();
  const day = r.params.get("as_of") || asOfInput.value || today();
  if (day !== asOfInput.value) setAsOf(day, false);
  document.querySelectorAll("nav a").forEach((a) => a.classList.toggle("active", a.dataset.page === r.page));
  disposeCharts();
  main.innerHTML = `<p class="note">Loading…</p>`;
  try {
    if (r.page === "dyad") await dyadPage(r.args[0] || "USA", r.args[1] || "RUS", r.params);
    else if (r.page === "network") await networkPage(r.params);
    else if (r.page === "map") await mapPage(r.params);
    else await actorPage(r.args[0] || "RUS");
  } catch (e) {
    main.innerHTML = `<p class="error" data-error-code="${esc(e.code || "")}">${esc(e.message)}</p>`;
  }
}

// ---- actor page -------------------------------------------------------------

async function actorPage(id) {
  const day = asOf();
  const [report, actor] = await Promise.all([
    api(`/actors/${encodeURIComponent(id)}/report?as_of=${day}`),
    api(`/actors/${encodeURIComponent(id)}?as_of=${day}`),
  ]);
  const a = report.actor;
  const codes = [a.iso3 && `ISO ${a.iso3}`, a.cow_code && `COW ${a.cow_code} ${a.cow_abbrev || ""}`, a.gw_code && `GW ${a.gw_code}`]
    .filter(Boolean).join(" · ");
  const section = (key, title, items) => items.length === 0 ? "" : `
    <section class="card" data-section="${esc(key)}">
      <h3>${esc(title)} <span class="note">(${items.length})</span></h3>
      <ul class="items">${items.map((i) => `
        <li data-text="${esc(i.text)}">${esc(i.text)}${span(i.valid_from, i.valid_to)} ${citeButton(i)}
          ${i.caveat ? `<div class="caveat">${esc(i.caveat)}</div>` : ""}</li>`).join("")}
      </ul>
    </section>`;
  const members = actor.memberships.map((m) => {
    const other = m.subject.toUpperCase() === a.id.toUpperCase() ? (m.object_name || m.object) : m.subject_name;
    return `<li>${esc(m.kind)} ${esc(m.status)}: ${esc(other)}${span(m.valid_from, m.valid_to)} ${citeButton(m)}</li>`;
  }).join("");
  main.innerHTML = `
    <form class="controls" id="pick">
      <label>Actor <input name="actor" list="actor-list" value="${esc(a.id)}" required></label>
      <button>Show</button>
      <a href="#/map?actor=${esc(a.id)}&kind=diplomatic&as_of=${day}">map of its relations</a>
    </form>
    <h2 id="actor-title">${esc(a.name)} <span class="note">as of ${esc(report.as_of)}</span></h2>
    <p class="note">${esc(codes)}</p>
    ${report.sections.map((s) => section(s.key, s.title, s.items)).join("")}
    ${section("undetermined", "Start not known", report.undetermined)}
    ${members ? `<section class="card" data-section="memberships"><h3>Memberships, alliances and roles</h3><ul class="items">${members}</ul></section>` : ""}`;
  document.getElementById("pick").addEventListener("submit", (e) => {
    e.preventDefault();
    go("actor", [new FormData(e.target).get("actor").trim()]);
  });
}

// ---- dyad page --------------------------------------------------------------

async function dyadPage(a, b, params) {
  const freq = params.get("freq") || "week";
  const from = params.get("from") || "", to = params.get("to") || "";
  const day = asOf();
  const enc = (x) => encodeURIComponent(x);
  const range = new URLSearchParams();
  if (from) range.set("from", from);
  if (to) range.set("to", to);
  const [history, pulse] = await Promise.all([
    api(`/dyads/${enc(a)}/${enc(b)}/history`),
    api(`/dyads/${enc(a)}/${enc(b)}/pulse?freq=${freq}&${range}`).catch((e) => ({ error: e })),
  ]);
  let shifts = null;
  if (!pulse.error) shifts = await api(`/dyads/${enc(a)}/${enc(b)}/shifts?${range}`).catch(() => null);
  main.innerHTML = `
    <form class="controls" id="pick">
      <label>Actor A <input name="a" list="actor-list" value="${esc(a)}" required></label>
      <label>Actor B <input name="b" list="actor-list" value="${esc(b)}" required></label>
      <label>From <input name="from" value="${esc(from)}" placeholder="first event" size="10"></label>
      <label>To <input name="to" value="${esc(to)}" placeholder="last event" size="10"></label>
      <label>Period <select name="freq">${["day", "week", "month"].map((f) => `<option ${f === freq ? "selected" : ""}>${f}</option>`).join("")}</select></label>
      <button>Show</button>
    </form>
    <h2>${esc(a)} – ${esc(b)}</h2>
    <section class="card">
      <h3>Pulse: events per ${esc(freq)} by QuadClass, mean Goldstein</h3>
      ${pulse.error
        ? `<p class="note" id="pulse-missing" data-error-code="${esc(pulse.error.code || "")}">${esc(pulse.error.message)}</p>`
        : `<div id="pulse-chart" class="chart"></div>
           <p class="note">Source ${esc(pulse.source)}; bars stacked by QuadClass, line: mean Goldstein (right axis);
           red dashed lines: shifts found; grey lines: atlas facts of the pair; blue: the "as of" date.
           Periods without data (coverage 0) are gaps, not zeros.</p>`}
    </section>
    <section class="card">
      <h3>History in the atlas (${history.length})</h3>
      <table class="facts"><thead><tr><th>When</th><th>Fact</th><th>Source</th></tr></thead><tbody>
      ${history.map((f) => `<tr><td>${esc(f.valid_from || "")}${f.valid_to ? " – " + esc(f.valid_to) : ""}</td>
        <td>${esc(f.summary)}</td><td>${citeButton(f)}</td></tr>`).join("")}
      </tbody></table>
    </section>`;
  document.getElementById("pick").addEventListener("submit", (e) => {
    e.preventDefault();
    const f = new FormData(e.target);
    const p = { freq: f.get("freq") };
    if (f.get("from").trim()) p.from = f.get("from").trim();
    if (f.get("to").trim()) p.to = f.get("to").trim();
    go("dyad", [f.get("a").trim(), f.get("b").trim()], p);
  });
  if (!pulse.error) drawPulse(pulse, shifts, history, day);
}

function drawPulse(pulse, shifts, history, day) {
  const el = document.getElementById("pulse-chart");
  const chart = echarts.init(el);
  charts.push(chart);
  const periods = pulse.periods;
  const first = periods[0]?.start, last = periods[periods.length - 1]?.end;
  const x = periods.map((p) => p.start);
  const inRange = (d) => d && first && d >= first && d <= last;
  const marks = [];
  for (const s of shifts?.shifts || []) {
    marks.push({ xAxis: s.date, name: `shift: ${s.series} ${s.direction}`, lineStyle: { color: "#c0392b", type: "dashed" } });
  }
  for (const f of history) {
    const d = (f.valid_from || "").length === 4 ? f.valid_from + "-01-01" : (f.valid_from || "").length === 7 ? f.valid_from + "-01" : f.valid_from;
    if (inRange(d)) marks.push({ xAxis: nearest(x, d), name: f.summary, lineStyle: { color: "#7f8c8d", type: "solid" } });
  }
  if (inRange(day)) marks.push({ xAxis: nearest(x, day), name: `as of ${day}`, lineStyle: { color: "#1f5fa8", width: 2 } });
  el.dataset.annotations = String(marks.length);
  el.dataset.facts = String(marks.filter((m) => m.lineStyle.color === "#7f8c8d").length);
  el.dataset.shifts = String(shifts?.shifts?.length || 0);
  const series = QUAD.map(([key, name, color]) => ({
    name, type: "bar", stack: "q", itemStyle: { color }, data: periods.map((p) => p[key]),
  }));
  series.push({
    name: "Mean Goldstein", type: "line", yAxisIndex: 1, connectNulls: false, symbolSize: 5,
    itemStyle: { color: "#2c3e50" }, data: periods.map((p) => p.goldstein_mean),
    markLine: { symbol: "none", label: { formatter: (m) => m.name.slice(0, 40), fontSize: 10, position: "insideEndTop" }, data: marks },
  });
  chart.on("finished", () => { el.dataset.rendered = "1"; });
  chart.setOption({
    animation: false,
    tooltip: {
      trigger: "axis",
      formatter: (items) => {
        const p = periods[items[0].dataIndex];
        const rows = QUAD.map(([k, n]) => `${n}: ${p[k] ?? "–"}`);
        return `<b>${p.start} – ${p.end}</b><br>events: ${p.events ?? "–"} (coverage ${(p.coverage * 100).toFixed(0)}%)<br>${rows.join("<br>")}` +
          `<br>mean Goldstein: ${p.goldstein_mean?.toFixed(2) ?? "–"}<br>mean tone: ${p.tone_mean?.toFixed(2) ?? "–"}`;
      },
    },
    legend: { top: 0 },
    grid: { left: 50, right: 50, top: 40, bottom: 60 },
    xAxis: { type: "category", data: x },
    yAxis: [{ type: "value", name: "events" }, { type: "value", name: "Goldstein", min: -10, max: 10 }],
    dataZoom: [{ type: "inside" }, { type: "slider", height: 18, bottom: 10 }],
    series,
  });
}

function nearest(x, d) {
  let best = x[0];
  for (const v of x) if (v <= d) best = v;
  return best;
}

// ---- network page -----------------------------------------------------------

async function networkPage(params) {
  const kind = params.get("kind") || "";
  const status = params.get("status") || "";
  const focus = (params.get("actor") || "").toUpperCase();
  const q = new URLSearchParams({ as_of: asOf() });
  if (kind) q.set("kind", kind);
  if (status) q.set("status", status);
  const ans = await api(`/relations?${q}`);
  let rels = ans.relations.filter((r) => r.object);
  if (focus) rels = rels.filter((r) => r.subject.toUpperCase() === focus || r.object.toUpperCase() === focus);
  const nodes = new Map();
  for (const r of rels) {
    nodes.set(r.subject, r.subject_name);
    nodes.set(r.object, r.object_name || r.object);
  }
  const degree = new Map();
  for (const r of rels) for (const n of [r.subject, r.object]) degree.set(n, (degree.get(n) || 0) + 1);
  const kinds = Object.keys(KIND_COLORS);
  main.innerHTML = `
    <form class="controls" id="pick">
      <label>Kind <select name="kind"><option value="">all</option>${kinds.map((k) => `<option ${k === kind ? "selected" : ""}>${k}</option>`).join("")}</select></label>
      <label>Status <input name="status" value="${esc(status)}" placeholder="any"></label>
      <label>Only relations of <input name="actor" list="actor-list" value="${esc(focus)}" placeholder="any actor"></label>
      <button>Show</button>
    </form>
    <h2>Relation network <span class="note">as of ${esc(ans.as_of)}: ${rels.length} relations, ${nodes.size} actors</span></h2>
    <p class="legend">${kinds.map((k) => `<span><i style="background:${KIND_COLORS[k]}"></i>${k}</span>`).join("")}</p>
    <div id="network-chart" class="chart tall" data-edges="${rels.length}"></div>`;
  document.getElementById("pick").addEventListener("submit", (e) => {
    e.preventDefault();
    const f = new FormData(e.target);
    const p = {};
    for (const k of ["kind", "status", "actor"]) if (f.get(k)) p[k] = f.get(k).trim();
    go("network", [], p);
  });
  const chart = echarts.init(document.getElementById("network-chart"));
  charts.push(chart);
  chart.setOption({
    animation: false,
    tooltip: {
      formatter: (p) => p.dataType === "edge"
        ? `${esc(p.data.label)}<br><i>“${esc(p.data.quote)}”</i><br>${esc(p.data.cite)}`
        : `${esc(p.data.name)} (${p.data.value} relations)`,
    },
    series: [{
      type: "graph", layout: "force", roam: true, draggable: true,
      force: { repulsion: 180, edgeLength: [60, 160] },
      label: { show: true, fontSize: 10, position: "right" },
      edgeSymbol: ["none", "arrow"], edgeSymbolSize: 6,
      data: [...nodes].map(([id, name]) => ({ id, name: name || id, value: degree.get(id), symbolSize: 6 + Math.sqrt(degree.get(id)) * 4 })),
      links: rels.map((r) => ({
        source: r.subject, target: r.object,
        label: `${r.subject_name} → ${r.object_name || r.object}: ${r.kind} ${r.status}`,
        quote: r.quote, cite: r.paragraph ? `${r.source} ¶${r.paragraph}` : r.source,
        lineStyle: { color: KIND_COLORS[r.kind] || "#999", width: 1.4, opacity: 0.75, curveness: 0.1 },
      })),
    }],
  });
}

// ---- map page ---------------------------------------------------------------

let worldReady = null;
function world() {
  worldReady ??= fetch("/static/vendor/countries-110m.json").then((r) => r.json()).then((topo) => {
    const geo = topojson.feature(topo, topo.objects.countries);
    // Russia (643) and Fiji (242) cross the antimeridian: draw their far-east
    // parts east of 180° rather than as bands across the map.
    const wrap = (c) => (Array.isArray(c[0]) ? c.map(wrap) : [c[0] < 0 ? c[0] + 360 : c[0], c[1]]);
    for (const f of geo.features) {
      if (f.id === "643" || f.id === "242") f.geometry.coordinates = wrap(f.geometry.coordinates);
    }
    echarts.registerMap("world", geo);
    return geo;
  });
  return worldReady;
}

async function mapPage(params) {
  const actorId = params.get("actor") || "RUS";
  const kind = params.get("kind") || "diplomatic";
  const [geo, actors, ans] = await Promise.all([
    world(),
    api("/actors"),
    api(`/actors/${encodeURIComponent(actorId)}/relations?as_of=${asOf()}&kind=${encodeURIComponent(kind)}`),
  ]);
  const byId = new Map(actors.map((a) => [a.id.toUpperCase(), a]));
  const statusOf = new Map();
  const evidence = new Map();
  for (const r of ans.relations) {
    if (!r.object) continue;
    const other = r.subject.toUpperCase() === ans.actor.toUpperCase() ? r.object : r.subject;
    const a = byId.get(other.toUpperCase());
    if (a?.un_m49 == null) continue;
    const key = String(a.un_m49).padStart(3, "0");
    statusOf.set(key, r.status);
    evidence.set(key, r);
  }
  const self = byId.get(ans.actor.toUpperCase());
  const selfKey = self?.un_m49 != null ? String(self.un_m49).padStart(3, "0") : null;
  const data = geo.features.map((f) => {
    const s = statusOf.get(f.id);
    const color = f.id === selfKey ? "#2c3e50" : s ? (STATUS_COLORS[s] || "#7f8c8d") : "#e5e8ec";
    return { name: f.properties.name, status: s || (f.id === selfKey ? "self" : ""), rel: evidence.get(f.id), itemStyle: { areaColor: color } };
  });
  const statuses = [...new Set(statusOf.values())];
  main.innerHTML = `
    <form class="controls" id="pick">
      <label>Actor <input name="actor" list="actor-list" value="${esc(actorId)}" required></label>
      <label>Relation <select name="kind">${Object.keys(KIND_COLORS).map((k) => `<option ${k === kind ? "selected" : ""}>${k}</option>`).join("")}</select></label>
      <button>Show</button>
    </form>
    <h2>${esc(kind)} relations of ${esc(self?.name || actorId)} <span class="note">as of ${esc(ans.as_of)}</span></h2>
    <p class="legend" id="map-legend">${statuses.map((s) => `<span data-status="${esc(s)}"><i style="background:${STATUS_COLORS[s] || "#7f8c8d"}"></i>${esc(s)}: ${[...statusOf.values()].filter((x) => x === s).length}</span>`).join("")}
      <span><i style="background:#e5e8ec"></i>nothing recorded</span></p>
    <div id="map-chart" class="chart tall"></div>
    <p class="note">Countries outlines: Natural Earth 1:110m via world-atlas. States are matched by their UN M49 code.</p>`;
  document.getElementById("pick").addEventListener("submit", (e) => {
    e.preventDefault();
    const f = new FormData(e.target);
    go("map", [], { actor: f.get("actor").trim(), kind: f.get("kind") });
  });
  const chart = echarts.init(document.getElementById("map-chart"));
  charts.push(chart);
  chart.setOption({
    animation: false,
    tooltip: {
      formatter: (p) => {
        const r = p.data?.rel;
        return r ? `<b>${esc(p.name)}</b>: ${esc(r.kind)} ${esc(r.status)}<br><i>“${esc(r.quote)}”</i><br>${esc(r.source)}` : esc(p.name);
      },
    },
    series: [{ type: "map", map: "world", roam: true, emphasis: { label: { show: false } }, data }],
  });
}

// ---- start --------------------------------------------------------------------

(async function start() {
  setAsOf(route().params.get("as_of") || today(), false);
  try {
    const actors = await api("/actors");
    document.getElementById("actor-list").innerHTML = actors.map((a) => `<option value="${esc(a.id)}">${esc(a.name)}</option>`).join("");
  } catch (_) { /* the pages say what failed */ }
  render();
})();
