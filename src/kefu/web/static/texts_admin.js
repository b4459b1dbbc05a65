// The organisation's texts (/console/texts): every text kefu says to customers, per language, with the
// catalogue's wording beside the organisation's own. Admins reword or reset; everyone else may look.
// The page's own words live here so the module stays self-contained.

import { api, el } from "./api.js";
import { toast } from "./toast.js";
import { $, errText, locale, signedIn } from "./staff_page.js";

const WORDS = {
  "zh-CN": {
    title: "文案",
    subtitle: "kefu 对客户说的每一句系统话术。修改后立即对新消息生效；清空或“恢复默认”即使用内置文案。",
    locale: "客户看到的语言",
    "locale.zh-CN": "中文",
    "locale.en": "English",
    filter: "搜索文案或代码",
    only_changed: "只看已修改",
    readonly: "只有管理员可以修改文案。",
    "col.text": "文案",
    "col.default": "默认文案",
    "col.override": "本机构文案",
    empty: "没有符合条件的文案。",
    placeholders: "必须包含：",
    no_placeholders: "无占位符",
    changed: "已修改",
    for_agents: "给客服看",
    same_as_default: "（使用默认文案）",
    save: "保存",
    reset: "恢复默认",
    saved: "已保存",
    was_reset: "已恢复默认文案",
    "err.placeholders_mismatch": "文案必须包含且只能包含这些占位符：{params}",
    "err.bad_placeholder": "花括号只能用于占位符，例如 {agent}；要显示花括号本身请写 {{ 或 }}。",
    "err.text_too_long": "文案最多 2000 字。",
    "err.admins_only": "只有管理员可以修改文案。",
    "code.chat.welcome": "欢迎语（打开聊天窗口时显示）",
    "code.bot.greeting": "机器人：回复问候",
    "code.bot.thanks": "机器人：回复感谢",
    "code.bot.goodbye": "机器人：回复告别",
    "code.bot.clarify": "机器人：猜您想问",
    "code.bot.decline": "机器人：答不上来",
    "code.bot.unhelpful.alternatives": "机器人：答案没帮助，推荐其他问题",
    "code.bot.unhelpful.offer_person": "机器人：答案没帮助，询问是否转人工",
    "code.bot.button.human": "“转人工”按钮",
    "code.handover.customer_request": "转人工：客户要求",
    "code.handover.negative_sentiment": "转人工：客户不满",
    "code.handover.vip": "转人工：VIP 客户",
    "code.handover.sensitive_topic": "转人工：资金或账号安全",
    "code.handover.money": "转人工：资金问题",
    "code.handover.bot_failed": "转人工：机器人多次答不上来",
    "code.queue.position": "排队：前面还有几位",
    "code.queue.position.no_eta": "排队：前面还有几位（无预计时间）",
    "code.queue.next": "排队：下一位就是您",
    "code.queue.next.no_eta": "排队：下一位（无预计时间）",
    "code.queue.handed_over": "排队：已转人工（后接排队情况）",
    "code.queue.no_agents": "排队：暂无客服在线",
    "code.queue.timeout": "排队：等待过久",
    "code.queue.off_hours": "非服务时间（含下次开始服务时间）",
    "code.queue.off_hours.no_opening": "非服务时间",
    "code.queue.status.bot": "状态：智能助手服务中",
    "code.queue.status.assigned": "状态：客服已接入",
    "code.queue.status.closed": "状态：会话已结束",
    "code.agent.joined": "客服接入",
    "code.transfer.to_agent": "转接给其他客服",
    "code.transfer.to_group": "转接到其他技能组",
    "code.conversation.closed.by_agent": "客服结束会话",
    "code.conversation.closed.by_customer": "客户结束会话",
    "code.conversation.closed.idle": "客户长时间未回复，自动结束",
    "code.leave.received": "留言已收到",
    "code.leave.answered": "留言的回复",
    "code.channel.choose_by_number": "纯文本渠道：回复数字选择",
    "code.customer.visitor_name": "访客的默认名称",
    "code.transfer.note.supervisor": "主管改派的备注",
    "code.alert.sla.unassigned": "提醒主管：超时未回复且无人可接",
    "code.alert.sla.reassigned": "提醒主管：超时未回复已改派",
  },
  en: {
    title: "Texts",
    subtitle: "Every system text kefu says to customers. Changes apply to new messages at once; reset to use the built-in wording.",
    locale: "Language customers see",
    "locale.zh-CN": "中文",
    "locale.en": "English",
    filter: "Search texts or codes",
    only_changed: "Changed only",
    readonly: "Only admins can change texts.",
    "col.text": "Text",
    "col.default": "Default wording",
    "col.override": "Your wording",
    empty: "No text matches.",
    placeholders: "Must contain:",
    no_placeholders: "No placeholders",
    changed: "Changed",
    for_agents: "For agents",
    same_as_default: "(uses the default)",
    save: "Save",
    reset: "Reset to default",
    saved: "Saved",
    was_reset: "Back to the default wording",
    "err.placeholders_mismatch": "The text must contain exactly these placeholders: {params}",
    "err.bad_placeholder": "Braces are for placeholders such as {agent}; write {{ or }} for a brace itself.",
    "err.text_too_long": "A text may have at most 2000 characters.",
    "err.admins_only": "Only admins can change texts.",
    "code.chat.welcome": "Welcome (shown when the chat opens)",
    "code.bot.greeting": "Bot: answer to a greeting",
    "code.bot.thanks": "Bot: answer to thanks",
    "code.bot.goodbye": "Bot: answer to goodbye",
    "code.bot.clarify": "Bot: did you mean…",
    "code.bot.decline": "Bot: does not know the answer",
    "code.bot.unhelpful.alternatives": "Bot: answer did not help, other questions",
    "code.bot.unhelpful.offer_person": "Bot: answer did not help, offer a person",
    "code.bot.button.human": "“Talk to a person” button",
    "code.handover.customer_request": "Hand-over: customer asked",
    "code.handover.negative_sentiment": "Hand-over: unhappy customer",
    "code.handover.vip": "Hand-over: VIP customer",
    "code.handover.sensitive_topic": "Hand-over: money or account security",
    "code.handover.money": "Hand-over: money trouble",
    "code.handover.bot_failed": "Hand-over: bot failed repeatedly",
    "code.queue.position": "Queue: customers ahead",
    "code.queue.position.no_eta": "Queue: customers ahead (no estimate)",
    "code.queue.next": "Queue: you're next",
    "code.queue.next.no_eta": "Queue: you're next (no estimate)",
    "code.queue.handed_over": "Queue: handed over (followed by the queue line)",
    "code.queue.no_agents": "Queue: no agent online",
    "code.queue.timeout": "Queue: waited too long",
    "code.queue.off_hours": "Off hours (with the next opening)",
    "code.queue.off_hours.no_opening": "Off hours",
    "code.queue.status.bot": "Status: assistant helping",
    "code.queue.status.assigned": "Status: agent joined",
    "code.queue.status.closed": "Status: conversation ended",
    "code.agent.joined": "Agent joined",
    "code.transfer.to_agent": "Transferred to another agent",
    "code.transfer.to_group": "Transferred to another group",
    "code.conversation.closed.by_agent": "Agent ended the conversation",
    "code.conversation.closed.by_customer": "Customer ended the conversation",
    "code.conversation.closed.idle": "Closed after the customer went quiet",
    "code.leave.received": "Message received",
    "code.leave.answered": "Answer to a left message",
    "code.channel.choose_by_number": "Plain-text channels: reply with a number",
    "code.customer.visitor_name": "Default name of a visitor",
    "code.transfer.note.supervisor": "Note of a supervisor's reassignment",
    "code.alert.sla.unassigned": "Supervisor alert: no reply, nobody free",
    "code.alert.sla.reassigned": "Supervisor alert: no reply, reassigned",
  },
};
const words = WORDS[locale === "en" ? "en" : "zh-CN"];
const w = (key) => words[key] ?? key;

const state = { me: null, admin: false, locale: locale === "en" ? "en" : "zh-CN", texts: [] };

function translatePage() {
  for (const node of document.querySelectorAll("[data-ti]")) node.textContent = w(node.dataset.ti);
  for (const node of document.querySelectorAll("[data-ti-placeholder]")) node.placeholder = w(node.dataset.tiPlaceholder);
  for (const node of document.querySelectorAll("[data-ti-label]")) node.setAttribute("aria-label", w(node.dataset.tiLabel));
}

async function load() {
  try {
    state.texts = (await api("GET", "/api/v1/texts")).texts;
  } catch (err) {
    toast(errText(err), "error");
    return;
  }
  render();
}

function render() {
  for (const button of document.querySelectorAll("#text-locale .seg__btn")) {
    const active = button.dataset.locale === state.locale;
    button.classList.toggle("is-active", active);
    button.setAttribute("aria-selected", String(active));
  }
  const query = $("text-filter").value.trim().toLowerCase();
  const changedOnly = $("text-changed").checked;
  const rows = state.texts.filter((text) => {
    if (text.locale !== state.locale || (changedOnly && text.override === null)) return false;
    const haystack = [text.code, w(`code.${text.code}`), text.default, text.override || ""].join("\n").toLowerCase();
    return !query || haystack.includes(query);
  });
  $("text-rows").replaceChildren(...rows.map(row));
  $("text-empty").hidden = rows.length > 0;
}

function row(text) {
  const name = w(`code.${text.code}`);
  const params = text.params.length
    ? el("span", { class: "tx-params" }, w("placeholders"), ...text.params.map((p) => el("code", {}, `{${p}}`)))
    : el("span", { class: "tx-params muted" }, w("no_placeholders"));
  const input = el("textarea", {
    class: "input tx-input",
    rows: "2",
    maxlength: "2000",
    placeholder: w("same_as_default"),
    "aria-label": `${name} · ${w("col.override")}`,
    disabled: !state.admin,
  });
  input.value = text.override ?? "";
  const cell = el("td", { class: "tx-edit", dataset: { label: w("col.override") } }, input);
  if (state.admin) {
    const save = el("button", { type: "button", class: "btn btn--primary btn--sm tx-save", onclick: () => change(text, input.value) }, w("save"));
    const reset = el("button", { type: "button", class: "btn btn--sm tx-reset", hidden: text.override === null, onclick: () => change(text, null) }, w("reset"));
    cell.append(el("div", { class: "tx-actions" }, save, reset));
  }
  return el(
    "tr",
    { dataset: { code: text.code, locale: text.locale }, class: text.override !== null ? "is-changed" : "" },
    el(
      "td",
      {},
      el("div", { class: "tx-name" }, el("strong", {}, name),
      el("code", { class: "tx-code" }, text.code),
      params,
      el("span", { class: "tx-tags" }, text.override !== null ? el("span", { class: "chip chip--assigned" }, w("changed")) : null, text.audience === "agent" ? el("span", { class: "chip chip--closed" }, w("for_agents")) : null)),
    ),
    el("td", { class: "tx-default", dataset: { label: w("col.default") } }, text.default),
    cell,
  );
}

async function change(text, value) {
  const path = `/api/v1/texts/${encodeURIComponent(text.code)}/${encodeURIComponent(text.locale)}`;
  const reset = value === null || !value.trim();
  try {
    const result = reset
      ? await api("DELETE", path, { auth: state.me.auth() })
      : await api("PUT", path, { body: { text: value }, auth: state.me.auth() });
    Object.assign(text, result.text);
    toast(w(reset ? "was_reset" : "saved"));
    render();
  } catch (err) {
    const mine = words[`err.${err.code}`];
    const params = text.params.map((p) => `{${p}}`).join(" ") || w("no_placeholders");
    toast(mine ? mine.replace("{params}", params) : errText(err), "error");
  }
}

async function start() {
  translatePage();
  state.me = await signedIn();
  if (!state.me) return;
  state.admin = state.me.role === "admin";
  $("text-readonly").hidden = state.admin;
  for (const button of document.querySelectorAll("#text-locale .seg__btn")) {
    button.addEventListener("click", () => {
      state.locale = button.dataset.locale;
      render();
    });
  }
  $("text-filter").addEventListener("input", render);
  $("text-changed").addEventListener("change", render);
  await load();
  document.body.classList.add("is-ready");
}

start();
