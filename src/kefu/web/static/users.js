// Console users (/console/users): add agents, supervisors and admins with their groups, change role and
// groups, reset a password, deactivate or reactivate. Admins change; supervisors look. The server refuses
// what the page would not offer (an admin deactivating or demoting themselves, a short password).

import { api, el } from "./api.js";
import { confirmBox } from "./confirm.js";
import { $, errText, signedIn, t } from "./staff_page.js";
import { toast } from "./toast.js";

const state = { me: null, users: [], groups: [], mode: null, user: null };

function groupNames(ids) {
  return ids.map((id) => (state.groups.find((g) => g.id === id) || { name: `#${id}` }).name).join("、") || t("console.none");
}

function renderRows() {
  $("usr-rows").replaceChildren(
    ...state.users.map((user) => {
      const actions = el("td", { class: "num" });
      if (state.me.admin) {
        actions.append(
          el("button", { type: "button", class: "btn btn--sm", dataset: { act: "edit" }, onclick: () => openDialog("edit", user) }, t("usr.edit")),
          el("button", { type: "button", class: "btn btn--sm", dataset: { act: "password" }, onclick: () => openDialog("password", user) }, t("usr.reset_password")),
        );
        if (user.id !== state.me.id) {
          const label = user.is_active ? t("usr.deactivate") : t("usr.activate");
          actions.append(
            el("button", { type: "button", class: `btn btn--sm${user.is_active ? " btn--danger" : ""}`, dataset: { act: "active" }, onclick: () => toggleActive(user) }, label),
          );
        }
      }
      return el(
        "tr",
        { class: user.is_active ? "" : "is-inactive", dataset: { username: user.username } },
        el("td", {}, el("strong", {}, user.display_name)),
        el("td", {}, user.username),
        el("td", {}, t(`role.${user.role}`)),
        el("td", {}, groupNames(user.group_ids)),
        el("td", {}, el("span", { class: `chip chip--${user.is_active ? "online" : "offline"}` }, user.is_active ? t("usr.active") : t("usr.inactive"))),
        actions,
      );
    }),
  );
}

function openDialog(mode, user = null) {
  state.mode = mode;
  state.user = user;
  const adding = mode === "add";
  $("usr-dialog-title").textContent = adding ? t("usr.add") : mode === "edit" ? t("usr.edit_title", { name: user.display_name }) : t("usr.password_title", { name: user.display_name });
  $("u-username-field").hidden = !adding;
  $("u-name-field").hidden = mode === "password";
  $("u-role-field").hidden = mode === "password";
  $("u-groups-field").hidden = mode === "password";
  $("u-password-field").hidden = mode === "edit";
  $("u-username").value = "";
  $("u-name").value = user ? user.display_name : "";
  $("u-role").value = user ? user.role : "agent";
  $("u-password").value = "";
  const member = new Set(user ? user.group_ids : []);
  $("u-groups").replaceChildren(
    ...state.groups.map((group) =>
      el("label", { class: "check" }, el("input", { type: "checkbox", value: String(group.id), checked: member.has(group.id) }), group.name),
    ),
  );
  $("usr-error").hidden = true;
  $("usr-dialog").hidden = false;
  (adding ? $("u-username") : mode === "edit" ? $("u-name") : $("u-password")).focus();
}

function closeDialog() {
  $("usr-dialog").hidden = true;
}

function replace(user) {
  const at = state.users.findIndex((u) => u.id === user.id);
  if (at >= 0) state.users[at] = user;
  else state.users.push(user);
  renderRows();
}

async function submit() {
  const groupIds = [...$("u-groups").querySelectorAll("input:checked")].map((box) => Number(box.value));
  const auth = state.me.auth();
  try {
    if (state.mode === "add") {
      const body = { username: $("u-username").value.trim(), display_name: $("u-name").value.trim(), role: $("u-role").value, password: $("u-password").value, group_ids: groupIds };
      replace((await api("POST", "/api/v1/admin/users", { body, auth })).user);
      toast(t("usr.added", { name: body.display_name || body.username }));
    } else if (state.mode === "edit") {
      const body = { display_name: $("u-name").value.trim(), role: $("u-role").value, group_ids: groupIds };
      replace((await api("PATCH", `/api/v1/admin/users/${state.user.id}`, { body, auth })).user);
      toast(t("adm.saved"));
    } else {
      await api("POST", `/api/v1/admin/users/${state.user.id}/password`, { body: { password: $("u-password").value }, auth });
      toast(t("usr.password_reset", { name: state.user.display_name }));
    }
    closeDialog();
  } catch (err) {
    $("usr-error").textContent = errText(err);
    $("usr-error").hidden = false;
  }
}

async function toggleActive(user) {
  if (user.is_active && !(await confirmBox(t("usr.confirm_deactivate", { name: user.display_name }), t("usr.deactivate"), t("kb.cancel")))) return;
  try {
    replace((await api("PATCH", `/api/v1/admin/users/${user.id}`, { body: { is_active: !user.is_active }, auth: state.me.auth() })).user);
  } catch (err) {
    toast(errText(err), "error");
  }
}

async function start() {
  state.me = await signedIn();
  if (!state.me) return;
  if (!state.me.supervisor) {
    $("adm-forbidden").hidden = false;
    document.body.classList.add("is-ready");
    return;
  }
  const [users, groups] = await Promise.all([
    api("GET", "/api/v1/admin/users", { auth: state.me.auth() }),
    api("GET", "/api/v1/routing/groups", { auth: state.me.auth() }),
  ]);
  state.users = users.users;
  state.groups = groups.groups;
  renderRows();
  if (state.me.admin) {
    $("usr-add").hidden = false;
    $("usr-add").addEventListener("click", () => openDialog("add"));
  } else {
    $("adm-readonly").hidden = false;
  }
  $("usr-cancel").addEventListener("click", closeDialog);
  $("usr-form").addEventListener("submit", (event) => {
    event.preventDefault();
    submit();
  });
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && !$("usr-dialog").hidden) closeDialog();
  });
  $("usr-panel").hidden = false;
  document.body.classList.add("is-ready");
}

start().catch((err) => {
  console.error(err);
  toast(errText(err), "error");
});
