// Poll an import batch's status and update its progress bar, per-file report and
// tagging counts, until the import is over and no dispatch waits for tagging.
(function () {
  "use strict";
  const root = document.getElementById("batch");
  if (!root) return;
  const url = root.dataset.statusUrl;

  function over(status) {
    return status === "done" || status === "failed";
  }

  function cell(row, text) {
    const td = document.createElement("td");
    td.textContent = text;
    row.appendChild(td);
  }

  function renderTagging(tagging) {
    document.getElementById("tagging-tagged").textContent = tagging.tagged;
    document.getElementById("tagging-pending").textContent = tagging.pending;
    document.getElementById("tagging-failed").textContent = tagging.failed;
    const state = document.getElementById("tagging-state");
    state.textContent = tagging.finished ? state.dataset.done : state.dataset.running;
  }

  function render(data) {
    renderTagging(data.tagging);
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
        const wasImporting = !over(root.dataset.status);
        render(data);
        root.dataset.status = data.status;
        // The import just ended: reload once to list its dispatches, then follow tagging.
        if (data.status === "done" && wasImporting) {
          window.location.reload();
          return;
        }
        if (over(data.status) && data.tagging.finished) return;
        window.setTimeout(poll, over(data.status) ? 2000 : 1000);
      })
      .catch(() => window.setTimeout(poll, 3000));
  }

  if (!over(root.dataset.status) || root.dataset.taggingFinished !== "true") poll();
})();
