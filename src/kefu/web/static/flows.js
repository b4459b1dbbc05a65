// The flows page (/console/flows): the guided self-service flows — the list on the left; for the chosen
// flow its steps, the editor of its file (checked as one types), its versions, and a test run. Admins
// save drafts, publish and retire; supervisors and agents may look.

import { api, el, fullTime } from "./api.js";
import { confirmBox } from "./confirm.js";
import { FlowEditor, TEMPLATE } from "./flows_editor.js";
import { Simulator } from "./flows_sim.js";
import { renderSteps } from "./flows_steps.js";
import { $, errText, locale, signedIn, t } from "./staff_page.js";
import { toast } from "./toast.js";

const MAX_SOURCE = 200_000;
const state = {
  me: null,
  versions: [],
  flows: [], // [{key, name, versions (newest first), published, draft}]
  key: null, // the chosen flow, or null
  creating: false, // the editor holds a new flow (new or uploaded)
  versionId: null, // the version shown
  tab: "steps",
  checked: null, // the editor's latest /flows/check answer for its current text
};

const flowOf = (key) => state.flows.find((f) => f.key === key) || null;
const shownVersion = () => state.versions.find((v) => v.id === state.versionId) || null;

function group(versions) {
  const byKey = new Map();
  for (const version of versions) {
    if (!byKey.has(version.key)) byKey.set(version.key, []);
    byKey.get(version.key).push(version);
  }
  return [...byKey.entries()]
    .map(([key, list]) => {
      list.sort((a, b) => b.version - a.version);
      const published = list.find((v) => v.status === "published") || null;
      const draft = list.find((v) => v.status === "draft" && (!published || v.version > published.version)) || null;
      return { key, name: (published || list[0]).name, versions: list, published, draft };
    })
    .sort((a, b) => a.key.localeCompare(b.key));
}

/** The version to show first: a draft newer than what is published, else the published one, else the newest. */
function defaultVersion(flow) {
  return (flow.draft || flow.published || flow.versions[0]).id;
}

function statusChip(version) {
  return el("span", { class: `chip flow-chip flow-chip--${version.status}` }, t(`flows.status.${version.status}`, { n: version.version }));
}

// ---- the list ---------------------------------------------------------------------------------

function renderList() {
  $("flows-list").replaceChildren(
    ...state.flows.map((flow) => {
      const active = flow.key === state.key && !state.creating;
      const steps = (flow.published || flow.versions[0]).outline.length;
      return el(
        "li",
        {},
        el(
          "button",
          { type: "button", class: `flow-item${active ? " is-active" : ""}`, "aria-current": active ? "true" : null, dataset: { key: flow.key }, onclick: () => choose(flow.key) },
          el("span", { class: "flow-item__top" }, el("span", { class: "flow-item__name" }, flow.name), el("span", { class: "flow-item__steps muted" }, t("flows.n_steps", { n: steps }))),
          el("code", { class: "flow-item__key" }, flow.key),
          el(
            "span",
            { class: "flow-item__chips" },
            flow.published
              ? el("span", { class: "chip flow-chip flow-chip--published" }, t("flows.status.published", { n: flow.published.version }))
              : el("span", { class: "chip flow-chip flow-chip--off" }, t(flow.versions.some((v) => v.status === "retired") ? "flows.list.retired" : "flows.list.unpublished")),
            flow.draft ? el("span", { class: "chip flow-chip flow-chip--draft" }, t("flows.status.draft", { n: flow.draft.version })) : null,
          ),
        ),
      );
    }),
  );
  $("flows-empty").hidden = state.flows.length > 0;
  $("flows-count").textContent = t("flows.count", { n: state.flows.length });
}

// ---- the chosen flow --------------------------------------------------------------------------

async function leaveEdits() {
  if (!state.me.admin || !editor.dirty) return true;
  return confirmBox(t("flows.discard"), t("flows.discard_yes"), t("flows.keep_editing"));
}

async function choose(key, versionId = null) {
  if (!(await leaveEdits())) return;
  const flow = flowOf(key);
  if (!flow) return;
  state.key = key;
  state.creating = false;
  state.versionId = versionId || defaultVersion(flow);
  const version = shownVersion();
  editor.load(version.source, { readOnly: !state.me.admin });
  sim.reset();
  render();
  if (window.matchMedia("(max-width: 900px)").matches) $("flows-detail").scrollIntoView({ block: "start" });
}

async function startNew(source = TEMPLATE) {
  if (!(await leaveEdits())) return;
  state.key = null;
  state.creating = true;
  state.versionId = null;
  editor.load(source, { base: "" });
  sim.reset();
  state.tab = "edit";
  render();
  $("editor-text").focus();
  if (window.matchMedia("(max-width: 900px)").matches) $("flows-detail").scrollIntoView({ block: "start" });
}

function render() {
  renderList();
  const flow = flowOf(state.key);
  const version = shownVersion();
  const showing = Boolean(flow || state.creating);
  $("flows-pick").hidden = showing;
  $("flows-body").hidden = !showing;
  if (!showing) return;
  if (state.creating) {
    $("flow-name").textContent = t("flows.new_title");
    $("flow-key").textContent = (state.checked && state.checked.key) || "";
    $("flow-status").hidden = true;
    $("flow-viewing").textContent = t("flows.new_hint");
  } else {
    $("flow-name").textContent = flow.name;
    $("flow-key").textContent = flow.key;
    $("flow-status").hidden = false;
    $("flow-status").className = `chip flow-chip flow-chip--${flow.published ? "published" : "off"}`;
    $("flow-status").textContent = flow.published ? t("flows.status.published", { n: flow.published.version }) : t("flows.list.unpublished");
    $("flow-viewing").textContent = t("flows.viewing", { n: version.version, status: t(`flows.state.${version.status}`) });
  }
  const admin = state.me.admin;
  const publish = $("flow-publish");
  publish.hidden = !admin || !version || version.status === "published";
  if (version) publish.textContent = t("flows.publish", { n: version.version });
  $("flow-retire").hidden = !admin || !flow || !flow.published || state.creating;
  for (const tab of document.querySelectorAll(".flow-tab")) {
    if (tab.dataset.tab === "test") tab.hidden = !admin;
    if (tab.dataset.tab === "versions") tab.hidden = state.creating;
    const active = tab.dataset.tab === state.tab;
    tab.classList.toggle("is-active", active);
    tab.setAttribute("aria-selected", active ? "true" : "false");
  }
  for (const pane of document.querySelectorAll(".flow-pane")) pane.hidden = pane.id !== `pane-${state.tab}`;
  renderOutline();
  renderEditorBar();
  renderVersions(flow);
}

function renderOutline() {
  const version = shownVersion();
  const fromEditor = editor.dirty && state.checked && state.checked.ok;
  const outline = fromEditor ? state.checked.outline : version ? version.outline : [];
  $("steps-note").hidden = !fromEditor;
  renderSteps(t, $("steps"), outline);
  $("steps-empty").hidden = outline.length > 0;
}

function renderEditorBar() {
  const admin = state.me.admin;
  const ok = Boolean(state.checked && state.checked.ok);
  $("editor-save").hidden = !admin;
  $("editor-save").disabled = !ok || (!editor.dirty && !state.creating);
  $("editor-revert").hidden = !admin || !editor.dirty || state.creating;
  $("editor-dirty").hidden = !editor.dirty || !admin;
}

function renderVersions(flow) {
  if (!flow) {
    $("versions").replaceChildren();
    return;
  }
  $("versions").replaceChildren(
    ...flow.versions.map((version) =>
      el(
        "tr",
        { class: version.id === state.versionId ? "is-current" : null, dataset: { version: String(version.version) } },
        el("td", { class: "num" }, `v${version.version}`),
        el("td", {}, statusChip(version)),
        el("td", {}, version.created_by_name || t("flows.v.system")),
        el(
          "td",
          { class: "num" },
          fullTime(version.created_at),
          version.published_at ? el("span", { class: "muted versions__pub" }, t("flows.v.published_at", { time: fullTime(version.published_at) })) : null,
        ),
        el(
          "td",
          { class: "versions__actions" },
          version.id === state.versionId
            ? el("span", { class: "muted" }, t("flows.v.shown"))
            : el("button", { type: "button", class: "btn btn--sm btn--ghost", onclick: () => choose(flow.key, version.id) }, t("flows.v.show")),
          state.me.admin && version.status !== "published"
            ? el("button", { type: "button", class: "btn btn--sm", onclick: () => publish(version) }, t("flows.v.publish"))
            : null,
        ),
      ),
    ),
  );
}

function onChecked(result) {
  state.checked = result;
  if (state.creating) $("flow-key").textContent = (result && result.key) || "";
  renderEditorBar();
  if (state.tab === "steps") renderOutline();
}

// ---- writes -----------------------------------------------------------------------------------

async function reload() {
  state.versions = (await api("GET", "/api/v1/flows", { auth: state.me.auth() })).versions;
  state.flows = group(state.versions);
}

async function saveDraft() {
  $("editor-save").disabled = true;
  try {
    const { version } = await api("POST", "/api/v1/flows/versions", { body: { source: editor.value }, auth: state.me.auth() });
    editor.saved();
    await reload();
    state.key = version.key;
    state.creating = false;
    state.versionId = version.id;
    editor.load(version.source);
    render();
    toast(t("flows.saved", { n: version.version }));
  } catch (err) {
    if (err.code === "bad_flow") editor.check();
    toast(errText(err), "error");
    renderEditorBar();
  }
}

async function publish(version) {
  if (editor.dirty && version.id === state.versionId) {
    toast(t("flows.save_first"), "error");
    return;
  }
  const flow = flowOf(version.key);
  const current = flow && flow.published ? t("flows.publish_replaces", { n: flow.published.version }) : "";
  if (!(await confirmBox(t("flows.confirm_publish", { name: version.name, n: version.version, replaces: current }), t("flows.publish", { n: version.version }), t("flows.cancel")))) return;
  try {
    const { version: published } = await api("POST", `/api/v1/flows/versions/${version.id}/publish`, { auth: state.me.auth() });
    await reload();
    state.versionId = published.id;
    render();
    toast(t("flows.published", { name: published.name, n: published.version }));
  } catch (err) {
    toast(errText(err), "error");
  }
}

async function retire() {
  const flow = flowOf(state.key);
  if (!flow || !flow.published) return;
  if (!(await confirmBox(t("flows.confirm_retire", { name: flow.name }), t("flows.retire"), t("flows.cancel")))) return;
  try {
    await api("DELETE", `/api/v1/flows/${encodeURIComponent(flow.key)}/published`, { auth: state.me.auth() });
    await reload();
    render();
    toast(t("flows.retired", { name: flow.name }));
  } catch (err) {
    toast(errText(err), "error");
  }
}

async function upload(file) {
  if (file.size > MAX_SOURCE * 4) return toast(t("flows.too_big"), "error");
  const text = await file.text();
  if (text.length > MAX_SOURCE) return toast(t("flows.too_big"), "error");
  await startNew(text);
  toast(t("flows.uploaded", { name: file.name }));
}

// ---- start ------------------------------------------------------------------------------------

const editor = new FlowEditor({ t, auth: () => state.me.auth(), onChecked });
let sim = null;

async function start() {
  state.me = await signedIn();
  if (!state.me) return;
  sim = new Simulator({ t, auth: () => state.me.auth(), locale, source: () => editor.value, errText });
  for (const tab of document.querySelectorAll(".flow-tab")) {
    tab.addEventListener("click", () => {
      state.tab = tab.dataset.tab;
      render();
    });
  }
  if (state.me.admin) {
    $("flows-admin").hidden = false;
    $("flows-new").addEventListener("click", () => startNew());
    $("flows-upload").addEventListener("change", () => {
      const file = $("flows-upload").files && $("flows-upload").files[0];
      $("flows-upload").value = "";
      if (file) upload(file);
    });
    $("editor-save").addEventListener("click", saveDraft);
    $("editor-revert").addEventListener("click", () => {
      const version = shownVersion();
      if (version) editor.load(version.source);
    });
    $("flow-publish").addEventListener("click", () => shownVersion() && publish(shownVersion()));
    $("flow-retire").addEventListener("click", retire);
  } else {
    $("flows-readonly").hidden = false;
  }
  await reload();
  $("flows-layout").hidden = false;
  const wanted = new URLSearchParams(window.location.search).get("key");
  const first = flowOf(wanted) || (window.matchMedia("(max-width: 900px)").matches ? null : state.flows[0]);
  if (first) await choose(first.key);
  else render();
  document.body.classList.add("is-ready");
}

start().catch((err) => {
  console.error(err);
  toast(errText(err), "error");
});
