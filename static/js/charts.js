// Draws every [data-chart] element from the JSON block it names (json_script): no inline scripts.
(function () {
  const palette = ["#c2185b", "#1565c0", "#2e7d32", "#ef6c00", "#6a1b9a", "#00838f"];
  function formatters(currency) {
    return {
      money: (v) => currency + v.toLocaleString(undefined, { maximumFractionDigits: 2 }),
      percent: (v) => v.toFixed(1) + "%",
      ratio: (v) => v.toFixed(2),
      count: (v) => v.toLocaleString(),
    };
  }
  // The smallest step between two axis ticks, so no two ticks read the same once formatted
  // (counts and money never step by less than 1, so "¥1 ¥1 ¥0" cannot happen).
  const steps = { money: 1, count: 1, percent: 0.1, ratio: 0.01 };

  function option(spec) {
    const formats = formatters(spec.currency || "¥");
    const units = [...new Set(spec.series.map((s) => s.unit))];
    const axes = units.map((unit, i) => ({
      type: "value", position: i ? "right" : "left", splitLine: { show: i === 0 },
      minInterval: steps[unit] || 1,
      axisLabel: { formatter: formats[unit] || formats.count },
    }));
    // Today is still coming in: the stretch into it is shaded and labelled, so a low last point
    // reads as unfinished.
    const partial = spec.partial === null || spec.partial === undefined ? null : spec.partial;
    const today = partial === null ? undefined : {
      silent: true, itemStyle: { color: "rgba(0, 0, 0, 0.05)" },
      label: { show: true, position: "insideTop", color: "#666", formatter: spec.partial_label },
      data: [[{ xAxis: spec.x[Math.max(partial - 1, 0)] }, { xAxis: spec.x[partial] }]],
    };
    return {
      color: palette,
      tooltip: { trigger: "axis" },
      legend: { top: 0 },
      grid: { left: 60, right: units.length > 1 ? 60 : 20, top: 36, bottom: 28 },
      xAxis: { type: "category", data: spec.x },
      yAxis: axes,
      series: spec.series.map((s, i) => ({
        name: s.name, type: spec.kind === "bar" ? "bar" : "line", smooth: true, showSymbol: false,
        yAxisIndex: units.indexOf(s.unit), data: s.data, connectNulls: false,
        markArea: i === 0 ? today : undefined,
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
