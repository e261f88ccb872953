// costwarden cost-diff graph: layered SVG layout (columns by dependency depth)
// and a details panel. Reads its data from <script id="costwarden-data">.
(function () {
  "use strict";
  var SVG = "http://www.w3.org/2000/svg";
  var W = 250, H = 50, GAP_X = 70, GAP_Y = 16, PAD = 20;
  var data = JSON.parse(document.getElementById("costwarden-data").textContent);
  var nodes = data.nodes, edges = data.edges;

  function el(tag, attrs, text) {
    var e = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    if (text !== undefined && text !== null) { e.textContent = String(text); }
    return e;
  }
  function svg(tag, attrs) {
    var e = document.createElementNS(SVG, tag);
    Object.keys(attrs || {}).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    return e;
  }
  function clip(text, n) { return text.length <= n ? text : "\u2026" + text.slice(text.length - n + 1); }
  function signed(v) {
    if (v === null || v === undefined) { return "?"; }
    return (v.charAt(0) === "-" || Number(v) === 0) ? v : "+" + v;
  }

  // where a figure lies: "+1.20", "\u2265+220.16" (lower bound), "\u2264-3.00" (upper bound), "?"
  function bounded(lo, hi, show) {
    if (lo === undefined && hi === undefined) { return null; }  // an older document
    if (lo !== null && hi !== null) { return lo === hi ? show(lo) : show(lo) + "\u2026" + show(hi); }
    if (lo !== null) { return "\u2265" + show(lo); }
    if (hi !== null) { return "\u2264" + show(hi); }
    return "?";
  }
  function plain(v) { return v; }
  function side(m, s) {
    var b = bounded(m[s + "_low"], m[s + "_high"], plain);
    return b === null || m[s] === null ? m[s] : b;  // null: absent or nothing known
  }
  function delta(m, key) {
    var b = bounded(m[key + "_low"], m[key + "_high"], signed);
    return b === null ? signed(m[key]) : b;
  }

  // depth = longest chain of dependencies below a node (cycles cut where met)
  var deps = nodes.map(function () { return []; });
  var users = nodes.map(function () { return []; });
  edges.forEach(function (e) { deps[e[0]].push(e[1]); users[e[1]].push(e[0]); });
  var depth = nodes.map(function () { return -1; });
  function depthOf(start) {
    var stack = [[start, 0]], onPath = {};
    while (stack.length) {
      var top = stack[stack.length - 1], i = top[0];
      if (depth[i] >= 0) { stack.pop(); continue; }
      onPath[i] = true;
      var next = null;
      for (var k = top[1]; k < deps[i].length; k++) {
        var d = deps[i][k];
        if (depth[d] < 0 && !onPath[d]) { next = d; top[1] = k + 1; break; }
      }
      if (next !== null) { stack.push([next, 0]); continue; }
      var best = -1;
      deps[i].forEach(function (d) { if (depth[d] > best) { best = depth[d]; } });
      depth[i] = best + 1;
      delete onPath[i];
      stack.pop();
    }
  }
  nodes.forEach(function (_, i) { depthOf(i); });
  var maxDepth = Math.max.apply(null, depth.concat([0]));

  // columns: dependents on the left, what they depend on to the right
  var columns = [];
  nodes.forEach(function (n, i) {
    var c = maxDepth - depth[i];
    (columns[c] = columns[c] || []).push(i);
  });
  var pos = [];
  columns.forEach(function (col, c) {
    col.sort(function (a, b) {
      var ma = nodes[a].module, mb = nodes[b].module;
      return ma < mb ? -1 : ma > mb ? 1 : a - b;
    });
    col.forEach(function (i, r) { pos[i] = { x: PAD + c * (W + GAP_X), y: PAD + r * (H + GAP_Y) }; });
  });
  var width = PAD * 2 + columns.length * (W + GAP_X) - GAP_X;
  var height = PAD * 2 + Math.max.apply(null, columns.map(function (c) { return c.length; }).concat([1])) * (H + GAP_Y);

  var root = svg("svg", { width: width, height: height, viewBox: "0 0 " + width + " " + height,
                          role: "img", "aria-label": "cost-diff graph" });
  var defs = svg("defs");
  var marker = svg("marker", { id: "arrow", viewBox: "0 0 10 10", refX: "10", refY: "5",
                               markerWidth: "7", markerHeight: "7", orient: "auto-start-reverse" });
  marker.appendChild(svg("path", { d: "M0,0 L10,5 L0,10 z", fill: "#8c959f" }));
  defs.appendChild(marker);
  root.appendChild(defs);

  var edgeEls = edges.map(function (e) {
    var a = pos[e[0]], b = pos[e[1]];
    var x1 = a.x + W, y1 = a.y + H / 2, x2 = b.x, y2 = b.y + H / 2;
    if (b.x <= a.x) { x1 = a.x + W / 2; y1 = a.y + H; x2 = b.x + W / 2; y2 = b.y; }
    var mx = (x1 + x2) / 2;
    var p = svg("path", { "class": "edge", "marker-end": "url(#arrow)",
                          d: "M" + x1 + "," + y1 + " C" + mx + "," + y1 + " " + mx + "," + y2 + " " + x2 + "," + y2 });
    root.appendChild(p);
    return p;
  });

  var nodeEls = nodes.map(function (n, i) {
    var g = svg("g", { "class": "node " + n.sign, "data-index": String(i), tabindex: "0",
                       transform: "translate(" + pos[i].x + "," + pos[i].y + ")" });
    var title = svg("title"); title.textContent = n.label || n.title; g.appendChild(title);
    g.appendChild(svg("rect", { width: W, height: H }));
    var t1 = svg("text", { x: 8, y: 19 }); t1.textContent = clip(n.title, 38);
    var t2 = svg("text", { x: 8, y: 37 }); t2.textContent = n.subtitle;
    g.appendChild(t1); g.appendChild(t2);
    g.addEventListener("click", function () { select(i); });
    g.addEventListener("keydown", function (ev) { if (ev.key === "Enter" || ev.key === " ") { select(i); } });
    root.appendChild(g);
    return g;
  });
  document.getElementById("canvas").appendChild(root);

  function row(table, cells, numeric) {
    var tr = el("tr");
    cells.forEach(function (c, k) {
      tr.appendChild(el("td", numeric && numeric.indexOf(k) >= 0 ? { "class": "num" } : {}, c === null ? "\u2013" : c));
    });
    table.appendChild(tr);
  }
  function head(table, cells) {
    var tr = el("tr");
    cells.forEach(function (c) { tr.appendChild(el("th", {}, c)); });
    table.appendChild(tr);
  }
  function findingsBlock(panel, list) {
    panel.appendChild(el("h3", {}, "Findings"));
    if (!list || !list.length) { panel.appendChild(el("p", { "class": "empty" }, "No findings.")); return; }
    list.forEach(function (f) {
      var box = el("div", { "class": "finding " + f.outcome });
      box.appendChild(el("strong", {}, f.outcome.toUpperCase() + " " + f.policy_id + " (" + f.level + ")"));
      box.appendChild(el("div", {}, f.message));
      if (f.waiver) { box.appendChild(el("div", {}, "waived: " + (f.waiver.id || "") + " " + (f.waiver.reason || ""))); }
      panel.appendChild(box);
    });
  }

  function select(i) {
    nodeEls.forEach(function (g, k) { g.classList.toggle("selected", k === i); });
    edgeEls.forEach(function (p, k) { p.classList.toggle("hot", edges[k][0] === i || edges[k][1] === i); });
    var n = nodes[i], d = n.detail || {}, panel = document.getElementById("details");
    while (panel.firstChild) { panel.removeChild(panel.firstChild); }
    panel.appendChild(el("h2", {}, n.title));
    if (n.kind !== "resource") {
      panel.appendChild(el("p", {}, n.subtitle));
      if (d.members) {
        var ul = el("ul");
        d.members.forEach(function (m) { ul.appendChild(el("li", {}, m)); });
        if (d.more) { ul.appendChild(el("li", { "class": "empty" }, "\u2026 and " + d.more + " more")); }
        panel.appendChild(ul);
      }
      return;
    }
    var facts = el("table", { "class": "facts" });
    row(facts, ["type", d.type]); row(facts, ["action", d.action]); row(facts, ["status", d.status]);
    row(facts, ["module", d.module || "(root)"]); row(facts, ["team", d.team]);
    if (d.location) { row(facts, ["defined in", d.location]); }
    panel.appendChild(facts);
    panel.appendChild(el("h3", {}, "Cost (" + data.currency + ")"));
    var money = el("table", { "class": "money" });
    head(money, ["", "before", "after", "\u0394"]);
    row(money, ["$/h", side(d.hourly, "before"), side(d.hourly, "after"), delta(d.hourly, "delta")], [1, 2, 3]);
    row(money, ["$/month", side(d.monthly, "before"), side(d.monthly, "after"), delta(d.monthly, "delta")], [1, 2, 3]);
    panel.appendChild(money);
    if (d.flow && d.flow.members > 1) {
      panel.appendChild(el("p", {}, "With the " + (d.flow.members - 1) + " resource(s) that exist only because of it: \u0394 " +
        delta(d.flow, "hourly_delta") + " $/h, " + delta(d.flow, "monthly_delta") + " $/month" +
        (d.flow.unknown ? " (" + d.flow.unknown + " unknown)" : "")));
    }
    var gpus = [];
    ["before", "after"].forEach(function (s) {
      Object.keys(d.gpus[s]).forEach(function (m) { gpus.push(s + ": " + d.gpus[s][m] + " \u00d7 " + m); });
    });
    if (gpus.length) { panel.appendChild(el("p", {}, "GPUs \u2014 " + gpus.join(", "))); }
    (d.reasons || []).forEach(function (r) { panel.appendChild(el("p", { "class": "empty" }, r)); });
    panel.appendChild(el("h3", {}, "Cost components"));
    if (!d.components.length) {
      panel.appendChild(el("p", { "class": "empty" }, "No cost components."));
    } else {
      var comp = el("table", { "class": "components" });
      head(comp, ["side", "component", "quantity", "$/h", "$/month"]);
      d.components.forEach(function (c) {
        row(comp, [c.side, c.name + (c.status !== "priced" ? " (" + c.status + ")" : ""),
                   c.quantity === null ? null : c.quantity + " " + c.unit, c.hourly, c.monthly], [2, 3, 4]);
      });
      panel.appendChild(comp);
    }
    if (d.tags) {
      panel.appendChild(el("h3", {}, "Tags"));
      var tags = el("table", { "class": "tags" });
      Object.keys(d.tags).forEach(function (k) { row(tags, [k, d.tags[k]]); });
      panel.appendChild(tags);
    }
    findingsBlock(panel, d.findings);
  }

  var hint = document.getElementById("details");
  hint.appendChild(el("p", { "class": "empty" }, "Click a resource to see its cost components and findings."));
  if (data.findings && data.findings.length) { findingsBlock(hint, data.findings); }
  window.costwarden = { select: select, nodes: nodes.length, edges: edges.length };
})();
