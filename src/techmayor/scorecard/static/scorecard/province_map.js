/* The province's cities on a map (/scorecard/province/), coloured by the figure chosen in #map-figure.
   Data from the page (#province-map-data), shapes of Jiangsu's cities from echarts 4's npm package
   (served as vendor/echarts-maps/jiangsu.json). A city without a batch that year has no value: grey.
   Clicking a city with a batch opens its scorecard. Until the map is drawn the table below stands in. */
(function () {
  "use strict";
  const el = document.getElementById("province-map");
  const source = document.getElementById("province-map-data");
  if (!el || !source || !window.echarts) return;
  const data = JSON.parse(source.textContent);
  const select = document.getElementById("map-figure");
  const byName = Object.fromEntries(data.cities.map((c) => [c.name, c]));

  function figure() {
    const code = select ? select.value : data.figure;
    return data.figures.find((f) => f.code === code) || data.figures[0];
  }

  function option() {
    const f = figure();
    const rows = data.cities.filter((c) => c.batch).map((c) => ({ name: c.name, value: c.values[f.code] }));
    const max = Math.max(1, ...rows.map((r) => r.value));
    return {
      tooltip: {
        trigger: "item",
        formatter: (p) => {
          const city = byName[p.name];
          if (!city || !city.batch) return p.name + "<br>" + data.none;
          return p.name + " " + city.batch + "<br>" + f.label + "：" + city.values[f.code] + " " + f.unit;
        },
      },
      visualMap: {
        min: 0, max: max, calculable: true, orient: "horizontal", left: "center", bottom: 0,
        itemWidth: 12, itemHeight: 120, text: [String(max), "0"], inRange: { color: ["#cfe2ff", "#084298"] },
      },
      series: [{
        type: "map", map: "jiangsu", roam: false, selectedMode: false, layoutCenter: ["50%", "45%"], layoutSize: "95%",
        itemStyle: { areaColor: "#dee2e6", borderColor: "#fff" },
        emphasis: { itemStyle: { areaColor: "#ffc107" }, label: { show: true } },
        label: {
          show: true, fontSize: 10,
          formatter: (p) => (typeof p.value === "number" && !isNaN(p.value) ? p.name + "\n" + p.value : p.name),
        },
        data: rows,
      }],
    };
  }

  fetch(el.dataset.geo, { credentials: "same-origin" })
    .then((response) => { if (!response.ok) throw new Error(response.status); return response.json(); })
    .then((geo) => {
      echarts.registerMap("jiangsu", geo);
      const chart = echarts.init(el);
      chart.setOption(option());
      chart.on("click", (p) => { const city = byName[p.name]; if (city && city.url) window.location.href = city.url; });
      if (select) select.addEventListener("change", () => chart.setOption(option(), { replaceMerge: ["series"] }));
      window.addEventListener("resize", () => chart.resize());
      el.dataset.rendered = "1";
    })
    .catch(() => { el.hidden = true; });
})();
