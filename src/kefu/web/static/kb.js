// The knowledge-base admin page (/console/kb): search and edit the bot's entries, import / export,
// the dictionary and synonyms, and the questions the bot could not answer. Admins and supervisors edit;
// agents may look. Writes send the session cookie plus the X-CSRF-Token header.

import { ApiError, api, el, fullTime } from "./api.js";
import { applyI18n, switchLocale, translator } from "./i18n.js";

const locale = document.body.dataset.locale;
const t = translator(locale);
applyI18n(document, t);

const $ = (id) => document.getElementById(id);
const PAGE = 50;

const state = {
  me: null,
  csrf: "",
  editor: false,
  tab: "entries",
  q: "",
  category: "",
  offset: 0,
  total: 0,
  entries: [],
  groups: [],
  categories: new Set(),
  editing: null, // the entry in the drawer (null: a new one)
  fromMissed: null, // the missed question the drawer was opened from
  missed: [],
};

const auth = () => ({ csrf: state.csrf });

for (const button of document.querySelectorAll(".lang-btn")) {
  button.classList.toggle("is-active", button.dataset.lang === locale);
  button.addEventListener("click", () => switchLocale(button.dataset.lang));
}

// ---- helpers ----------------------------------------------------------------------------------

/** A message for an API error; messages from the server (e.g. "line 7: …") are shown as they are. */
function errText(err) {
  if (!(err instanceof ApiError)) return t("err.network");
  const key = `err.${err.code}`;
  const text = t(key, { message: err.message });
  if (text !== key) return text;
  return err.message || t("err.generic", { message: err.code });
}

function initial(name) {
  const trimmed = (name || "").trim();
  return trimmed ? Array.from(trimmed)[0].toUpperCase() : "?";
}

let toastTimer = null;
function toast(text, kind = "ok") {
  const box = $("toast");
  box.textContent = text;
  box.dataset.kind = kind;
  box.hidden = false;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => {
    box.hidden = true;
  }, 3500);
}

function notice(text, kind) {
  $("kb-notice-text").textContent = text;
  $("kb-notice").dataset.kind = kind;
  $("kb-notice").hidden = false;
}

/** A confirmation dialog in the page (no window.confirm). Resolves to true or false. */
function confirmBox(text, yesLabel = t("kb.delete")) {
  return new Promise((resolve) => {
    const box = $("confirm");
    $("confirm-text").textContent = text;
    $("confirm-yes").textContent = yesLabel;
    box.hidden = false;
    $("confirm-no").focus();
    const done = (answer) => {
      box.hidden = true;
      $("confirm-yes").removeEventListener("click", yes);
      $("confirm-no").removeEventListener("click", no);
      document.removeEventListener("keydown", key);
      resolve(answer);
    };
    const yes = () => done(true);
    const no = () => done(false);
    const key = (event) => {
      if (event.key === "Escape") done(false);
    };
    $("confirm-yes").addEventListener("click", yes);
    $("confirm-no").addEventListener("click", no);
    document.addEventListener("keydown", key);
  });
}

function lines(text) {
  return text
    .split("\n")
    .map((line) => line.trim())
    .filter(Boolean);
}

function commaList(text) {
  return text
    .split(/[,，、;；]/)
    .map((word) => word.trim())
    .filter(Boolean);
}

/** ISO time → the value of a datetime-local input (local time), and back. */
function toLocalInput(iso) {
  if (!iso) return "";
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return "";
  const pad = (n) => String(n).padStart(2, "0");
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

function fromLocalInput(value) {
  if (!value) return null;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}

function validity(entry) {
  const now = Date.now();
  if (entry.valid_until && new Date(entry.valid_until).getTime() <= now) return "expired";
  if (entry.valid_from && new Date(entry.valid_from).getTime() > now) return "scheduled";
  return "";
}

// ---- entries ----------------------------------------------------------------------------------

let searchToken = 0;

async function loadEntries() {
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

async function loadCounts() {
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

function renderCategories() {
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

// ---- the drawer -------------------------------------------------------------------------------

function openDrawer(entry, prefill = {}) {
  state.editing = entry;
  state.fromMissed = null;
  const form = $("entry-form");
  form.reset();
  $("entry-error").hidden = true;
  $("drawer-title").textContent = entry
    ? t(state.editor ? "kb.drawer.edit" : "kb.drawer.view", { id: entry.id })
    : t("kb.drawer.new");
  const value = entry || {
    question: prefill.question || "",
    similar: [],
    answer: "",
    category: "",
    group: null,
    keywords: [],
    quick_replies: [],
    handover: false,
    enabled: true,
    valid_from: null,
    valid_until: null,
  };
  $("f-question").value = value.question;
  $("f-similar").value = (value.similar || []).join("\n");
  $("f-answer").value = value.answer;
  $("f-category").value = value.category || "";
  renderGroups(value.group);
  $("f-keywords").value = (value.keywords || []).join(", ");
  $("f-quick").value = (value.quick_replies || []).join("\n");
  $("f-from").value = toLocalInput(value.valid_from);
  $("f-until").value = toLocalInput(value.valid_until);
  $("f-enabled").checked = value.enabled;
  $("f-handover").checked = value.handover;
  for (const field of form.querySelectorAll("input, textarea, select")) field.disabled = !state.editor;
  $("save-entry").hidden = !state.editor;
  $("delete-entry").hidden = !(state.editor && entry);
  $("cancel-entry").textContent = state.editor ? t("kb.cancel") : t("kb.dismiss");
  $("drawer").hidden = false;
  $("drawer-backdrop").hidden = false;
  document.body.classList.add("has-drawer");
  requestAnimationFrame(() => (entry ? $("f-question") : prefill.question ? $("f-answer") : $("f-question")).focus());
}

function closeDrawer() {
  $("drawer").hidden = true;
  $("drawer-backdrop").hidden = true;
  document.body.classList.remove("has-drawer");
  state.editing = null;
  state.fromMissed = null;
}

function renderGroups(selected) {
  const select = $("f-group");
  const names = state.groups.map((g) => g.name);
  if (selected && !names.includes(selected)) names.push(selected);
  select.replaceChildren(el("option", { value: "" }, t("kb.no_group")), ...names.map((n) => el("option", { value: n }, n)));
  select.value = selected || "";
}

function formBody() {
  return {
    question: $("f-question").value.trim(),
    answer: $("f-answer").value.trim(),
    similar: lines($("f-similar").value),
    category: $("f-category").value.trim(),
    group: $("f-group").value || null,
    keywords: commaList($("f-keywords").value),
    quick_replies: lines($("f-quick").value),
    handover: $("f-handover").checked,
    enabled: $("f-enabled").checked,
    valid_from: fromLocalInput($("f-from").value),
    valid_until: fromLocalInput($("f-until").value),
  };
}

function formError(text) {
  $("entry-error").textContent = text;
  $("entry-error").hidden = false;
}

async function saveEntry(event) {
  event.preventDefault();
  if (!state.editor) return;
  const body = formBody();
  if (!body.question) {
    formError(t("kb.need_question"));
    $("f-question").focus();
    return;
  }
  if (!body.answer) {
    formError(t("kb.need_answer"));
    $("f-answer").focus();
    return;
  }
  const save = $("save-entry");
  save.disabled = true;
  save.textContent = t("kb.saving");
  const entry = state.editing;
  const missed = state.fromMissed;
  try {
    if (entry) await api("PUT", `/api/v1/kb/entries/${entry.id}`, { body, auth: auth() });
    else await api("POST", "/api/v1/kb/entries", { body, auth: auth() });
    if (missed) await resolveMissed(missed, { quiet: true });
    closeDrawer();
    toast(t("kb.saved"));
    if (body.category) state.categories.add(body.category);
    await Promise.all([loadEntries(), loadCounts()]);
  } catch (err) {
    formError(errText(err));
  } finally {
    save.disabled = false;
    save.textContent = t("kb.save");
  }
}

async function deleteEntry() {
  const entry = state.editing;
  if (!entry) return;
  if (!(await confirmBox(t("kb.confirm_delete", { q: entry.question })))) return;
  try {
    await api("DELETE", `/api/v1/kb/entries/${entry.id}`, { auth: auth() });
    closeDrawer();
    toast(t("kb.deleted"));
    await Promise.all([loadEntries(), loadCounts()]);
  } catch (err) {
    formError(errText(err));
  }
}

// ---- import -----------------------------------------------------------------------------------

async function importFile(file) {
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

// ---- dictionary -------------------------------------------------------------------------------

async function loadTerms() {
  let terms;
  try {
    terms = (await api("GET", "/api/v1/kb/terms", { auth: auth() })).terms;
  } catch (err) {
    notice(errText(err), "error");
    return;
  }
  const item = (term) => {
    const label =
      term.kind === "synonym"
        ? [el("span", { class: "term__word" }, term.term), el("span", { class: "term__arrow", "aria-hidden": "true" }, "→"), el("span", { class: "term__canonical" }, term.canonical || "")]
        : [el("span", { class: "term__word" }, term.term)];
    const remove = state.editor
      ? el("button", { type: "button", class: "icon-btn icon-btn--sm term__remove", title: t("kb.delete"), "aria-label": `${t("kb.delete")} ${term.term}` }, "×")
      : null;
    remove?.addEventListener("click", async () => {
      if (!(await confirmBox(t("kb.confirm_delete_term", { q: term.term })))) return;
      try {
        await api("DELETE", `/api/v1/kb/terms/${term.id}`, { auth: auth() });
        loadTerms();
      } catch (err) {
        toast(errText(err), "error");
      }
    });
    return el("li", { class: "term", dataset: { id: String(term.id), kind: term.kind } }, ...label, remove);
  };
  const words = terms.filter((x) => x.kind === "word");
  const synonyms = terms.filter((x) => x.kind === "synonym");
  const emptyItem = () => el("li", { class: "term term--empty muted" }, t("kb.terms.empty"));
  $("words").replaceChildren(...(words.length ? words.map(item) : [emptyItem()]));
  $("synonyms").replaceChildren(...(synonyms.length ? synonyms.map(item) : [emptyItem()]));
}

async function addTerm(event) {
  event.preventDefault();
  const kind = $("term-kind").value;
  const term = $("term-term").value.trim();
  const canonical = $("term-canonical").value.trim();
  $("term-error").hidden = true;
  if (!term) {
    $("term-term").focus();
    return;
  }
  try {
    await api("POST", "/api/v1/kb/terms", { body: { kind, term, canonical: kind === "synonym" ? canonical : null }, auth: auth() });
    $("term-term").value = "";
    $("term-canonical").value = "";
    toast(t("kb.terms.added"));
    loadTerms();
    $("term-term").focus();
  } catch (err) {
    $("term-error").textContent = errText(err);
    $("term-error").hidden = false;
  }
}

// ---- missed questions -------------------------------------------------------------------------

async function loadMissed() {
  if (!state.editor) return;
  const all = $("missed-resolved").checked;
  let rows;
  try {
    rows = (await api("GET", `/api/v1/bot/missed?limit=200&include_resolved=${all}`, { auth: auth() })).missed;
  } catch (err) {
    notice(errText(err), "error");
    return;
  }
  state.missed = rows;
  if (!all) $("count-missed").textContent = String(rows.length);
  $("count-missed").classList.toggle("tab__count--hot", !all && rows.length > 0);
  $("missed").replaceChildren(...rows.map(missedRow));
  $("missed-empty").hidden = rows.length > 0;
}

function missedRow(row) {
  const create = el("button", { type: "button", class: "btn btn--sm btn--primary" }, t("kb.missed.create"));
  create.addEventListener("click", () => {
    openDrawer(null, { question: row.text });
    state.fromMissed = row;
  });
  const dismiss = el("button", { type: "button", class: "btn btn--sm" }, t("kb.missed.dismiss"));
  dismiss.addEventListener("click", () => resolveMissed(row));
  const hasBest = row.best_entry_id !== null && row.best_entry_id !== undefined;
  let best = null;
  let addSimilar = null;
  if (hasBest) {
    const label =
      row.reason === "unhelpful" || row.best_confidence === null
        ? t("kb.missed.answered", { id: row.best_entry_id })
        : t("kb.missed.best", { id: row.best_entry_id, c: Number(row.best_confidence).toFixed(2) });
    best = el("button", { type: "button", class: "linkish" }, label);
    best.addEventListener("click", () => openEntryById(row.best_entry_id));
    addSimilar = el("button", { type: "button", class: "btn btn--sm" }, t("kb.missed.add_similar"));
    addSimilar.addEventListener("click", () => openEntryById(row.best_entry_id, row));
  }
  return el(
    "li",
    { class: `missed${row.resolved ? " is-resolved" : ""}`, dataset: { id: String(row.id) } },
    el(
      "div",
      { class: "missed__body" },
      el("div", { class: "missed__text" }, row.text),
      el(
        "div",
        { class: "missed__meta" },
        el("span", { class: `tag tag--${row.reason}` }, t(`kb.missed.${row.reason}`)),
        el("span", {}, t("kb.missed.conversation", { id: row.conversation_id })),
        best,
        el("time", { datetime: row.created_at }, fullTime(row.created_at)),
      ),
    ),
    row.resolved ? el("span", { class: "tag tag--ok" }, t("kb.missed.resolved")) : el("div", { class: "missed__actions" }, dismiss, addSimilar, create),
  );
}

/** Open an entry by id; with ``missed``, its text is added as a similar question (saving resolves it). */
async function openEntryById(id, missed = null) {
  let entry;
  try {
    entry = (await api("GET", `/api/v1/kb/entries/${id}`, { auth: auth() })).entry;
  } catch (err) {
    toast(errText(err), "error");
    return;
  }
  openDrawer(entry);
  if (missed) {
    const similar = lines($("f-similar").value);
    if (!similar.includes(missed.text.trim())) similar.push(missed.text.trim());
    $("f-similar").value = similar.join("\n");
    state.fromMissed = missed;
    $("f-similar").focus();
    $("f-similar").scrollTop = $("f-similar").scrollHeight;
  }
}

async function resolveMissed(row, { quiet = false } = {}) {
  try {
    await api("POST", `/api/v1/bot/missed/${row.id}/resolve`, { auth: auth() });
  } catch (err) {
    if (!quiet) toast(errText(err), "error");
  }
  loadMissed();
}

// ---- tabs and wiring --------------------------------------------------------------------------

function showTab(tab) {
  state.tab = tab;
  for (const button of document.querySelectorAll(".kb-tab")) {
    const active = button.dataset.tab === tab;
    button.classList.toggle("is-active", active);
    button.setAttribute("aria-selected", String(active));
  }
  for (const panel of document.querySelectorAll(".kb-panel")) panel.hidden = panel.dataset.panel !== tab;
  if (tab === "terms") loadTerms();
  if (tab === "missed") loadMissed();
}

let searchTimer = null;

function wire() {
  for (const button of document.querySelectorAll(".kb-tab")) button.addEventListener("click", () => showTab(button.dataset.tab));
  $("logout").addEventListener("click", async () => {
    try {
      await api("POST", "/api/v1/auth/logout", { auth: auth() });
    } finally {
      window.location.assign("/console/login");
    }
  });
  $("search-form").addEventListener("submit", (event) => {
    event.preventDefault();
    clearTimeout(searchTimer);
    state.q = $("search").value.trim();
    state.offset = 0;
    loadEntries();
  });
  $("search").addEventListener("input", () => {
    clearTimeout(searchTimer);
    searchTimer = setTimeout(() => {
      state.q = $("search").value.trim();
      state.offset = 0;
      loadEntries();
    }, 250);
  });
  $("category-filter").addEventListener("change", () => {
    state.category = $("category-filter").value;
    state.offset = 0;
    loadEntries();
  });
  $("prev-page").addEventListener("click", () => {
    state.offset = Math.max(0, state.offset - PAGE);
    loadEntries();
  });
  $("next-page").addEventListener("click", () => {
    state.offset += PAGE;
    loadEntries();
  });
  $("new-entry").addEventListener("click", () => openDrawer(null));
  $("entry-form").addEventListener("submit", saveEntry);
  $("cancel-entry").addEventListener("click", closeDrawer);
  $("drawer-close").addEventListener("click", closeDrawer);
  $("drawer-backdrop").addEventListener("click", closeDrawer);
  $("delete-entry").addEventListener("click", deleteEntry);
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && !$("drawer").hidden && $("confirm").hidden) closeDrawer();
  });
  $("import-file").addEventListener("change", () => {
    const file = $("import-file").files?.[0];
    $("import-file").value = "";
    if (file) importFile(file);
  });
  $("kb-notice-close").addEventListener("click", () => {
    $("kb-notice").hidden = true;
  });
  for (const link of document.querySelectorAll(".menu__item")) {
    link.addEventListener("click", () => $("export-menu").removeAttribute("open"));
  }
  $("term-kind").addEventListener("change", () => {
    $("term-canonical").hidden = $("term-kind").value !== "synonym";
  });
  $("term-form").addEventListener("submit", addTerm);
  $("missed-resolved").addEventListener("change", loadMissed);
}

async function start() {
  let me;
  try {
    me = (await api("GET", "/api/v1/auth/me")).user;
  } catch (err) {
    if (err instanceof ApiError && (err.status === 401 || err.status === 403)) {
      window.location.assign("/console/login");
      return;
    }
    throw err;
  }
  state.me = me;
  state.csrf = me.csrf_token;
  state.editor = me.role === "admin" || me.role === "supervisor";
  $("nav-supervisor").hidden = !state.editor;
  document.body.dataset.role = me.role;
  $("me-name").textContent = me.display_name || me.username;
  $("me-role").textContent = t(`role.${me.role}`);
  $("me-avatar").textContent = initial(me.display_name || me.username);
  $("me-avatar").classList.add(`tone-${Math.abs(Number(me.id) || 0) % 6}`);
  $("editor-actions").hidden = !state.editor;
  $("term-form").hidden = !state.editor;
  document.querySelector('.kb-tab[data-tab="missed"]').hidden = !state.editor;
  wire();
  try {
    state.groups = (await api("GET", "/api/v1/routing/groups", { auth: auth() })).groups || [];
  } catch {
    state.groups = [];
  }
  await Promise.all([loadEntries(), loadCounts(), loadMissed()]);
  document.body.classList.add("is-ready");
}

start().catch((err) => {
  console.error(err);
  notice(t("err.network"), "error");
});
