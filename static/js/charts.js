// Draws every [data-chart] element from the JSON block it names (json_script): no inline scripts.
(function () {
  const palette = ["#c2185b", "#1565c0", "#2e7d32", "#ef6c00", "#6a1b9a", "#00838f"];
  function formatters(currency) {
    return {
      money: (v) => currency + Math.round(v).toLocaleString(),
      percent: (v) => v.toFixed(1) + "%",
      ratio: (v) => v.toFixed(2),
      count: (v) => Math.round(v).toLocaleString(),
    };
  }

  function option(spec) {
    const formats = formatters(spec.currency || "¥");
    const units = [...new Set(spec.series.map((s) => s.unit))];
    const axes = units.map((unit, i) => ({
      type: "value", position: i ? "right" : "left", splitLine: { show: i === 0 },
      axisLabel: { formatter: formats[unit] || formats.count },
    }));
    return {
      color: palette,
      tooltip: { trigger: "axis" },
      legend: { top: 0 },
      grid: { left: 60, right: units.length > 1 ? 60 : 20, top: 36, bottom: 28 },
      xAxis: { type: "category", data: spec.x },
      yAxis: axes,
      series: spec.series.map((s) => ({
        name: s.name, type: spec.kind === "bar" ? "bar" : "line", smooth: true, showSymbol: false,
        yAxisIndex: units.indexOf(s.unit), data: s.data, connectNulls: false,
        areaStyle: spec.kind === "area" ? { opacity: 0.08 } : undefined,
      })),
    };
  }

  function draw(root) {
    if (!window.echarts) return;
    root.querySelectorAll("[data-chart]").forEach((el) => {
      const source = document.getElementById(el.dataset.chart);
      if (!source) return;
      const chart = echarts.getInstanceByDom(el) || echarts.init(el);
      chart.setOption(option(JSON.parse(source.textContent)), true);
    });
  }

  document.addEventListener("DOMContentLoaded", () => draw(document));
  document.addEventListener("htmx:afterSettle", (event) => draw(event.target));
  window.addEventListener("resize", () => {
    document.querySelectorAll("[data-chart]").forEach((el) => {
      const chart = window.echarts && echarts.getInstanceByDom(el);
      if (chart) chart.resize();
    });
  });
})();
