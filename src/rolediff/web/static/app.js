// Draw every chart of the page from its Vega-Lite spec with the vendored Vega (no network).
// Each <figure class="chart"> gets data-rendered="true" when drawn, or shows its SVG fallback.
(function () {
  function fallback(figure) {
    var template = figure.querySelector("template.fallback");
    var target = figure.querySelector(".vega");
    if (template && target) { target.replaceChildren(template.content.cloneNode(true)); }
    figure.dataset.rendered = "fallback";
  }
  document.querySelectorAll("figure.chart").forEach(function (figure) {
    var holder = document.getElementById(figure.dataset.spec);
    var target = figure.querySelector(".vega");
    if (!holder || !target || typeof vegaEmbed !== "function") { fallback(figure); return; }
    var spec = JSON.parse(holder.textContent);
    vegaEmbed(target, spec, { actions: false, renderer: "svg" })
      .then(function () { figure.dataset.rendered = "true"; })
      .catch(function (error) { console.error(error); fallback(figure); });
  });
})();
