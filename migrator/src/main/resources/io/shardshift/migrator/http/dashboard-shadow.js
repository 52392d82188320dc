// Shardshift dashboard, shadow reads panel: polls GET /v1/shadow/mismatches (token from the field at the top)
// every 3 s and shows the last 10 minutes' agreement counts and the latest mismatching reads with both answers.
// <section id="shadow-panel"> carries data-reads and data-mismatches for a headless browser.
(function () {
  "use strict";
  const $ = (id) => document.getElementById(id);
  function cell(text, cls) {
    const td = document.createElement("td");
    if (cls) td.className = cls;
    td.textContent = text == null ? "–" : String(text);
    return td;
  }
  function render(s) {
    const panel = $("shadow-panel");
    panel.dataset.reads = s.reads;
    panel.dataset.mismatches = s.mismatch + s.error;
    const badge = $("shadow-state");
    const bad = s.mismatch + s.error;
    badge.textContent = s.reads === 0 ? "no reads" : (bad === 0 ? "agree" : bad + " mismatching");
    badge.className = "badge " + (s.reads === 0 ? "" : (bad === 0 ? "clean" : "dirty"));
    $("shadow-counts").textContent = s.reads + " reads in the last " + s.window.replace(/^PT/, "").toLowerCase()
      + ": " + s.agree + " agree, " + s.mismatch + " mismatch, " + s.error + " error, " + s.explainedByLag
      + " explained by lag (mismatch rate " + (100 * s.mismatchRate).toFixed(2) + " %)"
      + (s.malformed ? "; " + s.malformed + " unreadable records" : "");
    const body = $("shadow-mismatches").querySelector("tbody");
    body.replaceChildren();
    if (s.mismatches.length === 0) {
      const tr = document.createElement("tr");
      tr.className = "empty";
      const td = cell("no mismatch", "muted");
      td.colSpan = 6;
      tr.append(td);
      body.append(tr);
    }
    s.mismatches.forEach((m) => {
      const tr = document.createElement("tr");
      tr.append(cell(new Date(m.atMillis).toLocaleTimeString("en-GB", { hour12: false })),
        cell(m.table + " " + m.query + (m.target ? " @" + m.target : "")), cell(m.outcome), cell(m.detail),
        cell(m.oldAnswer, "answer"), cell(m.newAnswer, "answer"));
      body.append(tr);
    });
  }
  async function poll() {
    const token = $("token") ? $("token").value.trim() : "";
    try {
      const r = await fetch("/v1/shadow/mismatches", { cache: "no-store",
        headers: token ? { Authorization: "Bearer " + token } : {} });
      if (r.status === 401) { $("shadow-state").textContent = "needs the API token"; return; }
      if (r.status === 404) { $("shadow-state").textContent = "not attached"; return; }
      if (!r.ok) throw new Error(String(r.status));
      render(await r.json());
    } catch (e) {
      $("shadow-state").textContent = "unavailable";
    }
  }
  (function loop() { poll().finally(() => setTimeout(loop, 3000)); })();
})();
