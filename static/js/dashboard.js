/* The cluster dashboard's charts, drawn as SVG by this file (no library, no inline script).
 *
 * The page renders its data into <script type="application/json" id="metrics-data">:
 *   {series: [{taken_at, metrics}, …] (oldest first, as the metrics API returns it),
 *    current: {taken_at, metrics}, enterprises: {id: name}, capabilities: {code: name},
 *    labels: {key: translated text}}
 * The charts are drawn from it at once, then the series is fetched again from the API every
 * [data-refresh-seconds] (same origin, session cookie) and everything is redrawn; the
 * "take a snapshot now" form posts to the API with the CSRF token and redraws too. Without
 * this file the headline figures and the alerts still work (the form posts to the page).
 */
(function () {
  "use strict";

  var NS = "http://www.w3.org/2000/svg";
  var COLORS = ["#0b6bcb", "#1f7a3d", "#b35c00"];
  var DASHES = ["none", "9 5", "2 5"];
  var root = document.querySelector("[data-dashboard]");
  var source = document.getElementById("metrics-data");
  if (!root || !source) return;

  var data = JSON.parse(source.textContent);
  var labels = data.labels || {};
  var state = {
    series: data.series || [],
    current: data.current || null,
    enterprises: data.enterprises || {},
    capabilities: data.capabilities || {}
  };
  var language = document.documentElement.lang || undefined;

  // --- helpers ----------------------------------------------------------------------------

  function svgEl(name, attrs, parent) {
    var node = document.createElementNS(NS, name);
    Object.keys(attrs || {}).forEach(function (key) { node.setAttribute(key, attrs[key]); });
    if (parent) parent.appendChild(node);
    return node;
  }

  function textEl(content, attrs, parent) {
    var node = svgEl("text", attrs, parent);
    node.textContent = content;
    return node;
  }

  /** Write ``full`` into an SVG text, shortened with "…" to ``maxWidth`` pixels (once it is on the page). */
  function fitText(node, full, maxWidth) {
    node.textContent = full;
    if (typeof node.getComputedTextLength !== "function") return;
    var text = full;
    while (text.length > 1 && node.getComputedTextLength() > maxWidth) {
      text = text.slice(0, -1);
      node.textContent = text + "…";
    }
  }

  function titled(node, text) {
    var title = document.createElementNS(NS, "title");
    title.textContent = text;
    node.appendChild(title);
    return node;
  }

  function fill(template, values) {
    return String(template || "").replace(/%\((\w+)\)s/g, function (all, key) {
      return values[key] !== undefined ? values[key] : all;
    });
  }

  function lookup(object, path) {
    return path.split(".").reduce(function (value, key) {
      return value && typeof value === "object" ? value[key] : undefined;
    }, object);
  }

  /** A figure written as the server writes it (apps/monitoring/views.py figure()). */
  function figure(value, kind) {
    if (value === null || value === undefined) return "—";
    if (kind === "percent") return (value * 100).toFixed(1) + " %";
    if (kind === "hours") return fill(labels.hours, { value: value.toFixed(1) });
    if (kind === "days") return fill(labels.days, { value: value.toFixed(1) });
    if (kind === "rating") return fill(labels.rating, { value: value.toFixed(2) });
    return String(value);
  }

  function dateText(time, options) {
    try {
      return new Intl.DateTimeFormat(language, options).format(time);
    } catch (error) {
      return new Date(time).toISOString().slice(0, 16).replace("T", " ");
    }
  }

  /** A round step for about ``parts`` intervals up to ``value`` (1, 2 or 5 times a power of ten). */
  function niceStep(value, parts, integer) {
    var raw = Math.max(value, integer ? 1 : 1e-9) / parts;
    var power = Math.pow(10, Math.floor(Math.log10(raw)));
    var step = [1, 2, 5, 10].map(function (f) { return f * power; }).filter(function (s) { return s >= raw; })[0];
    return integer ? Math.max(1, Math.round(step)) : step;
  }

  function clear(container) {
    while (container.firstChild) container.removeChild(container.firstChild);
  }

  function empty(container, text) {
    clear(container);
    var p = document.createElement("p");
    p.className = "chart-empty";
    p.textContent = text;
    container.appendChild(p);
  }

  function legend(container, lines) {
    var list = document.createElement("ul");
    list.className = "chart-legend";
    lines.forEach(function (line, index) {
      var item = document.createElement("li");
      item.className = "swatch-" + index;
      item.textContent = line.label;
      list.appendChild(item);
    });
    container.appendChild(list);
  }

  function widthOf(container) {
    return Math.max(260, Math.floor(container.clientWidth || container.getBoundingClientRect().width || 600));
  }

  // --- line chart of the series ---------------------------------------------------------

  function lineChart(container, series, lines, percent) {
    if (!series.length) return empty(container, labels.no_series);
    clear(container);
    var width = widthOf(container);
    var height = Math.round(Math.max(180, Math.min(260, width * 0.5)));
    var pad = { left: 46, right: 14, top: 12, bottom: 28 };
    var plotW = width - pad.left - pad.right;
    var plotH = height - pad.top - pad.bottom;
    var times = series.map(function (s) { return Date.parse(s.taken_at); });
    var t0 = Math.min.apply(null, times), t1 = Math.max.apply(null, times);
    if (t0 === t1) { t0 -= 3600e3; t1 += 3600e3; }
    var top = 1, step = 0.25;
    if (!percent) {
      var highest = 0;
      series.forEach(function (s) {
        lines.forEach(function (line) {
          var v = lookup(s.metrics, line.path);
          if (typeof v === "number" && v > highest) highest = v;
        });
      });
      step = niceStep(highest, 4, true);
      top = Math.max(step, Math.ceil(highest / step) * step);
    }
    function x(t) { return pad.left + ((t - t0) / (t1 - t0)) * plotW; }
    function y(v) { return pad.top + plotH - (v / top) * plotH; }

    var svg = svgEl("svg", { viewBox: "0 0 " + width + " " + height, width: width, height: height, "aria-hidden": "true", "class": "line-chart" });
    var grid = svgEl("g", { "class": "grid" }, svg);
    for (var value = 0; value <= top + 1e-9; value += step) {
      svgEl("line", { x1: pad.left, x2: width - pad.right, y1: y(value), y2: y(value), stroke: "#dfe4ea", "stroke-width": value === 0 ? 1.5 : 1 }, grid);
      textEl(percent ? Math.round(value * 100) + " %" : String(Math.round(value)), { x: pad.left - 6, y: y(value) + 4, "text-anchor": "end" }, grid);
    }
    // dates under the axis; the time of day too when the series spans two days or less
    var short = t1 - t0 <= 2 * 86400e3;
    var tickFormat = short ? { month: "short", day: "numeric", hour: "2-digit", minute: "2-digit" } : { month: "short", day: "numeric" };
    var ticks = width > 480 && !short ? [t0, (t0 + t1) / 2, t1] : [t0, t1];
    ticks.forEach(function (t, index) {
      var anchor = index === 0 ? "start" : index === ticks.length - 1 ? "end" : "middle";
      textEl(dateText(t, tickFormat), { x: x(t), y: height - 8, "text-anchor": anchor }, grid);
    });

    lines.forEach(function (line, index) {
      var points = [];
      series.forEach(function (s, i) {
        var v = lookup(s.metrics, line.path);
        if (typeof v === "number") points.push([x(times[i]), y(v), v, times[i]]);
      });
      var group = svgEl("g", { "class": "series", "data-series": line.path }, svg);
      if (points.length > 1) {
        svgEl("polyline", {
          points: points.map(function (p) { return p[0].toFixed(1) + "," + p[1].toFixed(1); }).join(" "),
          // solid, dashed, dotted: lines on the same values all stay visible
          fill: "none", stroke: COLORS[index % COLORS.length], "stroke-width": 2.5,
          "stroke-dasharray": DASHES[index % DASHES.length],
          "stroke-linejoin": "round", "stroke-linecap": "round", "class": "trend-line"
        }, group);
      }
      points.forEach(function (p) {
        titled(svgEl("circle", { cx: p[0], cy: p[1], r: points.length > 40 ? 2 : 3.5, fill: COLORS[index % COLORS.length], "class": "trend-point" }, group),
          line.label + ": " + figure(p[2], percent ? "percent" : "int") + " · " + dateText(p[3], { dateStyle: "medium", timeStyle: "short" }));
      });
    });
    container.appendChild(svg);
    legend(container, lines);
  }

  // --- bar chart of capacity by capability ----------------------------------------------

  function barChart(container, rows) {
    if (!rows || !rows.length) return empty(container, labels.no_capacity);
    clear(container);
    var width = widthOf(container);
    // wide: the name left of its bar; narrow (a phone): the name above a full-width bar
    var narrow = width < 480;
    var rowH = narrow ? 40 : 28;
    var valueW = 56;
    var labelW = narrow ? 0 : Math.min(190, Math.round(width * 0.3));
    var barX = narrow ? 0 : labelW;
    var barW = width - barX - valueW;
    var barH = narrow ? 14 : rowH - 10;
    var height = rows.length * rowH + 8;
    var svg = svgEl("svg", { viewBox: "0 0 " + width + " " + height, width: width, height: height, "aria-hidden": "true", "class": "bar-chart" });
    container.appendChild(svg);  // on the page first, so that names can be measured
    rows.forEach(function (row, index) {
      var top = 4 + index * rowH;
      var barY = narrow ? top + rowH - barH - 6 : top + 5;
      var name = state.capabilities[row.capability] || row.capability;
      var share = Math.max(0, Math.min(1, row.utilisation || 0));
      var label = narrow
        ? svgEl("text", { x: 0, y: top + 11, "text-anchor": "start", "class": "chart-label" }, svg)
        : svgEl("text", { x: labelW - 8, y: top + rowH / 2 + 4, "text-anchor": "end", "class": "chart-label" }, svg);
      fitText(label, name, narrow ? width - 4 : labelW - 12);
      titled(label, name);
      svgEl("rect", { x: barX, y: barY, width: barW, height: barH, rx: 4, fill: "#e6eaef", "class": "bar-track" }, svg);
      var bar = svgEl("rect", { x: barX, y: barY, width: Math.max(share * barW, share > 0 ? 2 : 0), height: barH, rx: 4, fill: COLORS[0], "class": "bar", "data-capability": row.capability }, svg);
      titled(bar, name + ": " + fill(labels.reserved_of_total, { reserved: row.reserved, total: row.total }) + " (" + figure(share, "percent") + ")");
      textEl(figure(share, "percent"), { x: width - 4, y: barY + barH / 2 + 4, "text-anchor": "end" }, svg);
    });
  }

  // --- the collaboration network --------------------------------------------------------

  /** Positions of the nodes: a circle, relaxed by a force-directed layout when the graph is small. */
  function layout(ids, edges, width, height) {
    var n = ids.length, index = {};
    var pos = ids.map(function (id, i) {
      index[id] = i;
      var angle = (2 * Math.PI * i) / n;
      return { x: width / 2 + (width / 3) * Math.cos(angle), y: height / 2 + (height / 3) * Math.sin(angle) };
    });
    if (n <= 2 || n > 250) return pos;
    var k = Math.sqrt((width * height) / n) * 0.75;
    var temperature = width / 8;
    var links = edges.map(function (e) { return [index[e[0]], index[e[1]]]; });
    for (var step = 0; step < 250; step++) {
      var disp = pos.map(function () { return { x: 0, y: 0 }; });
      for (var i = 0; i < n; i++) {
        for (var j = i + 1; j < n; j++) {
          var dx = pos[i].x - pos[j].x, dy = pos[i].y - pos[j].y;
          var d = Math.max(Math.sqrt(dx * dx + dy * dy), 0.01);
          var force = (k * k) / d;
          disp[i].x += (dx / d) * force; disp[i].y += (dy / d) * force;
          disp[j].x -= (dx / d) * force; disp[j].y -= (dy / d) * force;
        }
      }
      links.forEach(function (link) {
        var a = pos[link[0]], b = pos[link[1]];
        var dx = a.x - b.x, dy = a.y - b.y;
        var d = Math.max(Math.sqrt(dx * dx + dy * dy), 0.01);
        var force = (d * d) / k;
        disp[link[0]].x -= (dx / d) * force; disp[link[0]].y -= (dy / d) * force;
        disp[link[1]].x += (dx / d) * force; disp[link[1]].y += (dy / d) * force;
      });
      for (var m = 0; m < n; m++) {
        // a little gravity keeps separate groups on the canvas
        disp[m].x += (width / 2 - pos[m].x) * 0.05 * k / 10;
        disp[m].y += (height / 2 - pos[m].y) * 0.05 * k / 10;
        var length = Math.max(Math.sqrt(disp[m].x * disp[m].x + disp[m].y * disp[m].y), 0.01);
        var move = Math.min(length, temperature);
        pos[m].x += (disp[m].x / length) * move;
        pos[m].y += (disp[m].y / length) * move;
      }
      temperature = Math.max(temperature * 0.97, 0.5);
    }
    return pos;
  }

  function networkChart(container, trade, innovation) {
    // trade links (deals) drawn solid, innovation links (seeker–solver, consortium) dashed
    trade = trade || [];
    innovation = innovation || [];
    var edges = trade.concat(innovation);
    if (!edges.length) return empty(container, labels.no_network);
    clear(container);
    var width = widthOf(container);
    var height = Math.round(Math.max(260, Math.min(460, width * 0.7)));
    var degree = {};
    edges.forEach(function (e) {
      degree[e[0]] = (degree[e[0]] || 0) + 1;
      degree[e[1]] = (degree[e[1]] || 0) + 1;
    });
    var ids = Object.keys(degree).map(Number).sort(function (a, b) { return a - b; });
    var showNames = ids.length <= 24;
    var nameLength = width < 480 ? 16 : 26;
    var pos = layout(ids, edges, width, height);
    // names are written towards the middle, so the margins only need to hold the dots
    var marginX = 24, marginY = 20;
    var xs = pos.map(function (p) { return p.x; }), ys = pos.map(function (p) { return p.y; });
    var minX = Math.min.apply(null, xs), maxX = Math.max.apply(null, xs);
    var minY = Math.min.apply(null, ys), maxY = Math.max.apply(null, ys);
    pos = pos.map(function (p) {
      return {
        x: maxX > minX ? marginX + ((p.x - minX) / (maxX - minX)) * (width - 2 * marginX) : width / 2,
        y: maxY > minY ? marginY + ((p.y - minY) / (maxY - minY)) * (height - 2 * marginY) : height / 2
      };
    });
    var at = {};
    ids.forEach(function (id, i) { at[id] = pos[i]; });

    var svg = svgEl("svg", { viewBox: "0 0 " + width + " " + height, width: width, height: height, "aria-hidden": "true", "class": "network-graph" });
    var edgeGroup = svgEl("g", { "class": "edges" }, svg);
    edges.forEach(function (e, i) {
      var a = at[e[0]], b = at[e[1]], innovative = i >= trade.length;
      var attrs = { x1: a.x.toFixed(1), y1: a.y.toFixed(1), x2: b.x.toFixed(1), y2: b.y.toFixed(1), stroke: innovative ? "#d9822b" : "#9fb3c8", "stroke-width": 1.5, "class": innovative ? "edge edge-innovation" : "edge" };
      if (innovative) attrs["stroke-dasharray"] = "4 3";
      titled(svgEl("line", attrs, edgeGroup),
        nameOf(e[0]) + " — " + nameOf(e[1]) + (innovative ? " · " + labels.innovation_link : ""));
    });
    var nodeGroup = svgEl("g", { "class": "nodes" }, svg);
    var labelled = [];
    ids.forEach(function (id) {
      var p = at[id], d = degree[id];
      var node = svgEl("circle", { cx: p.x.toFixed(1), cy: p.y.toFixed(1), r: (4 + 2 * Math.sqrt(d)).toFixed(1), fill: COLORS[0], stroke: "#fff", "stroke-width": 1.5, "class": "node", "data-enterprise": id }, nodeGroup);
      titled(node, nameOf(id) + " · " + fill(labels.partners, { count: d }));
      if (showNames) {
        var right = p.x < width / 2;
        var gap = 8 + 2 * Math.sqrt(d);
        var label = svgEl("text", {
          x: (p.x + (right ? gap : -gap)).toFixed(1), y: (p.y + 4).toFixed(1),
          "text-anchor": right ? "start" : "end", "class": "chart-label node-label"
        }, nodeGroup);
        labelled.push([label, nameOf(id), right ? width - p.x - gap - 2 : p.x - gap - 2]);
      }
    });
    container.appendChild(svg);
    labelled.forEach(function (item) {
      var name = item[1].length > nameLength ? item[1].slice(0, nameLength - 1) + "…" : item[1];
      fitText(item[0], name, item[2]);
    });
  }

  function nameOf(id) {
    return state.enterprises[String(id)] || "#" + id;
  }

  // --- drawing everything ---------------------------------------------------------------

  var charts = {
    shares: function (container) {
      lineChart(container, state.series, [
        { path: "demand_matched_share", label: labels.demand_matched_share },
        { path: "on_time_rate", label: labels.on_time_rate },
        { path: "capacity_utilisation", label: labels.capacity_utilisation }
      ], true);
    },
    members: function (container) {
      lineChart(container, state.series, [
        { path: "members.active", label: labels.members_active },
        { path: "network.members_with_partner", label: labels.members_with_partner }
      ], false);
    },
    capacity: function (container) {
      barChart(container, state.current ? state.current.metrics.capacity_by_capability : []);
    },
    network: function (container) {
      var network = state.current ? state.current.metrics.network || {} : {};
      networkChart(container, network.edges, network.innovation_edges);
    }
  };

  function draw() {
    root.querySelectorAll("[data-chart]").forEach(function (container) {
      var chart = charts[container.dataset.chart];
      if (chart) chart(container);
    });
    if (state.current) {
      root.querySelectorAll("[data-kpi]").forEach(function (element) {
        element.textContent = figure(lookup(state.current.metrics, element.dataset.kpi), element.dataset.format);
      });
    }
    var stamp = root.querySelector("[data-taken-at]");
    if (stamp && state.current && state.current.taken_at) {
      var time = Date.parse(state.current.taken_at);
      stamp.setAttribute("datetime", state.current.taken_at);
      stamp.textContent = dateText(time, { dateStyle: "medium", timeStyle: "short" });
      root.querySelectorAll("[data-live-note]").forEach(function (note) { note.hidden = true; });
      root.querySelectorAll("[data-snapshot-note]").forEach(function (note) { note.hidden = false; });
    }
  }

  // --- refreshing from the API ----------------------------------------------------------

  var status = root.querySelector("[data-dashboard-status]");
  function say(text, isError) {
    if (!status) return;
    status.textContent = text;
    status.classList.toggle("is-error", !!isError);
  }

  function load() {
    return fetch(root.dataset.metricsUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) throw new Error("HTTP " + response.status);
        return response.json();
      })
      .then(function (page) {
        var series = page.results; // the API's list envelope: the latest snapshots fit one page
        state.series = series;
        if (series.length) state.current = series[series.length - 1];
        draw();
        root.dataset.refreshed = String(Date.now());
      });
  }

  function refresh() {
    if (document.hidden) return;
    load().then(function () {
      say(fill(labels.updated, { time: dateText(Date.now(), { timeStyle: "short" }) }));
    }, function () {
      say(labels.refresh_failed, true);
    });
  }

  function csrfToken(form) {
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    if (match) return decodeURIComponent(match[1]);
    var input = form.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  var form = root.querySelector("[data-snapshot-form]");
  if (form && root.dataset.snapshotUrl) {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var button = form.querySelector("button");
      if (button) button.disabled = true;
      fetch(root.dataset.snapshotUrl, {
        method: "POST",
        credentials: "same-origin",
        headers: { Accept: "application/json", "X-CSRFToken": csrfToken(form) }
      })
        .then(function (response) {
          if (!response.ok) throw new Error("HTTP " + response.status);
          return load();
        })
        .then(function () { say(labels.snapshot_taken); }, function () { say(labels.snapshot_failed, true); })
        .then(function () { if (button) button.disabled = false; });
    });
  }

  var lastWidth = root.clientWidth;
  var resizeTimer;
  window.addEventListener("resize", function () {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(function () {
      if (root.clientWidth !== lastWidth) {
        lastWidth = root.clientWidth;
        draw();
      }
    }, 200);
  });

  draw();
  var seconds = parseInt(root.dataset.refreshSeconds, 10) || 60;
  setInterval(refresh, seconds * 1000);
  document.addEventListener("visibilitychange", function () {
    var last = parseInt(root.dataset.refreshed || "0", 10);
    if (!document.hidden && Date.now() - last > seconds * 1000) refresh();
  });
})();
