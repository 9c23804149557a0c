/* A target's chart (ECharts): the figure done month by month, the pace line, the forecast with its band,
   and the target line; drawn from the JSON the page carries in #targets-data. No inline script. */
(function () {
  "use strict";
  var source = document.getElementById("targets-data");
  var el = document.getElementById("target-chart");
  if (!source || !el || !window.echarts) return;
  var data = JSON.parse(source.textContent);
  var text = data.text || {};
  var chart = echarts.init(el, null, { renderer: "canvas" });

  function draw(index) {
    var t = data.targets[index];
    if (!t) return;
    var series = [
      { name: text.actual, type: "line", data: t.actual, symbolSize: 5, z: 5 },
      { name: text.pace, type: "line", data: t.pace, showSymbol: false, lineStyle: { type: "dashed" } },
      { name: text.target, type: "line", data: [[t.start, t.target], [t.end, t.target]], showSymbol: false,
        lineStyle: { type: "dotted", width: 2 } }
    ];
    if (t.forecast) {
      series.push({ name: text.low, type: "line", data: t.low, stack: "band", showSymbol: false,
                    lineStyle: { opacity: 0 }, tooltip: { show: false }, legendHoverLink: false, silent: true });
      series.push({ name: text.band, type: "line", data: t.band, stack: "band", showSymbol: false,
                    lineStyle: { opacity: 0 }, areaStyle: { opacity: 0.25 } });
      series.push({ name: text.forecast, type: "line", data: t.forecast, showSymbol: true,
                    lineStyle: { type: "dashed", width: 2 } });
    }
    chart.setOption({
      tooltip: { trigger: "axis" },
      legend: { type: "scroll", top: 0, data: [text.actual, text.pace, text.forecast, text.band, text.target] },
      grid: { left: 8, right: 16, top: 40, bottom: 8, containLabel: true },
      xAxis: { type: "time", min: t.start, max: t.end },
      yAxis: { type: "value", name: t.unit },
      series: series
    }, true);
  }

  var select = document.querySelector("[data-tm-target-select]");
  draw(select ? Number(select.value) : 0);
  if (select) select.addEventListener("change", function () { draw(Number(select.value)); });
  window.addEventListener("resize", function () { chart.resize(); });
}());
