/* The dashboard's charts (ECharts), drawn from the JSON the page carries in #dashboard-data.
   Every chart element carries the URL of the records behind it: a click opens it. No inline script. */
(function () {
  "use strict";
  var source = document.getElementById("dashboard-data");
  if (!source || !window.echarts) return;
  var data = JSON.parse(source.textContent);
  var text = data.text || {};
  text.separator = text.separator || ": ";  // the page gives it in the reader's language
  var charts = [];

  function make(id) {
    var el = document.getElementById(id);
    if (!el) return null;
    var chart = echarts.init(el, null, { renderer: "canvas" });
    chart.on("click", function (params) {
      var url = params.data && params.data.url;
      if (url) window.location.href = url;
    });
    charts.push(chart);
    return chart;
  }

  function control(name, draw) {
    var select = document.querySelector('[data-tm-control="' + name + '"]');
    draw(select ? Number(select.value) : 0);
    if (select) select.addEventListener("change", function () { draw(Number(select.value)); });
  }

  var grid = { left: 8, right: 16, top: 40, bottom: 8, containLabel: true };

  // Monthly trend: one stacked bar per group.
  var trend = make("chart-trend");
  if (trend) {
    control("trend", function (index) {
      var metric = data.trend.metrics[index];
      trend.setOption({
        tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
        legend: { type: "scroll", top: 0 },
        grid: grid,
        xAxis: { type: "category", data: metric.rows.map(function (r) { return r.month; }) },
        yAxis: { type: "value", name: metric.unit },
        series: data.trend.groups.map(function (group, g) {
          return {
            name: group, type: "bar", stack: "groups", emphasis: { focus: "series" },
            data: metric.rows.map(function (r) { return r.cells[g]; })
          };
        })
      }, true);
    });
  }

  function funnel(id, steps) {
    var chart = make(id);
    if (!chart) return;
    chart.setOption({
      tooltip: {
        trigger: "item",
        formatter: function (p) {
          var step = steps[p.dataIndex];
          var lost = step.lost_share === null ? "" : "<br>" + text.lost + " " + step.lost_text;
          return step.label + text.separator + step.count + lost;
        }
      },
      series: [{
        type: "funnel", sort: "none", left: "5%", width: "90%", top: 8, bottom: 8, minSize: "8%", gap: 2,
        label: { position: "inside", formatter: function (p) { return p.name + " " + p.value; } },
        data: steps.map(function (s) { return { name: s.label, value: s.count, url: s.url }; })
      }]
    });
  }
  funnel("chart-need-funnel", data.funnels.need.steps);
  funnel("chart-coop-funnel", data.funnels.cooperation);

  // The groups side by side on one figure (sorted, with rank numbers, when the city ranks).
  var compare = make("chart-compare");
  if (compare && data.compare) {
    control("compare", function (index) {
      var metric = data.compare.metrics[index];
      var rows = data.compare.rows.map(function (row) {
        var cell = row.cells[index];
        return { name: row.group, value: cell.value, url: cell.url, rank: cell.rank };
      });
      if (data.compare.ranking) rows.sort(function (a, b) { return b.value - a.value; });
      compare.setOption({
        tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
        grid: grid,
        xAxis: {
          type: "category",
          data: rows.map(function (r) { return r.rank ? r.rank + ". " + r.name : r.name; })
        },
        yAxis: { type: "value", name: metric.unit },
        series: [{ name: metric.name, type: "bar", data: rows, label: { show: true, position: "top" } }]
      }, true);
    });
  }

  // The city's districts coloured by the chosen figure.
  var map = data.map && make("chart-map");
  if (map) {
    fetch(data.map.geojson, { credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) throw new Error(response.status);
        return response.json();
      })
      .then(function (geojson) {
        echarts.registerMap(data.map.name, geojson);
        control("map", function (index) {
          var metric = data.compare.metrics[index];
          var values = data.map.regions.map(function (r) {
            return { name: r.district, value: r.cells[index].value, url: r.cells[index].url };
          });
          var max = Math.max.apply(null, values.map(function (v) { return v.value; }).concat([1]));
          map.setOption({
            tooltip: {
              trigger: "item",
              formatter: function (p) {
                return p.name + (isNaN(p.value) ? "" : text.separator + p.value + " " + metric.unit);
              }
            },
            visualMap: { min: 0, max: max, left: 0, bottom: 0, calculable: true, itemHeight: 100,
              text: [metric.unit, "0"] },
            series: [{ type: "map", map: data.map.name, roam: false, data: values,
              label: { show: true, fontSize: 11 }, itemStyle: { areaColor: "#eee" } }]
          }, true);
        });
      })
      .catch(function () {
        var el = document.getElementById("chart-map");
        el.textContent = text.noMap;
        el.classList.add("text-body-secondary", "small");
      });
  }

  window.addEventListener("resize", function () {
    charts.forEach(function (chart) { chart.resize(); });
  });
})();
