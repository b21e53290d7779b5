// Live progress: a page with data-live-source listens to the dashboard's Server-Sent Events
// and puts each update's figures into its [data-live] elements (as text, never markup) and
// [data-live-value] progress bars. Updates name their batch: rows are found by data-batch.
(() => {
  "use strict";
  const page = document.querySelector("[data-live-source]");
  if (!page || !("EventSource" in window)) return;
  const pick = (data, path) =>
    path.split(".").reduce((value, key) => (value == null ? value : value[key]), data);
  const shown = (value) =>
    typeof value === "number" ? value.toLocaleString("en-US") : value == null ? "" : String(value);
  const source = new EventSource(page.dataset.liveSource);
  source.onmessage = (event) => {
    const data = JSON.parse(event.data);
    for (const view of Array.isArray(data) ? data : [data]) {
      const scope = document.querySelector(`[data-batch="${CSS.escape(String(view.batch_id))}"]`);
      if (!scope) continue;
      for (const el of scope.querySelectorAll("[data-live]")) {
        el.textContent = shown(pick(view, el.dataset.live));
      }
      for (const bar of scope.querySelectorAll("[data-live-value]")) {
        bar.max = Math.max(view.rows, 1);
        bar.value = pick(view, bar.dataset.liveValue) || 0;
      }
      if (!Array.isArray(data) && view.done) source.close();
    }
  };
})();
