// Shardshift dashboard: polls the status API once a second and draws the charts on <canvas>.
// No libraries and nothing fetched from elsewhere. Each canvas carries data-points (points drawn in its
// longest series) and data-series (series drawn), and <body> data-samples and data-last-t (time of the
// newest sample), so a headless browser can check the charts.
(function () {
  "use strict";
  const MAX_POINTS = 600;
  const COLORS = ["#2f6fde", "#e8590c", "#1a7f37", "#9c36b5", "#c92a2a", "#0b7285", "#5c940d", "#d6336c",
                  "#364fc7", "#a61e4d", "#087f5b", "#e67700"];
  const history = { t: [], targets: {}, partitions: {} };
  let migrationId = null;
  let acting = null;

  const $ = (id) => document.getElementById(id);

  function fmtBytes(n) {
    if (n == null || n < 0) return "–";
    const units = ["B", "KiB", "MiB", "GiB", "TiB"];
    let i = 0;
    while (n >= 1024 && i < units.length - 1) { n /= 1024; i++; }
    return (i === 0 ? n : n.toFixed(1)) + " " + units[i];
  }
  function fmtNum(n) { return n == null ? "–" : Number(n).toLocaleString("en-US", { maximumFractionDigits: 2 }); }
  function fmtMillis(v) { return v >= 10000 ? fmtNum(Math.round(v / 100) / 10) + " s" : Math.round(v) + " ms"; }
  function fmtTime(ms) { return new Date(ms).toLocaleTimeString("en-GB", { hour12: false }); }
  function el(tag, attrs, text) {
    const e = document.createElement(tag);
    Object.entries(attrs || {}).forEach(([k, v]) => e.setAttribute(k, v));
    if (text != null) e.textContent = text;
    return e;
  }

  // ---- history: columns appended from /v1/lag/history?since=<last t> ----
  function appendColumns(target, cols, before, added) {
    Object.entries(cols).forEach(([name, values]) => {
      const col = target[name] || (target[name] = new Array(before).fill(null));
      values.forEach((v) => col.push(v));
    });
    Object.values(target).forEach((col) => { while (col.length < before + added) col.push(null); });
  }
  function appendHistory(h) {
    const before = history.t.length, added = h.t.length;
    if (added === 0) return;
    h.t.forEach((t) => history.t.push(t));
    Object.entries(h.targets).forEach(([name, series]) => {
      const tgt = history.targets[name] || (history.targets[name] = {});
      appendColumns(tgt, series, before, added);
    });
    Object.values(history.targets).forEach((s) => appendColumns(s, {}, before, added));
    appendColumns(history.partitions, h.partitions, before, added);
    const extra = history.t.length - MAX_POINTS;
    if (extra > 0) {
      history.t.splice(0, extra);
      Object.values(history.targets).forEach((s) => Object.values(s).forEach((c) => c.splice(0, extra)));
      Object.values(history.partitions).forEach((c) => c.splice(0, extra));
    }
    document.body.dataset.samples = String(history.t.length);
    document.body.dataset.lastT = String(history.t[history.t.length - 1]);
  }

  // ---- a line chart on a canvas ----
  function drawChart(canvas, times, series, format) {
    const dpr = window.devicePixelRatio || 1;
    const w = canvas.clientWidth || 500, h = canvas.clientHeight || 200;
    canvas.width = Math.round(w * dpr);
    canvas.height = Math.round(h * dpr);
    const g = canvas.getContext("2d");
    g.setTransform(dpr, 0, 0, dpr, 0, 0);
    g.clearRect(0, 0, w, h);
    const left = 64, right = 8, top = 8, bottom = 36;
    const pw = w - left - right, ph = h - top - bottom;
    const names = Object.keys(series);
    let max = 0;
    names.forEach((n) => series[n].forEach((v) => { if (v != null && v > max) max = v; }));
    max = niceMax(max);
    const t0 = times.length ? times[0] : 0, t1 = times.length ? times[times.length - 1] : 1;
    const span = Math.max(1, t1 - t0);
    g.font = "11px system-ui, sans-serif";
    g.strokeStyle = "#eceef2";
    g.fillStyle = "#6b7385";
    g.lineWidth = 1;
    for (let i = 0; i <= 4; i++) {
      const y = top + ph - (ph * i) / 4;
      g.beginPath(); g.moveTo(left, y); g.lineTo(left + pw, y); g.stroke();
      g.textAlign = "right"; g.textBaseline = "middle";
      g.fillText(format((max * i) / 4), left - 6, y);
    }
    if (times.length) {
      g.textAlign = "left"; g.textBaseline = "top";
      g.fillText(fmtTime(t0), left, top + ph + 4);
      g.textAlign = "right";
      g.fillText(fmtTime(t1), left + pw, top + ph + 4);
    }
    let points = 0;
    names.forEach((name, idx) => {
      const values = series[name];
      g.strokeStyle = COLORS[idx % COLORS.length];
      g.lineWidth = 1.6;
      g.beginPath();
      let drawn = 0, pen = false;
      values.forEach((v, i) => {
        if (v == null) { pen = false; return; }
        const x = left + (pw * (times[i] - t0)) / span;
        const y = top + ph - (ph * v) / max;
        if (pen) g.lineTo(x, y); else g.moveTo(x, y);
        pen = true;
        drawn++;
      });
      g.stroke();
      points = Math.max(points, drawn);
    });
    // legend
    let lx = left;
    g.textAlign = "left"; g.textBaseline = "top";
    names.forEach((name, idx) => {
      g.fillStyle = COLORS[idx % COLORS.length];
      g.fillRect(lx, h - 13, 10, 10);
      g.fillStyle = "#1d2330";
      g.fillText(name, lx + 13, h - 14);
      lx += g.measureText(name).width + 26;
    });
    if (!names.length) {
      g.fillStyle = "#6b7385"; g.textAlign = "center";
      g.fillText("no data yet", left + pw / 2, top + ph / 2);
    }
    canvas.dataset.points = String(points);
    canvas.dataset.series = String(names.length);
    canvas.dataset.max = String(max);
  }
  function niceMax(v) {
    if (!(v > 0)) return 1;
    const p = Math.pow(10, Math.floor(Math.log10(v)));
    for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= v) return m * p;
    return 10 * p;
  }
  function pick(field) {
    const out = {};
    Object.entries(history.targets).forEach(([name, s]) => { if (s[field]) out[name] = s[field]; });
    return out;
  }
  // Legend labels: "p<N>" when every partition is of one topic, else "<table>-<N>".
  function partitionSeries() {
    const keys = Object.keys(history.partitions);
    const topics = new Set(keys.map((k) => k.slice(0, k.lastIndexOf("-"))));
    const out = {};
    keys.forEach((k) => {
      const label = topics.size === 1 ? "p" + k.slice(k.lastIndexOf("-") + 1) : k.slice(k.lastIndexOf(".") + 1);
      out[label] = history.partitions[k];
    });
    return out;
  }
  function drawCharts() {
    drawChart($("chart-lag-seconds"), history.t, pick("lagSeconds"), (v) => fmtNum(Math.round(v * 10) / 10) + " s");
    drawChart($("chart-lag-bytes"), history.t, pick("lagBytes"), fmtBytes);
    drawChart($("chart-partitions"), history.t, partitionSeries(), (v) => fmtNum(Math.round(v)));
    drawChart($("chart-latency"), history.t, pick("recentP99Millis"), fmtMillis);
  }

  // ---- status panels ----
  function renderStatus(s) {
    migrationId = s.id;
    $("migration-id").textContent = s.id;
    migrationPhase = s.phase;
    renderHeader();
    $("tile-consumer-lag").textContent = fmtNum(s.consumerLagTotal);
    $("tile-lag-seconds").textContent = fmtNum(Math.max(0, ...s.targets.map((t) => t.lagSeconds)));
    // The main figure is the recent window's p99 (the worst target's); the since-start p99, which the backfill
    // dominates long after it ended, is secondary.
    $("tile-p99").textContent = fmtNum(Math.max(0, ...s.targets.map((t) => t.latency.recentP99Millis)));
    $("tile-p99").dataset.takenAt = String(s.takenAtMillis);
    $("tile-p99-since").textContent = "ms commit → applied, worst target, last ~30 s; since start "
      + fmtNum(Math.max(0, ...s.targets.map((t) => t.latency.p99Millis))) + " ms";
    $("tile-slot").textContent = fmtBytes(s.source.slotRetainedWalBytes);
    const walStatus = s.source.slotWalStatus || "unknown";
    $("tile-slot-status").textContent = "on the source, wal_status " + walStatus;
    $("tile-slot-status").dataset.walStatus = walStatus;
    $("tile-slot-status").className = "unit" + (walStatus === "reserved" || walStatus === "unknown" ? "" : " warn");
    $("tile-dlq").textContent = fmtNum(s.deadLetters.topicEvents);
    $("tile-lsn").textContent = s.source.walLsn + " / " + s.source.capturedLsn;
    $("tile-published").textContent = fmtNum(s.source.capturePublished) + " events published";
    // "(a: 3, b: 2)" when more than one migrator instance copied chunks of the table
    const instanceShares = (by) => {
      const names = Object.keys(by || {});
      return names.length > 1 ? " (" + names.map((n) => n + ": " + by[n]).join(", ") + ")" : "";
    };
    const backfill = $("backfill");
    backfill.replaceChildren();
    if (!s.backfill.length) backfill.appendChild(el("p", { class: "muted" }, "no table planned yet"));
    s.backfill.forEach((b) => {
      const pct = Math.round(b.fraction * 100);
      backfill.appendChild(el("div", {}, b.table + ": " + fmtNum(b.rowsRead) + " rows"
        + (b.estimatedRows ? " of ~" + fmtNum(b.estimatedRows) : "") + ", chunks " + b.chunksDone + "/" + b.totalChunks
        + instanceShares(b.chunksByInstance) + (b.finished ? " (done)" : "")));
      const bar = el("div", { class: "bar" + (b.finished ? " done" : ""), "data-table": b.table, "data-percent": String(pct) });
      const fill = el("div");
      fill.style.width = pct + "%";
      bar.appendChild(fill);
      backfill.appendChild(bar);
    });
    renderRate(backfill, s.backfillRate);
    const body = $("targets").tBodies[0];
    body.replaceChildren();
    s.targets.forEach((t) => {
      const tr = el("tr");
      [t.target, t.appliedLsn].forEach((v) => tr.appendChild(el("td", {}, v)));
      [fmtBytes(t.lagBytes) + ", " + fmtNum(t.lagSeconds) + " s", fmtNum(t.eventsApplied),
       t.latency.p50Millis + " / " + t.latency.p99Millis + " ms", fmtNum(t.deadLetters)]
        .forEach((v) => tr.appendChild(el("td", { class: "num" }, v)));
      body.appendChild(tr);
    });
  }
  // The backfill's rate guard: its rate, what limits it, and its last decrease.
  function renderRate(backfill, g) {
    if (!g) return;
    const last = g.decisions.filter((d) => d.action === "DECREASE").pop();
    const text = "rate " + fmtNum(g.rowsPerSecond) + " rows/s" + (g.maxRate != null ? " (max " + fmtNum(g.maxRate) + ")" : "")
      + ", read " + fmtNum(g.observedRowsPerSecond) + " rows/s, limited by " + g.limitingSignal
      + (g.active ? "" : " (idle)") + (g.detail ? ": " + g.detail : "")
      + (last ? "; last decrease " + fmtTime(last.atMillis) + " " + fmtNum(last.fromRate) + " → " + fmtNum(last.toRate) : "");
    backfill.appendChild(el("div", { id: "backfill-rate", class: "muted", "data-signal": g.limitingSignal,
      "data-rate": String(g.rowsPerSecond) }, text));
  }
  // After an action the page has seen complete, the server's view (read once a second) may lag a moment:
  // keep what the page shows until the view has the new history entry (or 5 s have passed).
  let expectHistory = { length: 0, until: 0 }, seenHistory = 0;
  // The header says where the migration stands: after a cutover or rollback, the cutover view's summary
  // ("cut over to generation 2, observation window until ..."), not the stream's phase.
  let migrationPhase = null, cutoverSummary = null;
  function renderHeader() {
    const phase = $("phase");
    const text = cutoverSummary || migrationPhase || "loading";
    phase.textContent = text;
    phase.className = "badge " + (cutoverSummary ? (cutoverPhase || "") : (migrationPhase || ""));
    phase.dataset.migrationPhase = migrationPhase || "";
  }
  function renderCutover(c) {
    if (c.history.length < expectHistory.length && Date.now() < expectHistory.until) return;
    seenHistory = c.history.length;
    cutoverPhase = c.phase;
    cutoverSummary = c.summary || null;
    renderHeader();
    if (!acting) setPhase(c.phase);
    const gates = $("gates");
    gates.replaceChildren();
    if (!c.gates.length) gates.appendChild(el("li", { class: "muted" }, "no gates reported"));
    c.gates.forEach((g) => gates.appendChild(el("li", { class: g.passed ? "pass" : "fail", "data-gate": g.name },
      g.name + (g.detail ? ": " + g.detail : ""))));
    const body = $("history").tBodies[0];
    body.replaceChildren();
    if (!c.history.length) {
      const tr = el("tr", { class: "empty" });
      tr.appendChild(el("td", { colspan: "4", class: "muted" }, "no cutover or rollback yet"));
      body.appendChild(tr);
    }
    c.history.slice().reverse().forEach((e) => {
      const tr = el("tr", { class: e.outcome, "data-action": e.action });
      [new Date(e.atMillis).toLocaleString("en-GB"), e.action, e.outcome, e.detail || ""]
        .forEach((v) => tr.appendChild(el("td", {}, v)));
      body.appendChild(tr);
    });
    setButtons();
  }
  function setPhase(text) {
    const phase = $("cutover-phase");
    phase.textContent = text;
    phase.className = "badge " + text;
  }
  function renderGeneration(g) {
    $("live-generation").textContent = g == null ? "" : "live generation " + g;
    $("live-generation").dataset.generation = g == null ? "" : String(g);
  }

  // ---- polling ----
  // Every data route needs the API token: a 401 shows "enter the API token" instead of stale charts.
  class NeedsToken extends Error {}
  async function getJson(url) {
    const r = await fetch(url, { cache: "no-store", headers: authHeaders({}) });
    const body = await r.json().catch(() => ({}));
    if (r.status === 401) throw new NeedsToken(token() ? "the API token is wrong: enter the API token" : "enter the API token");
    if (!r.ok) throw new Error(url + ": " + r.status + " " + (body.reason || body.error || ""));
    setAuthNeeded(false);
    return body;
  }
  function setAuthNeeded(needed, message) {
    document.body.dataset.auth = needed ? "needed" : "ok";
    $("auth-needed").hidden = !needed;
    if (needed) $("auth-needed").textContent = message + " (shown once by the migrator at start, or "
      + "$SHARDSHIFT_API_TOKEN) in the field above to see this migration.";
  }
  // The migration's figures come from /v1/migration/status (the cutover routes answer /v1/rebalance/status
  // with the live generation instead); the cutover panel polls on its own, so a request that waits while a
  // cutover runs never stops the charts.
  // Tables paused by a source schema change: their changes are held until the operator resumes them.
  function renderPaused(tables) {
    const list = $("paused-tables");
    list.replaceChildren();
    for (const t of tables.filter(t => t.state === "paused")) {
      const li = document.createElement("li");
      li.textContent = "PAUSED " + t.table + " at LSN " + t.lsn + ": " + t.reason + " (" + t.resume + ")";
      list.appendChild(li);
    }
    list.hidden = list.children.length === 0;
  }
  // Targets apply is waiting for (down or unreachable): it tries again until they are back or it gives up;
  // the other targets go on.
  function renderWaiting(targets) {
    const list = $("waiting-targets");
    list.replaceChildren();
    for (const t of targets) {
      const li = document.createElement("li");
      li.dataset.target = t.target;
      li.textContent = "WAITING " + t.text + ", for " + fmtMillis(Math.max(0, Date.now() - t.sinceMillis));
      list.appendChild(li);
    }
    list.hidden = list.children.length === 0;
  }
  // The migrator processes of the migration, from their heartbeats; a lost one is marked.
  function renderInstances(instances) {
    const body = $("instances").tBodies[0];
    body.replaceChildren();
    $("instances-count").textContent = instances.length ? "(" + instances.filter((i) => i.state === "live").length
      + " live of " + instances.length + ")" : "";
    if (!instances.length) {
      const tr = el("tr", { class: "empty" });
      tr.appendChild(el("td", { colspan: "7", class: "muted" }, "no heartbeat read yet"));
      body.appendChild(tr);
    }
    instances.forEach((i) => {
      const tr = el("tr", { class: i.state, "data-instance": i.id, "data-state": i.state });
      const holds = Object.entries(i.holds || {}).filter(([kind, items]) => items.length && kind !== "applyMembers").map(([kind, items]) => items.length + " " + kind).join(", ") || "nothing";
      const applied = (i.figures || {}).eventsApplied;
      [i.id + (i.http ? " (" + i.http + ")" : ""), i.state, (i.roles || []).join(", "), i.host + " pid " + i.pid, holds,
       applied == null ? "–" : fmtNum(applied), fmtTime(i.lastSeenMillis) + " (" + fmtMillis(i.silentMillis) + " ago)"]
        .forEach((v) => tr.appendChild(el("td", {}, v)));
      body.appendChild(tr);
    });
  }
  let polling = false;
  async function poll() {
    if (polling) return;
    polling = true;
    try {
      const since = history.t.length ? history.t[history.t.length - 1] : 0;
      const [h, s] = await Promise.all([getJson("/v1/lag/history?since=" + since), getJson("/v1/migration/status")]);
      appendHistory(h);
      renderStatus(s);
      renderPaused(s.tables || []);
      renderWaiting(s.waitingTargets || []);
      renderInstances(s.instances || []);
      drawCharts();
      const conn = $("connection");
      conn.textContent = "updated " + fmtTime(Date.now()) + (s.sampleError ? " (sampling: " + s.sampleError + ")" : "");
      conn.className = s.sampleError ? "result error" : "muted";
    } catch (e) {
      if (e instanceof NeedsToken) setAuthNeeded(true, e.message);
      $("connection").textContent = e instanceof NeedsToken ? e.message : "disconnected: " + e.message;
      $("connection").className = "result error";
    } finally {
      polling = false;
    }
  }
  let cutoverPolling = false, cutoverPhase = null;
  async function pollCutover() {
    if (cutoverPolling || acting) return;
    cutoverPolling = true;
    try {
      renderCutover(await getJson("/v1/cutover"));
      if (migrationId && cutoverPhase !== "unavailable") {
        const r = await getJson("/v1/rebalance/status?id=" + encodeURIComponent(migrationId));
        renderGeneration(r.liveGeneration);
      }
    } catch (e) {
      setPhase(e instanceof NeedsToken ? "needs-token" : "unavailable");
      $("live-generation").textContent = e.message;
    } finally {
      cutoverPolling = false;
    }
  }

  // ---- the API token: typed once, kept in this tab (sessionStorage), sent as a bearer token ----
  const TOKEN_KEY = "shardshift.apiToken";
  function token() { return $("token").value.trim(); }
  try { $("token").value = sessionStorage.getItem(TOKEN_KEY) || ""; } catch (e) { /* storage off: type it each time */ }
  // A link may carry the token in its fragment (#token=..., never sent to the server): kept, then wiped from the URL.
  const fromLink = new URLSearchParams(location.hash.slice(1)).get("token");
  if (fromLink) {
    $("token").value = fromLink.trim();
    try { sessionStorage.setItem(TOKEN_KEY, fromLink.trim()); } catch (e) { /* ignore */ }
    window.history.replaceState(null, "", location.pathname + location.search);
  }
  $("token").addEventListener("input", () => {
    try { if (token()) sessionStorage.setItem(TOKEN_KEY, token()); else sessionStorage.removeItem(TOKEN_KEY); } catch (e) { /* ignore */ }
    poll(); pollCutover(); pollVerify();
  });
  function authHeaders(headers) {
    if (token()) headers.Authorization = "Bearer " + token();
    return headers;
  }
  async function failure(r) {
    const body = await r.json().catch(() => ({}));
    return r.status + " " + (body.error || r.statusText) + ": " + (body.reason || "")
      + (r.status === 401 ? " (enter the API token at the top)" : "");
  }

  // ---- cutover and rollback buttons: confirm, POST, buttons off until the answer ----
  const ACTIONS = {
    cutover: { path: "/v1/cutover", running: "cutting-over", body: () => ({}),
      ask: () => "Cut over " + migrationId + " to the new layout? Writes pause while the targets catch up." },
    rollback: { path: "/v1/rebalance/rollback", running: "rolling-back",
      body: () => ({ id: migrationId, reason: "rolled back from the dashboard" }),
      ask: () => "Roll " + migrationId + " back to the previous layout?" },
  };
  function setButtons() {
    const off = acting != null || !migrationId || cutoverPhase === "unavailable";
    [$("btn-cutover"), $("btn-rollback")].forEach((b) => {
      b.disabled = off;
      b.title = cutoverPhase === "unavailable" ? "this migrator runs no cutover controller"
        : acting ? acting + " is running" : "";
    });
  }
  async function act(name) {
    const a = ACTIONS[name];
    if (acting || !migrationId || !window.confirm(a.ask())) return;
    const result = $("action-result");
    acting = name;
    setButtons();
    setPhase(a.running);
    result.textContent = name + " running since " + fmtTime(Date.now()) + "…";
    result.className = "result running";
    try {
      const r = await fetch(a.path, { method: "POST", headers: authHeaders({ "Content-Type": "application/json" }),
        body: JSON.stringify(a.body()) });
      if (!r.ok) throw new Error(await failure(r));
      const done = await r.json();
      result.textContent = name + " completed: generation " + done.toGeneration + " is live (was " + done.fromGeneration
        + "; writes paused " + fmtMillis(done.pauseMillis) + ")";
      result.className = "result ok";
      setPhase(name === "cutover" ? "cut-over" : "rolled-back");
      renderGeneration(done.toGeneration);
      expectHistory = { length: seenHistory + 1, until: Date.now() + 5000 };
    } catch (e) {
      result.textContent = name + " failed: " + e.message;
      result.className = "result error";
    } finally {
      acting = null;
      setButtons();
      pollCutover();
    }
  }
  $("btn-cutover").addEventListener("click", () => act("cutover"));
  $("btn-rollback").addEventListener("click", () => act("rollback"));
  window.addEventListener("resize", drawCharts);

  // ---- verification panel: GET /v1/verify every 3 s, POST /v1/verify to run one ----
  function verifyRow(name, rows, mismatches) {
    const kinds = {};
    mismatches.forEach((m) => { kinds[m.kind] = (kinds[m.kind] || 0) + 1; });
    const byKind = Object.entries(kinds).map(([k, n]) => k.toLowerCase().replace(/_/g, " ") + ": " + n).join(", ");
    const keys = mismatches.slice(0, 5).map((m) => m.key).join(" ") + (mismatches.length > 5 ? " …" : "");
    const tr = el("tr");
    tr.append(el("td", {}, name), el("td", { class: "num" }, fmtNum(rows)), el("td", {}, byKind || "none"), el("td", {}, keys));
    return tr;
  }
  function renderVerify(v) {
    const badge = $("verify-state");
    const last = v.last;
    const body = $("verify-tables").querySelector("tbody");
    if (!last) {
      badge.textContent = v.running ? "running" : "never run";
      badge.className = "badge";
    } else {
      const r = last.report;
      badge.textContent = v.running ? "running" : (r.clean ? "clean" : "mismatches");
      badge.className = "badge " + (v.running ? "" : (r.clean ? "clean" : "dirty"));
      $("verify-time").textContent = "last run " + new Date(last.finishedAt).toLocaleString("en-GB", { hour12: false })
        + " by the " + (last.by || "api") + " (" + fmtMillis(r.millis) + (last.repair ? ", with repair" : "") + ")";
      $("verify-time").dataset.by = last.by || "";
      body.replaceChildren();
      r.tables.forEach((t) => {
        body.append(verifyRow(t.table, t.rowsCompared, t.mismatches));
        (t.search || []).forEach((s) => body.append(verifyRow("  search " + s.target + " (" + s.collection + ")", s.rowsCompared, s.mismatches)));
      });
    }
    $("btn-verify").disabled = v.running;
    if (v.error) {
      $("verify-result").textContent = v.error;
      $("verify-result").className = "result error";
    }
  }
  async function pollVerify() {
    try {
      renderVerify(await getJson("/v1/verify"));
    } catch (e) {
      $("verify-state").textContent = e instanceof NeedsToken ? "needs the API token" : "unavailable";
    }
  }
  $("btn-verify").addEventListener("click", async () => {
    const result = $("verify-result");
    $("btn-verify").disabled = true;
    try {
      const r = await fetch("/v1/verify", { method: "POST", headers: authHeaders({}) });
      if (!r.ok) throw new Error(await failure(r));
      result.textContent = "verify started";
      result.className = "result ok";
    } catch (e) {
      result.textContent = "verify failed: " + e.message;
      result.className = "result error";
    } finally {
      pollVerify();
    }
  });
  // ---- plan panel: GET /v1/plan (the plan's before/after chart), once a minute ----
  function renderPlan(p) {
    const box = $("plan-chart");
    const chart = p.chart;
    $("plan-title").textContent = chart.title + " (" + chart.unit + "), generation " + p.generation
      + ", measured " + new Date(p.measuredAt).toLocaleTimeString("en-GB", { hour12: false });
    const max = Math.max(1e-9, ...chart.bars.map((b) => Math.max(b.before, b.after)));
    box.replaceChildren();
    chart.bars.forEach((b) => {
      const row = el("div", { class: "plan-row", "data-target": b.label, "data-before": String(b.before), "data-after": String(b.after) });
      row.appendChild(el("div", {}, b.label));
      const bars = el("div");
      [["before", b.before], ["after", b.after]].forEach(([kind, v]) => {
        const line = el("div");
        const bar = el("div", { class: "plan-bar " + kind });
        bar.style.width = (100 * v / max * 0.85) + "%";
        bar.style.display = "inline-block";
        line.append(bar, el("span", { class: "plan-value" }, kind + " " + fmtNum(Math.round(v * 10) / 10)));
        bars.appendChild(line);
      });
      row.appendChild(bars);
      box.appendChild(row);
    });
    box.dataset.bars = String(chart.bars.length);
  }
  async function pollPlan() {
    try {
      renderPlan(await getJson("/v1/plan?dimension=rows"));
      return 60000;
    } catch (e) {
      $("plan-chart").replaceChildren(el("p", { class: "muted" }, e instanceof NeedsToken ? "needs the API token"
        : "plan unavailable: " + e.message));
      return 5000;
    }
  }
  (function planLoop() { pollPlan().then((next) => setTimeout(planLoop, next)); })();
  (function verifyLoop() { pollVerify().finally(() => setTimeout(verifyLoop, 3000)); })();

  (function loop() { poll().finally(() => { setButtons(); setTimeout(loop, 1000); }); })();
  (function cutoverLoop() { pollCutover().finally(() => setTimeout(cutoverLoop, 1000)); })();
})();
