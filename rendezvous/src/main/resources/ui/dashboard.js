// The dashboard: polls /ui/api/analytics/<app> every 2 s and renders it. No library, no CDN.
// Self-check for tests: <body data-errors> counts script errors, data-models the model rows rendered.
"use strict";
(function () {
  const body = document.body;
  let errors = 0;
  window.addEventListener("error", (e) => {
    errors++;
    body.dataset.errors = String(errors);
    document.getElementById("page-errors").textContent += (e.message || String(e)) + "\n";
  });

  const params = new URLSearchParams(location.search);
  const state = { app: params.get("app"), sizeMs: params.get("window") ? Number(params.get("window")) : null };
  const colors = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf"];

  const fmt = (v, digits = 3) => (v === null || v === undefined || Number.isNaN(v)) ? "–" : Number(v).toFixed(digits);
  const el = (tag, text, cls) => { const e = document.createElement(tag); if (text !== undefined) e.textContent = text; if (cls) e.className = cls; return e; };

  async function loadApps() {
    const response = await fetch("/ui/api/apps");
    const data = await response.json();
    const select = document.getElementById("app");
    select.replaceChildren(...data.apps.map((a) => { const o = el("option", a); o.value = a; return o; }));
    if (!state.app || !data.apps.includes(state.app)) state.app = data.apps[0];
    select.value = state.app;
    select.onchange = () => { state.app = select.value; refresh(); };
  }

  async function refresh() {
    const status = document.getElementById("status");
    try {
      const response = await fetch("/ui/api/analytics/" + encodeURIComponent(state.app));
      const data = await response.json();
      if (!response.ok) { status.textContent = data.error || ("HTTP " + response.status); return; }
      render(data);
      status.textContent = "updated " + new Date().toLocaleTimeString();
      body.dataset.updated = String(Date.now());
    } catch (e) {
      status.textContent = "cannot reach the gateway: " + e;
    }
  }

  function render(data) {
    const sizes = data.windows.map((w) => w.sizeMs);
    if (!sizes.includes(state.sizeMs)) state.sizeMs = sizes.length ? sizes[0] : null;
    const buttons = document.getElementById("windows");
    buttons.replaceChildren(...sizes.map((s) => {
      const b = el("button", s >= 3600000 ? (s / 3600000) + " h" : s >= 60000 ? (s / 60000) + " min" : (s / 1000) + " s", s === state.sizeMs ? "selected" : "");
      b.onclick = () => { state.sizeMs = s; render(data); };
      return b;
    }));
    const window = data.windows.find((w) => w.sizeMs === state.sizeMs);
    const models = window ? window.models : [];
    document.getElementById("window-range").textContent = window
      ? "window " + new Date(window.startMs).toLocaleTimeString() + " – " + new Date(window.startMs + window.sizeMs).toLocaleTimeString() : "no figures yet";
    renderModels(models);
    renderMatrix(models);
    const history = window ? window.history : {};
    plot("drift-plot", history, "drift");
    plot("latency-plot", history, "latencyP99Ms");
    body.dataset.models = String(models.length);
  }

  function renderModels(models) {
    const rows = models.map((m) => {
      const tr = el("tr");
      tr.dataset.model = m.model + "@" + m.version;
      const cells = [m.model + "@" + m.version, m.role, String(m.requests), fmt(m.winShare), fmt(m.lateShare), fmt(m.errorShare),
        fmt(m.agreementWithServed), fmt(m.agreementWithCanary), fmt(m.drift), fmt(m.driftFromPrevious), fmt(m.latencyMs.p50, 1) + " / " + fmt(m.latencyMs.p99, 1)];
      cells.forEach((c, i) => {
        const td = el("td", c);
        if (i === 7) td.className = "agreement-canary";
        if (i === 8) td.className = "drift";
        if (i === 9) td.className = "drift-previous";
        tr.appendChild(td);
      });
      return tr;
    });
    document.querySelector("#models tbody").replaceChildren(...rows);
  }

  function renderMatrix(models) {
    const live = models.filter((m) => m.role === "live").map((m) => m.model + "@" + m.version);
    const canary = models.length ? models[0].canary : null;
    const columns = canary ? live.concat([canary]) : live;
    const head = el("tr");
    head.appendChild(el("th", ""));
    columns.forEach((c) => head.appendChild(el("th", c === canary ? c + " (canary)" : c)));
    document.querySelector("#matrix thead").replaceChildren(head);
    const rows = models.filter((m) => m.role === "live").map((m) => {
      const ref = m.model + "@" + m.version;
      const tr = el("tr");
      tr.appendChild(el("td", ref));
      columns.forEach((c) => tr.appendChild(el("td", c === ref ? "1.000" : c === canary ? fmt(m.agreementWithCanary) : fmt(m.agreementWithLive[c]))));
      return tr;
    });
    document.querySelector("#matrix tbody").replaceChildren(...rows);
  }

  function plot(id, history, field) {
    const svg = document.getElementById(id);
    const ns = "http://www.w3.org/2000/svg";
    const series = Object.entries(history).map(([ref, points]) => [ref, points.filter((p) => p[field] !== null && p[field] !== undefined)])
      .filter(([, points]) => points.length > 0);
    const all = series.flatMap(([, points]) => points);
    svg.replaceChildren();
    if (all.length === 0) return;
    const xs = all.map((p) => p.startMs), ys = all.map((p) => p[field]);
    const x0 = Math.min(...xs), x1 = Math.max(...xs), y1 = Math.max(0.001, ...ys);
    const X = (x) => 40 + (x1 === x0 ? 260 : (x - x0) / (x1 - x0) * 540), Y = (y) => 200 - y / y1 * 180;
    const axis = document.createElementNS(ns, "text");
    axis.setAttribute("x", "2"); axis.setAttribute("y", "14"); axis.setAttribute("font-size", "11"); axis.textContent = fmt(y1);
    svg.appendChild(axis);
    series.forEach(([ref, points], i) => {
      const color = colors[i % colors.length];
      const line = document.createElementNS(ns, "polyline");
      line.setAttribute("fill", "none"); line.setAttribute("stroke", color); line.setAttribute("stroke-width", "2");
      line.setAttribute("points", points.map((p) => X(p.startMs) + "," + Y(p[field])).join(" "));
      svg.appendChild(line);
      points.forEach((p) => {
        const dot = document.createElementNS(ns, "circle");
        dot.setAttribute("cx", X(p.startMs)); dot.setAttribute("cy", Y(p[field])); dot.setAttribute("r", "3"); dot.setAttribute("fill", color);
        svg.appendChild(dot);
      });
      const label = document.createElementNS(ns, "text");
      label.setAttribute("x", "45"); label.setAttribute("y", String(28 + 13 * i)); label.setAttribute("font-size", "11"); label.setAttribute("fill", color);
      label.textContent = ref;
      svg.appendChild(label);
    });
  }

  loadApps().then(refresh).then(() => setInterval(refresh, 2000));
})();
