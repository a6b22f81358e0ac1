// Poll an import batch's status and update its progress bar and per-file report.
(function () {
  "use strict";
  const root = document.getElementById("batch");
  if (!root) return;
  const url = root.dataset.statusUrl;

  function cell(row, text) {
    const td = document.createElement("td");
    td.textContent = text;
    row.appendChild(td);
  }

  function render(data) {
    document.getElementById("batch-progress").value = data.progress;
    document.getElementById("batch-percent").textContent = data.progress + " %";
    document.getElementById("batch-state").textContent = data.status_label;
    document.getElementById("batch-files").textContent = data.files_done + "/" + data.files_total;
    document.getElementById("batch-articles").textContent = data.articles_created;
    document.getElementById("batch-duplicates").textContent = data.duplicates;
    document.getElementById("batch-rejected").textContent = data.files_rejected;
    const body = document.querySelector("#batch-files-table tbody");
    body.replaceChildren();
    for (const file of data.files) {
      const row = document.createElement("tr");
      row.className = file.status;
      [file.name, file.status_label, file.encoding, file.articles,
        file.duplicates, file.reason].forEach((value) => cell(row, value));
      body.appendChild(row);
    }
  }

  function poll() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then((response) => response.json())
      .then((data) => {
        render(data);
        root.dataset.status = data.status;
        if (data.status === "done" || data.status === "failed") {
          if (data.status === "done" && !root.dataset.reloaded) window.location.reload();
          return;
        }
        window.setTimeout(poll, 1000);
      })
      .catch(() => window.setTimeout(poll, 3000));
  }

  if (root.dataset.status !== "done" && root.dataset.status !== "failed") poll();
})();
