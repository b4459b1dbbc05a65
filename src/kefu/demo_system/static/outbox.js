// The outbox page: fetch /api/outbox every 2 s and show the newest messages first, codes in large type.
"use strict";

const list = document.getElementById("messages");
const empty = document.getElementById("empty");
const live = document.getElementById("live");
const input = document.getElementById("to");
const seen = new Set();
let firstLoad = true;
let lastKey = "";

input.value = new URLSearchParams(location.search).get("to") || "";
document.getElementById("filter").addEventListener("submit", (event) => event.preventDefault());
input.addEventListener("input", () => {
  const url = new URL(location.href);
  if (input.value.trim()) url.searchParams.set("to", input.value.trim());
  else url.searchParams.delete("to");
  history.replaceState(null, "", url);
  refresh();
});

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function when(iso) {
  const date = new Date(iso);
  const seconds = Math.max(0, Math.round((Date.now() - date.getTime()) / 1000));
  const clock = date.toLocaleString("zh-CN", { hour12: false, month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit" });
  if (seconds < 60) return "刚刚 · " + clock;
  if (seconds < 3600) return Math.floor(seconds / 60) + " 分钟前 · " + clock;
  return clock;
}

function render(message) {
  const item = el("li", "msg");
  item.dataset.id = message.id;
  if (!firstLoad && !seen.has(message.id)) item.classList.add("fresh");
  const head = el("div", "msg-head");
  head.append(el("span", "kind " + message.channel, message.channel === "sms" ? "短信" : "邮件"), el("span", "", "发给"),
    el("span", "to", message.to));
  const time = el("time", "", when(message.created_at));
  time.dateTime = message.created_at;
  head.append(time);
  item.append(head);
  if (message.subject) item.append(el("div", "subject", message.subject));
  if (message.code) {
    const box = el("div", "code-box");
    box.append(el("span", "label", "验证码"), el("span", "code", message.code));
    const copy = el("button", "btn copy", "复制");
    copy.type = "button";
    copy.dataset.copy = message.code;
    box.append(copy);
    item.append(box);
  }
  if (message.link) {
    const box = el("div", "link-box");
    const link = el("a", "", "打开重置链接 →");
    link.href = message.link;
    link.target = "_blank";
    link.rel = "noopener";
    box.append(link);
    item.append(box);
  }
  item.append(el("p", "body", message.text));
  return item;
}

async function refresh() {
  const to = input.value.trim();
  try {
    const response = await fetch("/api/outbox" + (to ? "?to=" + encodeURIComponent(to) : ""), { cache: "no-store" });
    if (!response.ok) throw new Error(String(response.status));
    const { messages } = await response.json();
    const key = to + "|" + messages.map((m) => m.id).join(",");
    if (key !== lastKey) {
      list.replaceChildren(...messages.map(render));
      lastKey = key;
    } else {
      for (const time of list.querySelectorAll("time")) time.textContent = when(time.dateTime);
    }
    messages.forEach((m) => seen.add(m.id));
    firstLoad = false;
    empty.hidden = messages.length > 0;
    live.classList.remove("off");
    live.lastChild.textContent = "自动刷新中";
  } catch {
    live.classList.add("off");
    live.lastChild.textContent = "连接中断，正在重试";
  }
}

refresh();
setInterval(refresh, 2000);
