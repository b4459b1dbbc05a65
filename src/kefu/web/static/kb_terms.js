// The bot's dictionary on the knowledge-base page: words that must stay whole, and synonyms.

import { api, el } from "./api.js";
import { confirmBox } from "./confirm.js";
import { auth, notice, state } from "./kb_state.js";
import { $, errText, t } from "./staff_page.js";
import { toast } from "./toast.js";

export async function loadTerms() {
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
      if (!(await confirmBox(t("kb.confirm_delete_term", { q: term.term }), t("kb.delete"), t("kb.cancel")))) return;
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

export async function addTerm(event) {
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
