// Review lists: "select all" ticks every row of the page; a batch action needs at least one row.
(function () {
  var all = document.getElementById("select-all");
  if (all) {
    all.addEventListener("change", function () {
      document.querySelectorAll("input[name=ids]").forEach(function (box) { box.checked = all.checked; });
    });
  }
  document.addEventListener("submit", function (e) {
    var form = e.target;
    if (!form.querySelector("#batch-actions")) return;
    if (!form.querySelector("input[name=ids]:checked")) {
      e.preventDefault();
      alert("请先勾选要办理的申报。");
    }
  }, true);
})();
