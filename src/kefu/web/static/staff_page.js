// The shared start of every staff page (console, 知识库, 留言, supervisor view, settings, sign-in): the
// page's translator, the language switch, messages for API errors, avatars, and the signed-in user in
// the top bar. Import it first: it translates the page as it loads.

import { ApiError, api, errorText } from "./api.js";
import { applyI18n, switchLocale, translator } from "./i18n.js";
import { fitTopbar, wireTopbarMenu } from "./topbar_menu.js";

export const locale = document.body.dataset.locale;
export const t = translator(locale);
applyI18n(document, t);
wireTopbarMenu();

export const $ = (id) => document.getElementById(id);

for (const button of document.querySelectorAll(".lang-btn")) {
  button.classList.toggle("is-active", button.dataset.lang === locale);
  button.addEventListener("click", () => switchLocale(button.dataset.lang));
}

/** A message for a failed API call (known codes translated, otherwise the server's words). */
export function errText(err) {
  if (!(err instanceof ApiError) || err.code === "network") return t("err.network");
  return errorText(t, err.code, err.message);
}

/** The first letter of a name, for an avatar. */
export function initial(name) {
  const trimmed = (name || "").trim();
  return trimmed ? Array.from(trimmed)[0].toUpperCase() : "?";
}

/** One of six avatar colours, stable per id. */
export function avatarTone(id) {
  return `tone-${Math.abs(Number(id) || 0) % 6}`;
}

export function setAvatar(node, name, id) {
  node.textContent = initial(name);
  node.className = node.className.replace(/\btone-\d\b/g, "").trim();
  node.classList.add(avatarTone(id));
}

/**
 * The signed-in user (redirects to the sign-in page without a session): fills the top bar, shows the
 * links only supervisors and admins may follow (``.needs-supervisor``), and wires 退出登录.
 */
export async function signedIn() {
  let me;
  try {
    me = (await api("GET", "/api/v1/auth/me")).user;
  } catch (err) {
    if (err instanceof ApiError && (err.status === 401 || err.status === 403)) {
      window.location.assign("/console/login");
      return null;
    }
    throw err;
  }
  const name = me.display_name || me.username;
  $("me-name").textContent = name;
  $("me-role").textContent = t(`role.${me.role}`);
  setAvatar($("me-avatar"), name, me.id);
  document.body.dataset.user = String(me.id);
  document.body.dataset.role = me.role;
  const supervisor = me.role === "admin" || me.role === "supervisor";
  for (const link of document.querySelectorAll(".needs-supervisor")) link.hidden = !supervisor;
  fitTopbar(); // the supervisors' links and the user's name may no longer fit the bar
  $("logout").addEventListener("click", async () => {
    try {
      await api("POST", "/api/v1/auth/logout", { auth: { csrf: me.csrf_token } });
    } finally {
      window.location.assign("/console/login");
    }
  });
  return { ...me, supervisor, admin: me.role === "admin", auth: () => ({ csrf: me.csrf_token }) };
}

/** Human waiting time: "45 秒", "3 分钟". */
export function duration(seconds) {
  if (seconds === null || seconds === undefined) return "—";
  return seconds < 60 ? t("sup.seconds", { n: seconds }) : t("sup.minutes", { n: Math.floor(seconds / 60) });
}
