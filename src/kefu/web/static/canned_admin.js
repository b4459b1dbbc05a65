// The 话术库 page (/console/canned): folders by scope (organisation, team, personal), their replies with
// shortcut and variables, import/export as CSV or Excel, and each skill group's own automatic greetings.
// Who may change what is the server's rule (each folder says ``editable``); the page only hides the
// buttons that would be refused. The page's own words live here so the module stays self-contained.

import { api, el } from "./api.js";
import { confirmBox } from "./confirm.js";
import { toast } from "./toast.js";
import { $, errText, locale, signedIn } from "./staff_page.js";

const WORDS = {
  "zh-CN": {
    title: "话术库",
    subtitle: "常用回复按文件夹整理。在回复框输入 / 加快捷词、标题或拼音首字母（如 /cfh）即可插入，变量会自动填写。",
    export_xlsx: "导出 Excel",
    export_csv: "导出 CSV",
    import: "导入",
    folders: "文件夹",
    new_folder: "新建文件夹",
    all: "全部话术",
    "scope.organisation": "机构",
    "scope.team": "团队",
    "scope.personal": "个人",
    search: "搜索标题、快捷词、拼音首字母或内容",
    new_reply: "新建话术",
    edit_reply: "编辑话术",
    variables: "可用变量：",
    empty: "没有符合条件的话术。",
    folder: "文件夹",
    reply_title: "标题",
    shortcut: "快捷词",
    shortcut_hint: "如 cuifahuo（输入 /cuifahuo 插入）",
    text: "内容",
    cancel: "取消",
    save: "保存",
    edit: "编辑",
    delete: "删除",
    saved: "已保存",
    deleted: "已删除",
    confirm_delete: "删除话术“{title}”？",
    readonly: "只读",
    scope: "范围",
    group: "技能组",
    folder_name: "文件夹名称",
    imported: "已导入：新增 {created} 条，更新 {updated} 条",
    greetings: "自动问候语",
    greetings_help: "每个技能组可以有自己的欢迎语、非服务时间提示、客服接入语和结束语（可按渠道区分）。留空则使用“文案”页中机构的措辞。可用 {hours} 表示本组服务时间。",
    channel: "渠道",
    "channel.": "所有渠道",
    "channel.web": "网页",
    "channel.app": "App",
    "channel.wechat": "微信",
    "channel.email": "邮件",
    "channel.sms": "短信",
    "kind.welcome": "欢迎语",
    "kind.off_hours": "非服务时间",
    "kind.agent_joined": "客服接入",
    "kind.closing": "结束语",
    "code.chat.welcome": "打开聊天窗口时",
    "code.queue.off_hours": "非服务时间（{opens} 为下次开始服务时间）",
    "code.queue.off_hours.no_opening": "非服务时间（没有下次开始时间）",
    "code.agent.joined": "客服接入（{agent} 为客服名）",
    "code.conversation.closed.by_agent": "客服结束会话",
    "code.conversation.closed.by_customer": "客户结束会话",
    "code.conversation.closed.idle": "客户长时间未回复（{minutes} 为分钟数）",
    greet_default: "（使用机构文案）",
    reset: "恢复",
    admins_only: "只有管理员可以修改问候语。",
  },
  en: {
    title: "Canned replies",
    subtitle: "Replies you use often, in folders. Type / and a shortcut, a title or pinyin initials (e.g. /cfh) in the reply box to insert one; variables are filled in.",
    export_xlsx: "Export Excel",
    export_csv: "Export CSV",
    import: "Import",
    folders: "Folders",
    new_folder: "New folder",
    all: "All replies",
    "scope.organisation": "Organisation",
    "scope.team": "Team",
    "scope.personal": "Personal",
    search: "Search titles, shortcuts, pinyin initials or text",
    new_reply: "New reply",
    edit_reply: "Edit reply",
    variables: "Variables:",
    empty: "No replies match.",
    folder: "Folder",
    reply_title: "Title",
    shortcut: "Shortcut",
    shortcut_hint: "e.g. cuifahuo (type /cuifahuo to insert)",
    text: "Text",
    cancel: "Cancel",
    save: "Save",
    edit: "Edit",
    delete: "Delete",
    saved: "Saved",
    deleted: "Deleted",
    confirm_delete: "Delete the reply “{title}”?",
    readonly: "Read only",
    scope: "Scope",
    group: "Skill group",
    folder_name: "Folder name",
    imported: "Imported: {created} new, {updated} updated",
    greetings: "Automatic greetings",
    greetings_help: "Each skill group may word its own welcome, off-hours notice, agent-joined line and closing words (per channel if you like). Empty means the organisation's wording from the Texts page. {hours} says the group's business hours.",
    channel: "Channel",
    "channel.": "Every channel",
    "channel.web": "Web",
    "channel.app": "App",
    "channel.wechat": "WeChat",
    "channel.email": "E-mail",
    "channel.sms": "SMS",
    "kind.welcome": "Welcome",
    "kind.off_hours": "Off hours",
    "kind.agent_joined": "Agent joined",
    "kind.closing": "Closing",
    "code.chat.welcome": "When the chat opens",
    "code.queue.off_hours": "Off hours ({opens}: next opening)",
    "code.queue.off_hours.no_opening": "Off hours (no next opening)",
    "code.agent.joined": "Agent joined ({agent}: agent's name)",
    "code.conversation.closed.by_agent": "Agent ended the conversation",
    "code.conversation.closed.by_customer": "Customer ended the conversation",
    "code.conversation.closed.idle": "Customer went quiet ({minutes}: minutes)",
    greet_default: "(the organisation's wording)",
    reset: "Reset",
    admins_only: "Only admins may change greetings.",
  },
};
const words = WORDS[locale === "en" ? "en" : "zh-CN"];
const w = (key, vars) => {
  let text = words[key] ?? key;
  for (const [name, value] of Object.entries(vars || {})) text = text.replaceAll(`{${name}}`, String(value));
  return text;
};
const SCOPES = ["organisation", "team", "personal"];
const state = { me: null, folders: [], replies: [], variables: [], groups: [], folder: null, editing: null, greetings: null };

function translatePage() {
  for (const node of document.querySelectorAll("[data-ci]")) node.textContent = w(node.dataset.ci);
  for (const node of document.querySelectorAll("[data-ci-placeholder]")) node.placeholder = w(node.dataset.ciPlaceholder);
  for (const node of document.querySelectorAll("[data-ci-label]")) node.setAttribute("aria-label", w(node.dataset.ciLabel));
}

async function load() {
  try {
    const data = await api("GET", "/api/v1/canned");
    Object.assign(state, { folders: data.folders, replies: data.replies, variables: data.variables });
  } catch (err) {
    toast(errText(err), "error");
    return;
  }
  render();
}

function groupName(id) {
  return state.groups.find((g) => g.id === id)?.name || `#${id}`;
}

function folderLabel(folder) {
  return folder.scope === "team" ? `${folder.name} · ${groupName(folder.skill_group_id)}` : folder.name;
}

function render() {
  const counts = new Map();
  for (const reply of state.replies) counts.set(reply.folder_id, (counts.get(reply.folder_id) || 0) + 1);
  const button = (id, label, count) =>
    el(
      "button",
      { type: "button", class: `cn-folder${state.folder === id ? " is-active" : ""}`, dataset: { id: String(id ?? "") }, onclick: () => { state.folder = id; render(); } },
      el("span", { class: "cn-folder__name" }, label),
      el("span", { class: "tab__count" }, String(count)),
    );
  const nodes = [button(null, w("all"), state.replies.length)];
  for (const scope of SCOPES) {
    const folders = state.folders.filter((f) => f.scope === scope);
    if (!folders.length) continue;
    nodes.push(el("div", { class: "cn-scope" }, w(`scope.${scope}`)));
    for (const folder of folders) nodes.push(button(folder.id, folderLabel(folder), counts.get(folder.id) || 0));
  }
  $("cn-folder-list").replaceChildren(...nodes);
  const query = $("cn-search").value.trim().replace(/^\//, "").toLowerCase();
  const rows = state.replies.filter((reply) => {
    if (state.folder !== null && reply.folder_id !== state.folder) return false;
    const haystack = [reply.title, reply.shortcut, reply.initials, reply.text].join("\n").toLowerCase();
    return !query || haystack.includes(query);
  });
  $("cn-reply-list").replaceChildren(...rows.map(replyCard));
  $("cn-empty").hidden = rows.length > 0;
  $("cn-new").hidden = !state.folders.some((f) => f.editable);
}

function replyCard(reply) {
  const actions = reply.editable
    ? el(
        "span",
        { class: "cn-reply__actions" },
        el("button", { type: "button", class: "btn btn--sm btn--ghost", onclick: () => openEditor(reply) }, w("edit")),
        el("button", { type: "button", class: "btn btn--sm btn--ghost", onclick: () => remove(reply) }, w("delete")),
      )
    : el("span", { class: "chip chip--closed" }, w("readonly"));
  return el(
    "article",
    { class: "cn-reply", dataset: { id: String(reply.id) } },
    el(
      "div",
      { class: "cn-reply__head" },
      el("strong", {}, reply.title),
      reply.shortcut ? el("code", { class: "cn-reply__key" }, `/${reply.shortcut}`) : null,
      el("span", { class: "cn-reply__folder muted" }, `${w(`scope.${reply.scope}`)} · ${reply.folder}`),
      actions,
    ),
    el("p", { class: "cn-reply__text" }, reply.text),
  );
}

function openEditor(reply) {
  state.editing = reply;
  $("cn-editor-title").textContent = w(reply ? "edit_reply" : "new_reply");
  const editable = state.folders.filter((f) => f.editable);
  $("cn-folder").replaceChildren(
    ...editable.map((f) => el("option", { value: String(f.id) }, `${w(`scope.${f.scope}`)} · ${folderLabel(f)}`)),
  );
  const chosen = reply?.folder_id ?? (editable.some((f) => f.id === state.folder) ? state.folder : editable[0]?.id);
  if (chosen !== undefined && chosen !== null) $("cn-folder").value = String(chosen);
  $("cn-title").value = reply?.title || "";
  $("cn-shortcut").value = reply?.shortcut || "";
  $("cn-text").value = reply?.text || "";
  $("cn-editor-error").hidden = true;
  $("cn-editor").hidden = false;
  $("cn-title").focus();
}

async function save(event) {
  event.preventDefault();
  const body = {
    folder_id: Number($("cn-folder").value),
    title: $("cn-title").value,
    shortcut: $("cn-shortcut").value,
    text: $("cn-text").value,
    sort: state.editing?.sort || 0,
  };
  try {
    if (state.editing) await api("PUT", `/api/v1/canned/${state.editing.id}`, { body, auth: state.me.auth() });
    else await api("POST", "/api/v1/canned", { body, auth: state.me.auth() });
  } catch (err) {
    $("cn-editor-error").textContent = errText(err);
    $("cn-editor-error").hidden = false;
    return;
  }
  $("cn-editor").hidden = true;
  toast(w("saved"));
  await load();
}

async function remove(reply) {
  if (!(await confirmBox(w("confirm_delete", { title: reply.title }), w("delete"), w("cancel")))) return;
  try {
    await api("DELETE", `/api/v1/canned/${reply.id}`, { auth: state.me.auth() });
    toast(w("deleted"));
    await load();
  } catch (err) {
    toast(errText(err), "error");
  }
}

function openFolderEditor() {
  const scopes = SCOPES.filter((s) => s === "personal" || (s === "team" && state.me.supervisor) || (s === "organisation" && state.me.admin));
  $("cn-folder-scope").replaceChildren(...scopes.map((s) => el("option", { value: s }, w(`scope.${s}`))));
  $("cn-folder-group").replaceChildren(...state.groups.map((g) => el("option", { value: String(g.id) }, g.name)));
  $("cn-folder-group-field").hidden = $("cn-folder-scope").value !== "team";
  $("cn-folder-name").value = "";
  $("cn-folder-error").hidden = true;
  $("cn-folder-editor").hidden = false;
  $("cn-folder-name").focus();
}

async function saveFolder(event) {
  event.preventDefault();
  const scope = $("cn-folder-scope").value;
  const body = { scope, name: $("cn-folder-name").value };
  if (scope === "team") body.skill_group_id = Number($("cn-folder-group").value);
  try {
    const folder = (await api("POST", "/api/v1/canned/folders", { body, auth: state.me.auth() })).folder;
    state.folder = folder.id;
  } catch (err) {
    $("cn-folder-error").textContent = errText(err);
    $("cn-folder-error").hidden = false;
    return;
  }
  $("cn-folder-editor").hidden = true;
  toast(w("saved"));
  await load();
}

async function importFile() {
  const file = $("cn-import").files?.[0];
  $("cn-import").value = "";
  if (!file) return;
  const form = new FormData();
  form.append("file", file, file.name);
  try {
    const result = await api("POST", "/api/v1/canned/import", { body: form, auth: state.me.auth() });
    toast(w("imported", result));
    await load();
  } catch (err) {
    toast(errText(err), "error", 12000); // names the bad line; nothing was imported
  }
}

// ---- greetings ----------------------------------------------------------------------------------

async function loadGreetings() {
  try {
    state.greetings = await api("GET", "/api/v1/greetings");
  } catch (err) {
    toast(errText(err), "error");
    return;
  }
  $("cn-greet-group").replaceChildren(...state.groups.map((g) => el("option", { value: String(g.id) }, g.name)));
  $("cn-greet-channel").replaceChildren(...state.greetings.channels.map((c) => el("option", { value: c }, w(`channel.${c}`))));
  renderGreetings();
}

function renderGreetings() {
  const data = state.greetings;
  if (!data || !state.groups.length) return;
  const group = Number($("cn-greet-group").value);
  const channel = $("cn-greet-channel").value;
  const rows = [];
  if (!state.me.admin) rows.push(el("p", { class: "muted" }, w("admins_only")));
  for (const [kind, codes] of Object.entries(data.kinds)) {
    rows.push(el("h3", { class: "cn-greet-kind" }, w(`kind.${kind}`)));
    for (const code of codes) {
      const found = data.greetings.find((g) => g.skill_group_id === group && g.channel === channel && g.code === code && g.locale === "zh-CN");
      const input = el("textarea", { class: "input cn-greet-input", rows: "2", maxlength: "2000", placeholder: w("greet_default"), disabled: !state.me.admin, "aria-label": w(`code.${code}`), dataset: { code } });
      input.value = found?.text || "";
      const actions = state.me.admin
        ? el(
            "div",
            { class: "cn-greet-actions" },
            el("button", { type: "button", class: "btn btn--primary btn--sm", onclick: () => setGreeting(group, channel, code, input.value) }, w("save")),
            found ? el("button", { type: "button", class: "btn btn--sm", onclick: () => setGreeting(group, channel, code, "") }, w("reset")) : null,
          )
        : null;
      rows.push(el("div", { class: "cn-greet" }, el("label", { class: "cn-greet-label" }, w(`code.${code}`)), input, actions));
    }
  }
  $("cn-greet-list").replaceChildren(...rows);
}

async function setGreeting(group, channel, code, text) {
  const path = `/api/v1/greetings/${group}/${encodeURIComponent(code)}/zh-CN?channel=${encodeURIComponent(channel)}`;
  try {
    if (text.trim()) await api("PUT", path, { body: { text }, auth: state.me.auth() });
    else await api("DELETE", path, { auth: state.me.auth() });
    toast(w("saved"));
  } catch (err) {
    toast(errText(err), "error");
    return;
  }
  await loadGreetings();
}

async function start() {
  translatePage();
  state.me = await signedIn();
  if (!state.me) return;
  try {
    state.groups = (await api("GET", "/api/v1/routing/groups")).groups;
  } catch {
    state.groups = [];
  }
  $("cn-search").addEventListener("input", render);
  $("cn-new").addEventListener("click", () => openEditor(null));
  $("cn-cancel").addEventListener("click", () => { $("cn-editor").hidden = true; });
  $("cn-editor-form").addEventListener("submit", save);
  $("cn-new-folder").addEventListener("click", openFolderEditor);
  $("cn-folder-cancel").addEventListener("click", () => { $("cn-folder-editor").hidden = true; });
  $("cn-folder-form").addEventListener("submit", saveFolder);
  $("cn-folder-scope").addEventListener("change", () => { $("cn-folder-group-field").hidden = $("cn-folder-scope").value !== "team"; });
  $("cn-import").addEventListener("change", importFile);
  $("cn-import-label").hidden = !state.me.supervisor;
  $("cn-greet-group").addEventListener("change", renderGreetings);
  $("cn-greet-channel").addEventListener("change", renderGreetings);
  document.addEventListener("keydown", (event) => {
    if (event.key !== "Escape") return;
    $("cn-editor").hidden = true;
    $("cn-folder-editor").hidden = true;
  });
  await load();
  $("cn-insert").replaceChildren(
    ...state.variables.map((v) =>
      el("button", { type: "button", class: "canned-var", onclick: () => insertVariable(`{${locale === "en" ? v.key : v.zh}}`) }, `{${locale === "en" ? v.key : v.zh}}`),
    ),
  );
  $("cn-var-list").replaceChildren(...state.variables.map((v) => el("code", {}, `{${v.zh}}`)));
  await loadGreetings();
  document.body.classList.add("is-ready");
}

function insertVariable(text) {
  const box = $("cn-text");
  const at = box.selectionStart ?? box.value.length;
  box.value = box.value.slice(0, at) + text + box.value.slice(box.selectionEnd ?? at);
  box.focus();
  box.setSelectionRange(at + text.length, at + text.length);
}

start();
