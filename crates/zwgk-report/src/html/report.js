(function () {
  "use strict";
  var table = document.getElementById("zwgk-tasks");
  var controls = document.getElementById("zwgk-controls");
  var dataNode = document.getElementById("zwgk-data");
  if (!table || !controls || !dataNode) return;
  var data;
  try { data = JSON.parse(dataNode.textContent); } catch (e) { return; }
  var divisionsOf = {};
  (data.tasks || []).forEach(function (t) { divisionsOf[String(t.task)] = t.divisions || []; });
  var rows = Array.prototype.slice.call(table.querySelectorAll("tbody.task"));
  var chips = Array.prototype.slice.call(controls.querySelectorAll(".chips button"));
  var division = document.getElementById("zwgk-division");
  var text = document.getElementById("zwgk-text");
  var sort = document.getElementById("zwgk-sort");
  var shown = document.getElementById("zwgk-shown");
  var none = document.getElementById("zwgk-none");
  var outcome = "";

  function num(row) { return Number(row.getAttribute("data-task")) || 0; }
  function rank(row) { return Number(row.getAttribute("data-rank")) || 0; }
  function firstDivision(row) { return (divisionsOf[row.getAttribute("data-task")] || [])[0] || ""; }

  function apply() {
    var d = division.value;
    var q = text.value.trim().toLowerCase();
    var count = 0;
    rows.forEach(function (row) {
      var ok = (!outcome || row.getAttribute("data-outcome") === outcome) &&
        (!d || (divisionsOf[row.getAttribute("data-task")] || []).indexOf(d) >= 0) &&
        (!q || row.textContent.toLowerCase().indexOf(q) >= 0);
      row.hidden = !ok;
      if (ok) count += 1;
    });
    chips.forEach(function (b) {
      b.setAttribute("aria-pressed", String(b.getAttribute("data-outcome") === outcome));
    });
    shown.textContent = "显示 " + count + " / " + rows.length + " 个任务";
    none.hidden = count !== 0;
  }

  function order() {
    var key = sort.value;
    var sorted = rows.slice().sort(function (a, b) {
      var c = 0;
      if (key === "outcome") c = rank(b) - rank(a);
      else if (key === "division") {
        var x = firstDivision(a), y = firstDivision(b);
        c = x === y ? 0 : !x ? 1 : !y ? -1 : x.localeCompare(y, "zh-CN");
      }
      return c || num(a) - num(b);
    });
    sorted.forEach(function (row) { table.appendChild(row); });
  }

  chips.forEach(function (b) {
    b.addEventListener("click", function () { outcome = b.getAttribute("data-outcome") || ""; apply(); });
  });
  division.addEventListener("change", apply);
  text.addEventListener("input", apply);
  sort.addEventListener("change", order);
  document.getElementById("zwgk-reset").addEventListener("click", function () {
    outcome = ""; division.value = ""; text.value = ""; apply();
  });
  function openAll(open) {
    Array.prototype.forEach.call(table.querySelectorAll("details"), function (d) { d.open = open; });
  }
  document.getElementById("zwgk-open").addEventListener("click", function () { openAll(true); });
  document.getElementById("zwgk-close").addEventListener("click", function () { openAll(false); });
  document.addEventListener("click", function (e) {
    var a = e.target && e.target.closest ? e.target.closest("a[data-division]") : null;
    if (!a) return;
    division.value = a.getAttribute("data-division") || "";
    outcome = "";
    apply();
  });
  var closed = [];
  window.addEventListener("beforeprint", function () {
    closed = Array.prototype.filter.call(document.querySelectorAll("details"), function (d) { return !d.open; });
    closed.forEach(function (d) { d.open = true; });
  });
  window.addEventListener("afterprint", function () {
    closed.forEach(function (d) { d.open = false; });
    closed = [];
  });
  controls.hidden = false;
  apply();
})();
