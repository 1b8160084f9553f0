// Draws each chart from the Plotly figure its page carries as JSON; the page's only script.
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("[data-figure]").forEach(function (holder) {
    var source = document.getElementById(holder.dataset.figure);
    if (!source || typeof Plotly === "undefined") return;  // the table below has the numbers
    var figure = JSON.parse(source.textContent);
    Plotly.newPlot(holder, figure.data, figure.layout, figure.config);
  });
});
