// The knowledge-base admin page (/console/kb): search and edit the bot's entries, import / export,
// the dictionary and synonyms, and the questions the bot could not answer. Admins and supervisors edit;
// agents may look. The page's parts live in kb_entries.js, kb_editor.js, kb_terms.js and kb_missed.js.

import { api } from "./api.js";
import { closeDrawer, deleteEntry, openDrawer, saveEntry } from "./kb_editor.js";
import { importFile, loadCounts, loadEntries } from "./kb_entries.js";
import { loadMissed } from "./kb_missed.js";
import { PAGE, auth, notice, state } from "./kb_state.js";
import { addTerm, loadTerms } from "./kb_terms.js";
import { $, signedIn, t } from "./staff_page.js";

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
    const asking = $("confirm") && !$("confirm").hidden;
    if (event.key === "Escape" && !$("drawer").hidden && !asking) closeDrawer();
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
  state.me = await signedIn();
  if (!state.me) return;
  state.editor = state.me.supervisor;
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
