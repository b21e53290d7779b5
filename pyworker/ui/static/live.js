// Times in the viewer's zone ([datetime] of <time> elements), and live progress: a page with data-live-source listens to the dashboard's Server-Sent Events
// and puts each update's figures into its [data-live] elements (as text, never markup), bar
// segments ([data-live-width], [data-live-x]), tones ([data-live-tone]), banners shown while
// a flag holds ([data-live-show]; [data-live-any] on a list: for any of its batches), and the
// failure groups and waiting reasons ([data-live-list]). Updates name their batch: rows are
// found by data-batch.
(() => {
  "use strict";
  // times: the page is written in UTC; shown as how long ago (within two days, else the
  // date), the viewer's local date and time in the tooltip
  const ago = new Intl.RelativeTimeFormat(undefined, { numeric: "auto" });
  const localTime = (el) => {
    const moment = new Date(el.dateTime);
    if (!el.dateTime || Number.isNaN(moment.getTime())) return;
    const minutes = Math.round((moment.getTime() - Date.now()) / 60000);
    const local = moment.toLocaleString(undefined, {
      year: "numeric", month: "short", day: "numeric", hour: "2-digit", minute: "2-digit",
      timeZoneName: "short",
    });
    el.textContent =
      Math.abs(minutes) < 60 ? ago.format(minutes, "minute")
      : Math.abs(minutes) < 48 * 60 ? ago.format(Math.round(minutes / 60), "hour")
      : moment.toLocaleDateString(undefined, { dateStyle: "medium" });
    el.title = local;
  };
  document.querySelectorAll("time[datetime]").forEach(localTime);

  const page = document.querySelector("[data-live-source]");
  if (!page || !("EventSource" in window)) return;
  const pick = (data, path) =>
    path.split(".").reduce((value, key) => (value == null ? value : value[key]), data);
  const shown = (value) =>
    typeof value === "number" ? value.toLocaleString("en-US") : value == null ? "" : String(value);
  const element = (tag, text) => {
    const el = document.createElement(tag);
    if (text != null) el.textContent = text;
    return el;
  };
  const keyOf = (step, error) => JSON.stringify([step, error]);

  // failure groups: counts change in place (their examples stay), new groups are added,
  // groups that are gone (retried) are removed
  const showFailures = (scope, failures) => {
    const list = scope.querySelector('[data-live-list="failures"]');
    if (!list) return;
    const existing = new Map();
    for (const group of list.querySelectorAll("details[data-key]")) {
      const [step, error] = JSON.parse(group.dataset.key);
      existing.set(keyOf(step, error), group);
    }
    const wanted = new Set();
    for (const f of failures) {
      const key = keyOf(f.step, f.error);
      wanted.add(key);
      let group = existing.get(key);
      if (!group) {
        group = element("details");
        group.dataset.key = key;
        const summary = element("summary");
        const count = element("span");
        count.dataset.count = "";
        summary.append(count, " item(s) failed at ", element("strong", f.step), ": " + f.error);
        group.append(summary);
      }
      group.querySelector("[data-count]").textContent = shown(f.items);
      list.append(group); // (in the update's order: most rows first)
    }
    for (const [key, group] of existing) if (!wanted.has(key)) group.remove();
    const none = scope.querySelector('[data-live-none="failures"]');
    if (none) none.hidden = failures.length > 0;
  };

  const showWaiting = (scope, waiting) => {
    const list = scope.querySelector('[data-live-list="waiting"]');
    if (!list) return;
    list.replaceChildren(
      ...waiting.map((w) => {
        const p = element("p", `Waiting: ${w.workflow}: ${w.reason}`);
        p.className = "notice";
        return p;
      }),
    );
  };

  const source = new EventSource(page.dataset.liveSource);
  // a page left for another is kept by the browser (back/forward cache) with its stream
  // open: closed then (a browser opens only six connections per server), the page made
  // again if one comes back to it
  window.addEventListener("pagehide", () => source.close());
  window.addEventListener("pageshow", (event) => {
    if (event.persisted) window.location.reload();
  });
  source.onmessage = (event) => {
    const data = JSON.parse(event.data);
    const views = Array.isArray(data) ? data : [data];
    for (const banner of document.querySelectorAll("[data-live-any]")) {
      banner.hidden = !views.some((view) => view[banner.dataset.liveAny]);
    }
    for (const view of views) {
      const scope = document.querySelector(`[data-batch="${CSS.escape(String(view.batch_id))}"]`);
      if (!scope) continue;
      for (const el of scope.querySelectorAll("[data-live]")) {
        el.textContent = shown(pick(view, el.dataset.live));
      }
      for (const el of scope.querySelectorAll("[data-live-tone]")) {
        el.dataset.tone = pick(view, el.dataset.liveTone) || "";
      }
      for (const el of scope.querySelectorAll("[data-live-width]")) {
        el.setAttribute("width", pick(view, el.dataset.liveWidth) || 0);
      }
      for (const el of scope.querySelectorAll("[data-live-x]")) {
        el.setAttribute("x", pick(view, el.dataset.liveX) || 0);
      }
      for (const el of scope.querySelectorAll("time[data-live-time]")) {
        const value = pick(view, el.dataset.liveTime) || "";
        if (value !== el.dateTime) {
          el.dateTime = value;
          if (value) localTime(el);
          else el.textContent = "";
        }
      }
      for (const el of scope.querySelectorAll("[data-live-show]")) {
        el.hidden = !pick(view, el.dataset.liveShow);
      }
      if (view.failures) showFailures(scope, view.failures);
      if (view.waiting) showWaiting(scope, view.waiting);
      if (!Array.isArray(data) && view.done) source.close();
    }
  };
})();
