// jidi page script: charts from the page's JSON data block, dependent selects, confirmations,
// comparison picks. No inline scripts (the pages' content security policy forbids them).
(function () {
  "use strict";
  var lang = document.body.getAttribute("data-lang") || "zh";
  // Script errors are kept where the browser tests (and a curious official's console) can see them.
  window.__jidiErrors = window.__jidiErrors || [];
  function record(where, e) {
    window.__jidiErrors.push(where + ": " + (e && e.message ? e.message : String(e)));
    if (window.console) console.error(where, e);
  }
  window.addEventListener("error", function (ev) { record("page", ev.error || ev.message); });
  var palette = ["#1565c0", "#c62828", "#f0a500", "#2e7d32", "#6a1b9a", "#00838f", "#ef6c00", "#5d4037", "#455a64"];

  function data() {
    var el = document.getElementById("chart-data");
    if (!el) return null;
    try { return JSON.parse(el.textContent); } catch (e) { return null; }
  }

  function chart(el, option) {
    if (!window.echarts) return;
    // A chart of named rows (provinces, indicators) grows with its rows so that every label
    // shows without overlapping (18 px a row).
    var named = [].concat(option.yAxis || []).filter(function (a) { return a.type === "category" && a.data; })[0];
    if (named && named.data.length * 18 + 40 > el.clientHeight) el.style.height = (named.data.length * 18 + 40) + "px";
    var c = window.echarts.init(el, null, { renderer: "svg" });
    option.color = option.color || palette;
    option.animation = false;
    c.setOption(option);
    describe(el);
    window.addEventListener("resize", function () { c.resize(); });
  }

  // Every chart is an image to assistive technology. Its name and its text alternative (the key
  // figures, in the page's language, base names marked lang="zh-CN") are written by the server
  // (the chart_figure macro: aria-label and aria-describedby); a chart without them gets its
  // heading as its name here.
  function describe(el) {
    if (!el.getAttribute("role")) el.setAttribute("role", "img");
    if (el.getAttribute("aria-label")) return;
    var box = el.closest("section, .panel, figure");
    var heading = box && box.querySelector("h2, h3, figcaption");
    el.setAttribute("aria-label", heading ? heading.textContent.trim() : (el.getAttribute("data-chart") || ""));
  }

  var tooltip = { trigger: "axis", confine: true };
  var grid = { left: 48, right: 16, top: 28, bottom: 32, containLabel: true };

  var renderers = {
    designations: function (el, d) {
      var rows = d.designations || [];
      chart(el, {
        tooltip: tooltip, grid: grid,
        xAxis: { type: "category", data: rows.map(function (r) { return String(r[0]); }) },
        yAxis: { type: "value", name: d.labels ? d.labels.bases : "" },
        series: [{ type: "bar", data: rows.map(function (r) { return r[1]; }), label: { show: true, position: "top" } }]
      });
    },
    categories: function (el, d) {
      chart(el, { tooltip: { trigger: "item" }, series: [{ type: "pie", radius: ["35%", "70%"], data: d.categories, label: { formatter: "{b}\n{c}" } }] });
    },
    provinces: function (el, d) {
      var rows = (d.provinces || []).slice().sort(function (a, b) { return a.value - b.value; });
      chart(el, {
        tooltip: tooltip, grid: { left: 10, right: 30, top: 10, bottom: 10, containLabel: true },
        // Every province's label shows (interval 0), not every other one.
        xAxis: { type: "value" }, yAxis: { type: "category", data: rows.map(function (r) { return r.name; }), axisLabel: { fontSize: 11, interval: 0 } },
        series: [{ type: "bar", data: rows.map(function (r) { return r.value; }), label: { show: true, position: "right", fontSize: 10 } }]
      });
    },
    map: function (el, d) {
      // Only when the operator supplied an approved map (GeoJSON) at /static/map.json.
      fetch("/static/map.json").then(function (r) { return r.ok ? r.json() : null; }).then(function (geo) {
        if (!geo || !window.echarts) return;
        window.echarts.registerMap("approved", geo);
        chart(el, {
          tooltip: { trigger: "item" },
          visualMap: { min: 0, max: Math.max.apply(null, (d.provinces || []).map(function (p) { return p.value; }).concat([1])), left: 10, bottom: 10, calculable: true },
          series: [{ type: "map", map: "approved", data: d.provinces }]
        });
      });
    },
    indicators: function (el, d) {
      var codes = (el.getAttribute("data-codes") || "").split(",");
      var series = (d.annual || []).filter(function (s) { return codes.indexOf(s.code) >= 0; });
      if (!series.length) { el.style.display = "none"; return; }
      var twoAxes = series.length > 1 && series[0].unit !== series[1].unit;
      chart(el, {
        title: { text: series.map(function (s) { return s.name + "（" + s.unit + "）"; }).join(" / "), textStyle: { fontSize: 12 } },
        tooltip: tooltip, grid: { left: 48, right: 48, top: 40, bottom: 28, containLabel: true },
        // Two series get a legend; the bars' axis starts at zero (a bar's length is its value),
        // only a line's axis may zoom to its range.
        legend: { show: series.length > 1, top: 18, right: 0 },
        xAxis: { type: "category", data: series[0].points.map(function (p) { return String(p[0]); }) },
        yAxis: twoAxes ? [{ type: "value", min: 0 }, { type: "value", scale: true }] : { type: "value", min: 0 },
        series: series.map(function (s, i) {
          return { name: s.name, type: i === 0 ? "bar" : "line", yAxisIndex: twoAxes ? i : 0, data: s.points.map(function (p) { return p[1]; }) };
        })
      });
    },
    monthly: function (el, d) {
      var s = (d.monthly || []).filter(function (x) { return x.code === "m_rev"; })[0];
      if (!s) { el.style.display = "none"; return; }
      // 1–N月 totals restart every January: one line per year over the twelve months, never one
      // saw-tooth line across years.
      var months = [], byYear = {}, years = [];
      for (var m = 1; m <= 12; m++) months.push(lang === "zh" ? m + "月" : ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"][m - 1]);
      s.points.forEach(function (p) {
        var y = String(p[0]).slice(0, 4), mo = Number(String(p[0]).slice(5, 7));
        if (!byYear[y]) { byYear[y] = [null, null, null, null, null, null, null, null, null, null, null, null]; years.push(y); }
        byYear[y][mo - 1] = Number(p[1]);
      });
      chart(el, {
        title: { text: s.name + "（" + s.unit + (s.cumulative ? (lang === "zh" ? "，1—N月累计" : ", year to date") : "") + "）", textStyle: { fontSize: 12 } },
        tooltip: tooltip, grid: { left: 48, right: 16, top: 40, bottom: 28, containLabel: true },
        xAxis: { type: "category", data: months },
        yAxis: { type: "value", min: 0 },
        legend: { show: years.length > 1, top: 18, right: 0, type: "scroll" },
        series: years.map(function (y) {
          return { name: y, type: "line", showSymbol: false, connectNulls: false, data: byYear[y] };
        })
      });
    },
    // Monitoring: a base's months, then the forecast with its 95% band (lower bound plus the
    // band's width stacked on it, so that the area between them is shaded).
    forecast: function (el, d) {
      var rows = (d.series && d.series.chart) || [];
      if (!rows.length) { el.style.display = "none"; return; }
      var num = function (v) { return v === null || v === undefined ? null : Number(v); };
      var last = null;
      rows.forEach(function (r, i) { if (r.actual !== null) last = i; });
      chart(el, {
        title: { text: d.series.indicator_name + "（" + d.series.unit + (d.series.flow ? (lang === "zh" ? "，当月" : ", month") : "") + "）", textStyle: { fontSize: 12 } },
        tooltip: tooltip, grid: { left: 48, right: 16, top: 40, bottom: 28, containLabel: true },
        legend: { top: 0, right: 0, data: [d.labels.actual, d.labels.forecast, d.labels.band] },
        xAxis: { type: "category", data: rows.map(function (r) { return r.period; }) },
        yAxis: { type: "value", scale: true },
        dataZoom: [{ type: "inside" }],
        series: [
          { name: d.labels.actual, type: "line", showSymbol: false, data: rows.map(function (r) { return num(r.actual); }), color: "#1565c0" },
          { name: d.labels.forecast, type: "line", showSymbol: false, lineStyle: { type: "dashed" }, color: "#c62828",
            data: rows.map(function (r, i) { return i === last ? num(r.actual) : num(r.forecast); }) },
          { name: "lo", type: "line", stack: "band", symbol: "none", lineStyle: { opacity: 0 }, data: rows.map(function (r) { return num(r.lo95); }), tooltip: { show: false } },
          { name: d.labels.band, type: "line", stack: "band", symbol: "none", lineStyle: { opacity: 0 }, areaStyle: { color: "rgba(198,40,40,0.15)" }, color: "rgba(198,40,40,0.4)",
            data: rows.map(function (r) { return r.hi95 === null ? null : Number(r.hi95) - Number(r.lo95); }) }
        ]
      });
    },
    growth: function (el, d) {
      var pts = (d.series && d.series.points) || [];
      if (!pts.length) { el.style.display = "none"; return; }
      var own = function (p) { var g = d.series.flow ? p.cum_yoy : p.yoy; return g === null ? null : Number(Number(g).toFixed(2)); };
      var fix = function (g) { return g === null ? null : Number(Number(g).toFixed(2)); };
      chart(el, {
        title: { text: d.labels.growth, textStyle: { fontSize: 12 } },
        tooltip: tooltip, grid: { left: 48, right: 16, top: 40, bottom: 28, containLabel: true },
        legend: { top: 0, right: 0 },
        xAxis: { type: "category", data: pts.map(function (p) { return p.period; }) },
        yAxis: { type: "value", axisLabel: { formatter: "{value}%" } },
        series: [
          { name: d.series.base_name, type: "line", showSymbol: false, data: pts.map(own) },
          { name: d.series.category_name, type: "line", showSymbol: false, data: pts.map(function (p) { return fix(p.category_growth); }) },
          { name: d.labels.nation, type: "line", showSymbol: false, data: pts.map(function (p) { return fix(p.nation_growth); }) }
        ]
      });
    },
    // Green view: CO2 by fuel, stacked, for each year (10,000 t), and the carbon intensity line.
    "green-co2": function (el, d) {
      var hist = (d.view && d.view.history) || [];
      if (!hist.length) { el.style.display = "none"; return; }
      var fuels = hist[0].figures.fuels;
      var series = fuels.map(function (f, k) {
        return { name: f.name, type: "bar", stack: "co2",
          data: hist.map(function (h) { return Number((h.figures.fuels[k].co2_t / 10000).toFixed(2)); }) };
      });
      series.push({ name: d.labels.carbon_intensity, type: "line", yAxisIndex: 1, color: "#c62828",
        data: hist.map(function (h) { var v = h.figures.carbon_intensity; return v === null ? null : Number(Number(v).toFixed(4)); }) });
      chart(el, {
        tooltip: tooltip, grid: { left: 48, right: 48, top: 48, bottom: 28, containLabel: true },
        legend: { top: 0, type: "scroll" },
        xAxis: { type: "category", data: hist.map(function (h) { return String(h.year); }) },
        yAxis: [{ type: "value", name: d.labels.co2 }, { type: "value", scale: true, splitLine: { show: false } }],
        series: series
      });
    },
    "green-rank": function (el, d) {
      var rows = ((d.view && d.view.categories) || []).filter(function (g) { return g.carbon_intensity !== null; });
      if (!rows.length) { el.style.display = "none"; return; }
      rows = rows.slice().reverse();
      chart(el, {
        tooltip: tooltip, grid: { left: 8, right: 24, top: 8, bottom: 8, containLabel: true },
        xAxis: { type: "value" },
        yAxis: { type: "category", data: rows.map(function (g) { return g.name; }), axisLabel: { fontSize: 11, interval: 0 } },
        series: [{ type: "bar", color: "#2e7d32", data: rows.map(function (g) { return Number(Number(g.carbon_intensity).toFixed(4)); }),
          label: { show: true, position: "right" } }]
      });
    },
    "star-history": function (el, d) {
      var rows = d.stars || [];
      if (!rows.length) { el.style.display = "none"; return; }
      chart(el, {
        tooltip: tooltip, grid: grid,
        xAxis: { type: "category", data: rows.map(function (r) { return String(r[0]); }) },
        yAxis: { type: "value", min: 0, max: 5, interval: 1 },
        series: [{ type: "line", step: "middle", data: rows.map(function (r) { return r[1]; }), label: { show: true }, color: "#f0a500" }]
      });
    },
    evaluations: function (el, d) {
      var years = d.years || [];
      var names = ["★", "★★", "★★★", "★★★★", "★★★★★"];
      chart(el, {
        tooltip: tooltip, grid: grid, legend: { top: 0 },
        xAxis: { type: "category", data: years.map(String) }, yAxis: { type: "value" },
        color: ["#b0bec5", "#90a4ae", "#64b5f6", "#1565c0", "#f0a500"],
        series: names.map(function (n, k) {
          return { name: n, type: "bar", stack: "s", data: (d.stars || []).map(function (s) { return s[k] || 0; }) };
        })
      });
    },
    "run-stars": function (el, d) {
      var s = d.stars || [];
      chart(el, {
        tooltip: tooltip, grid: grid,
        xAxis: { type: "category", data: ["★", "★★", "★★★", "★★★★", "★★★★★"], axisLabel: { interval: 0 } }, yAxis: { type: "value" },
        series: [{ type: "bar", data: s, label: { show: true, position: "top" }, color: "#1565c0" }]
      });
    },
    radar: function (el, d) {
      var r = d.radar;
      if (!r) return;
      chart(el, {
        tooltip: {}, legend: { bottom: 0, data: [d.labels.base, d.labels.median, d.labels.best] },
        radar: { indicator: r.indicators, radius: "62%" },
        series: [{ type: "radar", data: [
          { name: d.labels.base, value: r.base, areaStyle: { opacity: 0.2 } },
          { name: d.labels.median, value: r.median, lineStyle: { type: "dashed" } },
          { name: d.labels.best, value: r.best, lineStyle: { type: "dotted" } }
        ] }]
      });
    },
    contributions: function (el, d) {
      var rows = (d.contributions || []).slice().reverse();
      chart(el, {
        tooltip: tooltip, grid: { left: 10, right: 30, top: 10, bottom: 10, containLabel: true },
        xAxis: { type: "value" }, yAxis: { type: "category", data: rows.map(function (r) { return r.name; }), axisLabel: { fontSize: 11, interval: 0 } },
        series: [{ type: "bar", data: rows.map(function (r) { return { value: Number(r.value.toFixed(3)), itemStyle: { color: r.value >= 0 ? "#2e7d32" : "#c62828" } }; }) }]
      });
    },
    probabilities: function (el, d) {
      var p = d.probabilities;
      if (!p) { el.style.display = "none"; return; }
      chart(el, {
        tooltip: tooltip, grid: grid,
        xAxis: { type: "category", data: ["★", "★★", "★★★", "★★★★", "★★★★★"], axisLabel: { interval: 0 } }, yAxis: { type: "value", max: 1 },
        series: [{ type: "bar", data: p.map(function (x) { return Number(x.toFixed(3)); }), label: { show: true, position: "top", formatter: function (v) { return Math.round(v.value * 100) + "%"; } }, color: "#f0a500" }]
      });
    },
    "compare-radar": function (el, d) {
      chart(el, {
        tooltip: {}, legend: { bottom: 0, type: "scroll" },
        radar: { indicator: d.indicators, radius: "62%" },
        series: [{ type: "radar", data: d.series }]
      });
    },
    weights: function (el, d) {
      chart(el, { tooltip: { trigger: "item" }, series: [{ type: "pie", radius: ["35%", "70%"], data: d.weights, label: { formatter: "{b} {d}%" } }] });
    },
    sensitivity: function (el, d) {
      var rows = (d.sensitivity || []).slice().reverse();
      if (!rows.length) { el.style.display = "none"; return; }
      chart(el, {
        tooltip: tooltip, grid: { left: 10, right: 30, top: 10, bottom: 10, containLabel: true },
        xAxis: { type: "value" }, yAxis: { type: "category", data: rows.map(function (r) { return r.name; }), axisLabel: { fontSize: 11, interval: 0 } },
        series: [{ type: "bar", data: rows.map(function (r) { return Number(Number(r.value).toFixed(3)); }), color: "#6a1b9a" }]
      });
    }
  };

  // The scheme editor shows the totals of weights and star shares as they are typed; the server
  // still validates them when the version is saved.
  function runningTotals() {
    var form = document.getElementById("scheme-form");
    if (!form) return;
    var sum = function (group) {
      var total = 0, inputs = form.querySelectorAll('[data-total="' + group + '"]');
      for (var i = 0; i < inputs.length; i++) {
        var v = parseFloat(inputs[i].value);
        if (isFinite(v)) total += v;
      }
      return Math.round(total * 10000) / 10000;
    };
    var update = function () {
      var shares = document.getElementById("share-total");
      if (shares) {
        var s = sum("shares");
        shares.textContent = String(s);
        shares.classList.toggle("bad", Math.abs(s - 100) > 0.01);
      }
      var weights = document.getElementById("weight-total");
      if (weights) weights.textContent = String(sum("dims"));
      var outs = form.querySelectorAll("output[data-sum]");
      for (var i = 0; i < outs.length; i++) outs[i].textContent = String(sum(outs[i].getAttribute("data-sum")));
    };
    form.addEventListener("input", update);
    update();
  }

  function renderCharts() {
    var d = data();
    if (!d) return;
    var els = document.querySelectorAll("[data-chart]");
    for (var i = 0; i < els.length; i++) {
      var kind = els[i].getAttribute("data-chart");
      if (renderers[kind]) {
        try { renderers[kind](els[i], d); } catch (e) { record("chart " + kind, e); }
      }
    }
  }

  // A select whose options carry data-parent follows another select.
  function follow(childId, parentId) {
    var child = document.getElementById(childId), parent = document.getElementById(parentId);
    if (!child || !parent) return;
    var apply = function () {
      var p = parent.value;
      for (var i = 0; i < child.options.length; i++) {
        var o = child.options[i], owner = o.getAttribute("data-parent");
        o.hidden = !!(owner && p && owner !== p);
      }
      if (child.selectedOptions.length && child.selectedOptions[0].hidden) child.value = "";
    };
    parent.addEventListener("change", apply);
    apply();
  }

  function confirmations() {
    var forms = document.querySelectorAll("form[data-confirm]");
    for (var i = 0; i < forms.length; i++) {
      forms[i].addEventListener("submit", function (ev) {
        if (!window.confirm(this.getAttribute("data-confirm"))) ev.preventDefault();
      });
    }
  }

  function comparePicks() {
    var button = document.getElementById("compare-button"), ids = document.getElementById("compare-ids");
    if (!button || !ids) return;
    var update = function () {
      var picked = Array.prototype.filter.call(document.querySelectorAll(".compare-pick"), function (c) { return c.checked; }).map(function (c) { return c.value; });
      ids.value = picked.join(",");
      button.disabled = picked.length < 2 || picked.length > 10;
    };
    document.addEventListener("change", function (ev) { if (ev.target.classList && ev.target.classList.contains("compare-pick")) update(); });
    update();
  }

  function verifyLinks() {
    var link = document.querySelector("[data-verify]");
    if (!link) return;
    link.addEventListener("click", function (ev) {
      ev.preventDefault();
      var out = document.getElementById("verify-result");
      fetch(link.getAttribute("href"), { credentials: "same-origin" }).then(function (r) { return r.json(); }).then(function (j) {
        out.textContent = j.verified ? (lang === "zh" ? "✓ 校验一致" : "✓ verified") : (lang === "zh" ? "✗ 与记录不一致" : "✗ does not match");
        out.className = j.verified ? "good" : "bad";
      });
    });
  }

  // Phones: the menu button opens the navigation; filter panels start folded.
  function phone() {
    var toggle = document.getElementById("menu-toggle");
    if (toggle) {
      toggle.addEventListener("click", function () {
        var bar = toggle.closest(".topbar");
        var open = !bar.classList.contains("open");
        bar.classList.toggle("open", open);
        toggle.setAttribute("aria-expanded", open ? "true" : "false");
      });
    }
    if (window.matchMedia && window.matchMedia("(max-width: 720px)").matches) {
      var folds = document.querySelectorAll("details.filters-fold");
      for (var i = 0; i < folds.length; i++) folds[i].open = false;
    }
  }

  // "Select all" of the bulk decision ticks the boxes of the proposals shown.
  function selectAll() {
    var all = document.getElementById("select-all");
    if (!all) return;
    all.addEventListener("change", function () {
      var picks = document.querySelectorAll("input.pick");
      for (var i = 0; i < picks.length; i++) picks[i].checked = all.checked;
    });
  }

  function backLinks() {
    var links = document.querySelectorAll("[data-back-link]");
    for (var i = 0; i < links.length; i++) {
      links[i].setAttribute("href", links[i].getAttribute("href") + encodeURIComponent(location.pathname + location.search));
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    var steps = [
      renderCharts,
      runningTotals,
      function () { follow("f-subcategory", "f-category"); },
      function () { follow("f-subcategory_code", "f-category_code"); },
      function () { follow("f-prefecture_code", "f-province_code"); },
      confirmations, comparePicks, verifyLinks, backLinks, selectAll, phone
    ];
    for (var i = 0; i < steps.length; i++) {
      try { steps[i](); } catch (e) { record("setup", e); }
    }
  });
})();
