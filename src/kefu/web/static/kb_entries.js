// The knowledge-base entries list (/console/kb, first tab): search, category filter, paging, the on/off
// switch per entry, and import.

import { ApiError, api, el, fullTime } from "./api.js";
import { openDrawer } from "./kb_editor.js";
import { PAGE, auth, notice, state } from "./kb_state.js";
import { $, errText, t } from "./staff_page.js";
import { toast } from "./toast.js";

export function validity(entry) {
  const now = Date.now();
  if (entry.valid_until && new Date(entry.valid_until).getTime() <= now) return "expired";
  if (entry.valid_from && new Date(entry.valid_from).getTime() > now) return "scheduled";
  return "";
}

let searchToken = 0;

export async function loadEntries() {
  const token = ++searchToken;
  const params = new URLSearchParams({ q: state.q, category: state.category, limit: String(PAGE), offset: String(state.offset) });
  let data;
  try {
    data = await api("GET", `/api/v1/kb/entries?${params}`, { auth: auth() });
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) {
      window.location.assign("/console/login");
      return;
    }
    notice(errText(err), "error");
    return;
  }
  if (token !== searchToken) return;
  state.entries = data.entries;
  state.total = data.total;
  for (const entry of data.entries) if (entry.category) state.categories.add(entry.category);
  renderCategories();
  renderEntries();
}

export async function loadCounts() {
  // All categories and the overall size, for the filter and the subtitle (one cheap request).
  try {
    const data = await api("GET", "/api/v1/kb/entries?limit=500", { auth: auth() });
    for (const entry of data.entries) if (entry.category) state.categories.add(entry.category);
    $("kb-subtitle").textContent = state.editor ? t("kb.subtitle", { n: data.total }) : `${t("kb.subtitle", { n: data.total })} · ${t("kb.readonly")}`;
    $("count-entries").textContent = String(data.total);
    renderCategories();
  } catch {
    /* the list itself shows errors */
  }
}

export function renderCategories() {
  const select = $("category-filter");
  const sorted = [...state.categories].sort((a, b) => a.localeCompare(b, "zh-CN"));
  const current = select.value;
  select.replaceChildren(el("option", { value: "" }, t("kb.all_categories")), ...sorted.map((c) => el("option", { value: c }, c)));
  select.value = sorted.includes(current) ? current : "";
  $("category-list").replaceChildren(...sorted.map((c) => el("option", { value: c })));
}

function renderEntries() {
  const body = $("entries");
  body.replaceChildren(...state.entries.map(entryRow));
  const empty = state.entries.length === 0;
  $("entries-empty").hidden = !empty;
  $("entries-empty").textContent = state.q || state.category ? t("kb.empty") : t("kb.empty_all");
  $("result-count").textContent = state.q || state.category ? t("kb.results", { n: state.total }) : "";
  const from = state.total ? state.offset + 1 : 0;
  const to = Math.min(state.offset + PAGE, state.total);
  $("page-info").textContent = t("kb.page", { from, to, total: state.total });
  $("prev-page").disabled = state.offset === 0;
  $("next-page").disabled = state.offset + PAGE >= state.total;
  $("prev-page").parentElement.hidden = state.total <= PAGE;
}

function entryRow(entry) {
  const when = validity(entry);
  const toggle = el("input", {
    type: "checkbox",
    class: "switch",
    role: "switch",
    checked: entry.enabled,
    disabled: !state.editor,
    "aria-label": `${t("kb.col.enabled")}: ${entry.question}`,
  });
  toggle.addEventListener("click", (event) => event.stopPropagation());
  toggle.addEventListener("change", () => setEnabled(entry, toggle));
  const similar = entry.similar.length ? el("span", { class: "entry__similar" }, t("kb.similar_count", { n: entry.similar.length })) : null;
  const tags = [
    entry.handover ? el("span", { class: "tag tag--warn" }, t("kb.handover_tag")) : null,
    when ? el("span", { class: `tag tag--${when}` }, t(`kb.${when}`)) : null,
  ];
  const open = el("button", { type: "button", class: "btn btn--sm btn--ghost entry__edit" }, state.editor ? t("kb.edit") : t("kb.view"));
  open.addEventListener("click", (event) => {
    event.stopPropagation();
    openDrawer(entry);
  });
  const row = el(
    "tr",
    { class: `entry${entry.enabled ? "" : " is-disabled"}`, tabindex: "0", dataset: { id: String(entry.id) } },
    el(
      "td",
      { class: "col-question" },
      el("div", { class: "entry__question" }, el("span", { class: "entry__id" }, `#${entry.id}`), entry.question, ...tags),
      el("div", { class: "entry__answer" }, entry.answer),
      similar,
    ),
    el("td", { class: "col-category" }, entry.category ? el("span", { class: "tag" }, entry.category) : el("span", { class: "muted" }, "—")),
    el("td", { class: "col-group" }, entry.group || el("span", { class: "muted" }, "—")),
    el("td", { class: "col-enabled" }, toggle),
    el("td", { class: "col-updated muted" }, fullTime(entry.updated_at)),
    el("td", { class: "col-actions" }, open),
  );
  row.addEventListener("click", () => openDrawer(entry));
  row.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && event.target === row) openDrawer(entry);
  });
  return row;
}

async function setEnabled(entry, toggle) {
  const enabled = toggle.checked;
  toggle.disabled = true;
  try {
    const data = await api("POST", `/api/v1/kb/entries/${entry.id}/enabled`, { body: { enabled }, auth: auth() });
    Object.assign(entry, data.entry);
    toggle.closest("tr")?.classList.toggle("is-disabled", !entry.enabled);
    toast(enabled ? t("kb.enabled_on") : t("kb.enabled_off"));
  } catch (err) {
    toggle.checked = !enabled;
    toast(errText(err), "error");
  } finally {
    toggle.disabled = !state.editor;
  }
}

export async function importFile(file) {
  notice(t("kb.importing", { name: file.name }), "info");
  const data = new FormData();
  data.append("file", file, file.name);
  try {
    const result = await api("POST", "/api/v1/kb/import", { body: data, auth: auth() });
    notice(t("kb.imported", { created: result.created, updated: result.updated }), "ok");
    await Promise.all([loadEntries(), loadCounts()]);
  } catch (err) {
    notice(t("kb.import_failed", { message: err instanceof ApiError ? err.message : t("err.network") }), "error");
  }
}
