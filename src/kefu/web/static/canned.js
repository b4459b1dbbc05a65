// The 话术库 in the reply box: typing "/" at the start of the box (or after a space) opens a popup that
// searches the agent's canned replies as they type (shortcut, title, pinyin initials such as /cfh for
// 催发货); ↑/↓ choose, Enter or a click inserts the reply with the conversation's variables filled, Esc
// closes. Variables kefu could not fill arrive as 【请填写：订单号】: they are highlighted in the box, and
// sending is refused with a message until the agent has replaced every one (blocksSend()).

import { api, el } from "./api.js";

const TRIGGER = /(^|\s)\/([^\s/]{0,30})$/;
const PLACEHOLDER = /【(?:请填写：|fill in: )[^】]*】/g;

export class CannedPicker {
  /**
   * @param {{input: HTMLTextAreaElement, conv: () => any, t: (key: string, params?: object) => string,
   *          auth: () => object, showError: (text: string) => void}} options
   */
  constructor({ input, conv, t, auth, showError }) {
    Object.assign(this, { input, conv, t, auth, showError });
    this.items = [];
    this.active = 0;
    this.query = null;
    this.seq = 0;
    this.popup = el("div", { class: "canned-pop", id: "canned-pop", role: "listbox", hidden: true });
    document.body.append(this.popup);
    this.mirror = el("div", { class: "canned-mirror", "aria-hidden": "true" });
    input.before(this.mirror);
    this.hint = el("div", { class: "canned-hint", id: "canned-hint", role: "status", hidden: true });
    input.closest("form").prepend(this.hint);
    input.addEventListener("input", () => this.onInput());
    input.addEventListener("keydown", (event) => this.onKey(event));
    input.addEventListener("scroll", () => {
      this.mirror.scrollTop = input.scrollTop;
    });
    input.addEventListener("blur", () => setTimeout(() => this.close(), 150));
    window.addEventListener("resize", () => this.place());
  }

  /** True (and the agent told why) while a placeholder is left in the box: the caller must not send. */
  blocksSend() {
    const left = this.placeholders();
    if (!left.length) return false;
    this.showError(this.t("canned.fill_first", { what: left.join("、") }));
    this.selectPlaceholder(0);
    return true;
  }

  placeholders() {
    return this.input.value.match(PLACEHOLDER) || [];
  }

  /** Re-draw the highlights and the hint (after the box changed without an input event). */
  refresh() {
    const text = this.input.value;
    const left = this.placeholders();
    this.input.classList.toggle("has-placeholders", left.length > 0);
    this.mirror.hidden = left.length === 0;
    this.hint.hidden = left.length === 0;
    if (!left.length) return;
    const parts = [];
    let last = 0;
    for (const match of text.matchAll(PLACEHOLDER)) {
      parts.push(text.slice(last, match.index), el("mark", { class: "canned-mark" }, match[0]));
      last = match.index + match[0].length;
    }
    parts.push(text.slice(last), "\n");
    this.mirror.replaceChildren(...parts);
    this.mirror.scrollTop = this.input.scrollTop;
    this.hint.replaceChildren(
      el("span", {}, this.t("canned.placeholders_left", { count: left.length })),
      ...left.map((name, index) =>
        el("button", { type: "button", class: "canned-chip", onclick: () => this.selectPlaceholder(index) }, name),
      ),
    );
  }

  selectPlaceholder(index) {
    const matches = [...this.input.value.matchAll(PLACEHOLDER)];
    const match = matches[index] || matches[0];
    if (!match) return;
    this.input.focus();
    this.input.setSelectionRange(match.index, match.index + match[0].length);
  }

  onInput() {
    this.refresh();
    const before = this.input.value.slice(0, this.input.selectionStart);
    const found = TRIGGER.exec(before);
    if (!found || this.input.disabled) {
      this.close();
      return;
    }
    this.query = found[2];
    this.search(found[2]);
  }

  async search(query) {
    const seq = ++this.seq;
    let replies;
    try {
      replies = (await api("GET", `/api/v1/canned/search?q=${encodeURIComponent(query)}&limit=8`, { auth: this.auth() })).replies;
    } catch {
      return;
    }
    if (seq !== this.seq || this.query === null) return; // a later keystroke has asked again
    this.items = replies;
    this.active = 0;
    this.draw();
  }

  draw() {
    const rows = this.items.map((reply, index) =>
      el(
        "div",
        {
          class: `canned-item${index === this.active ? " is-active" : ""}`,
          role: "option",
          "aria-selected": String(index === this.active),
          dataset: { id: String(reply.id) },
          onmousedown: (event) => {
            event.preventDefault(); // keep the focus (and the caret) in the reply box
            this.pick(index);
          },
        },
        el(
          "div",
          { class: "canned-item__head" },
          el("strong", { class: "canned-item__title" }, reply.title),
          reply.shortcut ? el("code", { class: "canned-item__key" }, `/${reply.shortcut}`) : null,
          el("span", { class: "canned-item__folder" }, reply.folder),
        ),
        el("div", { class: "canned-item__text" }, reply.text),
      ),
    );
    const head = el("div", { class: "canned-pop__head" }, this.t("canned.popup_title"), el("span", {}, this.t("canned.popup_keys")));
    const body = rows.length ? rows : [el("div", { class: "canned-pop__empty" }, this.t("canned.no_match"))];
    this.popup.replaceChildren(head, ...body);
    this.popup.hidden = false;
    this.place();
    this.popup.querySelector(".is-active")?.scrollIntoView({ block: "nearest" });
  }

  place() {
    if (this.popup.hidden) return;
    const box = this.input.closest("form").getBoundingClientRect();
    const width = Math.min(box.width, 560);
    this.popup.style.left = `${Math.max(8, box.left)}px`;
    this.popup.style.width = `${width}px`;
    this.popup.style.bottom = `${window.innerHeight - box.top + 6}px`;
    this.popup.style.maxHeight = `${Math.max(160, Math.min(360, box.top - 16))}px`;
  }

  close() {
    this.query = null;
    this.seq += 1;
    this.popup.hidden = true;
  }

  get open() {
    return !this.popup.hidden;
  }

  onKey(event) {
    if (!this.open || event.isComposing) return;
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      if (!this.items.length) return;
      const step = event.key === "ArrowDown" ? 1 : -1;
      this.active = (this.active + step + this.items.length) % this.items.length;
      this.draw();
    } else if (event.key === "Enter" || event.key === "Tab") {
      if (!this.items.length) return;
      event.preventDefault(); // console.js sends on Enter unless we took it
      this.pick(this.active);
    } else if (event.key === "Escape") {
      event.preventDefault();
      this.close();
    }
  }

  async pick(index) {
    const reply = this.items[index];
    if (!reply) return;
    const caret = this.input.selectionStart;
    const before = this.input.value.slice(0, caret);
    const found = TRIGGER.exec(before);
    this.close();
    let text = reply.text;
    try {
      const conv = this.conv();
      const body = { conversation_id: conv ? conv.id : null };
      text = (await api("POST", `/api/v1/canned/${reply.id}/render`, { body, auth: this.auth() })).text;
    } catch {
      this.showError(this.t("canned.render_failed"));
    }
    const start = found ? caret - found[2].length - 1 : caret;
    const value = this.input.value;
    this.input.value = value.slice(0, start) + text + value.slice(caret);
    const end = start + text.length;
    this.input.focus();
    this.input.setSelectionRange(end, end);
    this.refresh();
    if (this.placeholders().length) this.selectPlaceholder(0);
  }
}
