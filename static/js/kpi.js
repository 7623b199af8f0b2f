/* 绩效指标 dashboard charts (ECharts, vendored in static/vendor/echarts). The figures come from the page's
   json_script block; every chart has the same figures in the table beside it. */
(function () {
  "use strict";
  var source = document.getElementById("kpi-chart-data");
  if (!source || typeof echarts === "undefined") { return; }
  var data = JSON.parse(source.textContent);
  var charts = [];

  function draw(id, option) {
    var element = document.getElementById(id);
    if (!element) { return; }
    var chart = echarts.init(element, null, { renderer: "canvas" });
    chart.setOption(option);
    charts.push(chart);
  }

  var tooltip = { trigger: "axis", axisPointer: { type: "shadow" } };
  draw("chart-quarters", {
    animation: false,
    tooltip: tooltip,
    legend: { top: 0, data: [String(data.year) + "年", String(data.year - 1) + "年"] },
    grid: { left: 60, right: 20, top: 44, bottom: 30 },
    xAxis: { type: "category", data: data.quarters },
    yAxis: { type: "value", name: data.unit },
    series: [
      { name: String(data.year) + "年", type: "bar", data: data.current, itemStyle: { color: "#2f6fb3" } },
      { name: String(data.year - 1) + "年", type: "bar", data: data.previous, itemStyle: { color: "#a9bfd8" } }
    ]
  });
  draw("chart-completion", {
    animation: false,
    tooltip: { trigger: "axis", axisPointer: { type: "shadow" }, valueFormatter: function (v) { return v + "%"; } },
    grid: { left: 230, right: 30, top: 20, bottom: 30 },
    xAxis: { type: "value", name: "%", max: function (v) { return Math.max(100, Math.ceil(v.max / 10) * 10); } },
    yAxis: { type: "category", inverse: true, data: data.completion.map(function (d) { return d.name; }),
             axisLabel: { width: 220, overflow: "truncate" } },
    series: [{ type: "bar", data: data.completion.map(function (d) { return d.value; }),
               itemStyle: { color: "#3a8f5c" },
               markLine: { symbol: "none", data: [{ xAxis: 100 }], lineStyle: { color: "#b3261e" } } }]
  });
  draw("chart-regions", {
    animation: false,
    tooltip: tooltip,
    grid: { left: 60, right: 20, top: 30, bottom: 60 },
    xAxis: { type: "category", data: data.regions.map(function (d) { return d.name; }), axisLabel: { rotate: 30 } },
    yAxis: { type: "value", name: data.unit },
    series: [{ name: data.indicator, type: "bar", data: data.regions.map(function (d) { return d.value; }),
               itemStyle: { color: "#2f6fb3" } }]
  });
  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
})();
