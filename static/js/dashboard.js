// The start page's charts (Chart.js, static/vendor/chartjs-*). Each
// <canvas data-chart="ID"> is drawn from the JSON in the element ID, written by
// json_script; the table below each chart holds the same numbers.
(() => {
  if (typeof Chart === "undefined") return;

  // Very positive … very negative, then "not evaluated" in grey.
  const evaluationColours = ["#198754", "#75b798", "#ffda6a", "#ea868f", "#dc3545", "#ced4da"];

  const configs = {
    weeks: (data) => ({
      type: "bar",
      data,
      options: {
        scales: {
          x: { stacked: true },
          y: { stacked: true, beginAtZero: true, ticks: { precision: 0 } },
        },
      },
    }),
    // Cost and minutes differ in scale: one axis each.
    salespeople: (data) => {
      const [cost, duration] = data.datasets;
      cost.yAxisID = "cost";
      duration.yAxisID = "duration";
      return {
        type: "bar",
        data,
        options: {
          scales: {
            cost: { position: "left", beginAtZero: true, title: { display: true, text: cost.label } },
            duration: {
              position: "right",
              beginAtZero: true,
              grid: { drawOnChartArea: false },
              title: { display: true, text: duration.label },
            },
          },
        },
      };
    },
    evaluations: (data) => {
      data.datasets[0].backgroundColor = evaluationColours;
      return { type: "doughnut", data, options: { plugins: { legend: { position: "right" } } } };
    },
  };

  const reducedMotion = window.matchMedia("(prefers-reduced-motion: reduce)").matches;
  document.querySelectorAll("canvas[data-chart]").forEach((canvas) => {
    const { kind, labels, datasets } = JSON.parse(
      document.getElementById(canvas.dataset.chart).textContent,
    );
    const config = configs[kind]({ labels, datasets });
    Object.assign(config.options, {
      locale: document.documentElement.lang || undefined,
      responsive: true,
      maintainAspectRatio: false,
    });
    if (reducedMotion) config.options.animation = false;
    new Chart(canvas, config);
  });
})();
