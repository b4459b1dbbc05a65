// Internal notes in the open conversation: a note box beside the reply box (yellow, staff only), notes
// placed in the thread between the messages they were written after, @mention autocomplete of the
// colleagues who may see the conversation, and the mentions badge with its list and live toasts.
// Notes go to /api/v1/conversations/{id}/notes — never through the reply path, so never to the customer.

import { api, el, errorText, shortTime } from "./api.js";
import { $ } from "./staff_page.js";
import { toast } from "./toast.js";

const TYPING_EVERY_MS = 2000;

export class Notes {
  /** opts: {t, auth(), socket(), me, open(conversationId), showError(text)} */
  constructor(opts) {
    this.opts = opts;
    this.conv = null;
    this.thread = null;
    this.mode = "reply";
    this.people = []; // [{id, username, display_name}] who may be mentioned here
    this.chosen = new Map(); // display name → user id picked from the menu
    this.menuIndex = 0;
    this.lastTyping = 0;
  }

  wire() {
    for (const tab of document.querySelectorAll(".compose-tab")) tab.addEventListener("click", () => this.setMode(tab.dataset.mode));
    $("note-form").addEventListener("submit", (event) => {
      event.preventDefault();
      this.send();
    });
    const input = $("note-input");
    input.addEventListener("input", () => {
      this.suggest();
      this.typing();
    });
    input.addEventListener("keydown", (event) => this.onKey(event));
    $("mentions-btn").addEventListener("click", () => this.togglePanel());
  }

  setMode(mode) {
    this.mode = mode;
    for (const tab of document.querySelectorAll(".compose-tab")) {
      const on = tab.dataset.mode === mode;
      tab.classList.toggle("is-active", on);
      tab.setAttribute("aria-selected", String(on));
    }
    $("reply").hidden = mode === "note";
    $("note-form").hidden = mode !== "note";
    (mode === "note" ? $("note-input") : $("reply-input")).focus();
  }

  /** A conversation was opened (``thread`` holds its messages); null when none is. */
  async show(conv, thread) {
    this.conv = conv;
    this.thread = thread;
    this.hideMenu();
    if (!conv) return;
    const id = conv.id;
    try {
      const [notes, people] = await Promise.all([
        api("GET", `/api/v1/conversations/${id}/notes`, { auth: this.opts.auth() }),
        api("GET", `/api/v1/conversations/${id}/mentionable`, { auth: this.opts.auth() }),
      ]);
      if (this.conv?.id !== id || this.thread !== thread) return;
      this.people = people.users;
      for (const note of notes.notes) this.place(note);
    } catch {
      return;
    }
    api("POST", "/api/v1/mentions/read", { body: { conversation_id: id }, auth: this.opts.auth() })
      .then(() => this.loadMentions())
      .catch(() => {});
  }

  /** Put a note in the thread after the message it was written after (data-seq N.5 sorts it there). */
  place(note) {
    const list = this.thread?.list;
    if (!list || list.querySelector(`[data-note-id="${note.id}"]`)) return;
    const { t } = this.opts;
    const key = note.after_seq + 0.5;
    const node = el(
      "div",
      { class: "note", dataset: { noteId: String(note.id), seq: String(key) }, role: "note" },
      el(
        "div",
        { class: "note__head" },
        el("span", { class: "note__tag" }, t("notes.tag")),
        el("span", { class: "note__author" }, note.author_name),
        el("time", { class: "note__time", datetime: note.created_at }, shortTime(note.created_at)),
      ),
      el("div", { class: "note__body" }, ...highlight(note.body)),
    );
    let before = null;
    for (const child of list.children) {
      const seq = child.dataset.seq;
      if (seq === undefined || Number(seq) > key) {
        before = child;
        break;
      }
    }
    list.insertBefore(node, before);
  }

  async send() {
    const input = $("note-input");
    const body = input.value;
    if (!body.trim() || !this.conv) return;
    const mentionIds = [...this.chosen].filter(([name]) => body.includes(`@${name}`)).map(([, id]) => id);
    $("note-send").disabled = true;
    try {
      const data = await api("POST", `/api/v1/conversations/${this.conv.id}/notes`, {
        body: { body, mention_ids: mentionIds },
        auth: this.opts.auth(),
      });
      input.value = "";
      this.chosen.clear();
      this.place(data.note);
      const scroller = $("chat-scroll");
      requestAnimationFrame(() => scroller.scrollTo({ top: scroller.scrollHeight }));
    } catch (err) {
      this.opts.showError(errorText(this.opts.t, err.code, err.message));
    } finally {
      $("note-send").disabled = false;
    }
  }

  typing() {
    const now = Date.now();
    if (!this.conv || !$("note-input").value.trim() || now - this.lastTyping < TYPING_EVERY_MS) return;
    if (this.opts.socket()?.send({ type: "staff_typing", conversation_id: this.conv.id, area: "note" })) this.lastTyping = now;
  }

  // ---- @ autocomplete ---------------------------------------------------------------------------

  query() {
    const input = $("note-input");
    const before = input.value.slice(0, input.selectionStart);
    const match = /@([^\s@]*)$/.exec(before);
    return match ? { text: match[1].toLowerCase(), start: before.length - match[0].length } : null;
  }

  suggest() {
    const q = this.query();
    if (!q) return this.hideMenu();
    const found = this.people.filter((p) => p.display_name.toLowerCase().includes(q.text) || p.username.toLowerCase().includes(q.text)).slice(0, 8);
    const menu = $("mention-menu");
    if (!found.length) return this.hideMenu();
    this.menuIndex = Math.min(this.menuIndex, found.length - 1);
    menu.replaceChildren(
      ...found.map((person, i) => {
        const item = el(
          "li",
          { class: `mention-option${i === this.menuIndex ? " is-active" : ""}`, role: "option", dataset: { id: String(person.id) } },
          el("strong", {}, person.display_name),
          el("span", { class: "muted" }, `@${person.username}`),
        );
        item.addEventListener("mousedown", (event) => {
          event.preventDefault();
          this.pick(person);
        });
        return item;
      }),
    );
    menu.hidden = false;
    this.found = found;
  }

  hideMenu() {
    $("mention-menu").hidden = true;
    this.found = [];
    this.menuIndex = 0;
  }

  pick(person) {
    const q = this.query();
    const input = $("note-input");
    if (!q) return;
    const head = input.value.slice(0, q.start);
    const tail = input.value.slice(input.selectionStart);
    const inserted = `@${person.display_name} `;
    input.value = head + inserted + tail;
    const caret = head.length + inserted.length;
    input.setSelectionRange(caret, caret);
    this.chosen.set(person.display_name, person.id);
    this.hideMenu();
    input.focus();
  }

  onKey(event) {
    const open = !$("mention-menu").hidden && this.found.length;
    if (open && (event.key === "ArrowDown" || event.key === "ArrowUp")) {
      event.preventDefault();
      const step = event.key === "ArrowDown" ? 1 : -1;
      this.menuIndex = (this.menuIndex + step + this.found.length) % this.found.length;
      this.suggest();
    } else if (open && (event.key === "Enter" || event.key === "Tab") && !event.isComposing) {
      event.preventDefault();
      this.pick(this.found[this.menuIndex]);
    } else if (open && event.key === "Escape") {
      this.hideMenu();
    } else if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      this.send();
    }
  }

  // ---- mentions of me ---------------------------------------------------------------------------

  async loadMentions() {
    let data;
    try {
      data = await api("GET", "/api/v1/mentions?unread=true&limit=50", { auth: this.opts.auth() });
    } catch {
      return;
    }
    this.mentions = data.mentions;
    const badge = $("mentions-count");
    badge.textContent = data.unread > 99 ? "99+" : String(data.unread);
    badge.hidden = !data.unread;
    if (!$("mentions-panel").hidden) this.renderPanel();
  }

  togglePanel() {
    const panel = $("mentions-panel");
    panel.hidden = !panel.hidden;
    $("mentions-btn").setAttribute("aria-expanded", String(!panel.hidden));
    if (!panel.hidden) this.renderPanel();
  }

  renderPanel() {
    const { t } = this.opts;
    const rows = this.mentions || [];
    $("mentions-list").replaceChildren(
      ...rows.map((m) => {
        const item = el(
          "li",
          { class: "mention-row", tabindex: "0", dataset: { conversation: String(m.conversation_id) } },
          el("div", { class: "mention-row__head" }, t("notes.mentioned_you", { name: m.by_name, id: m.conversation_id })),
          el("div", { class: "mention-row__text" }, m.excerpt),
        );
        const go = () => {
          $("mentions-panel").hidden = true;
          this.opts.open(m.conversation_id);
        };
        item.addEventListener("click", go);
        item.addEventListener("keydown", (event) => event.key === "Enter" && go());
        return item;
      }),
    );
    $("mentions-empty").hidden = rows.length > 0;
  }

  /** Socket frames for notes; returns true if the frame was one. */
  onFrame(frame) {
    if (frame.type === "note") {
      if (this.conv && frame.note.conversation_id === this.conv.id) this.place(frame.note);
      return true;
    }
    if (frame.type === "mention") {
      toast(this.opts.t("notes.mentioned_you", { name: frame.by_name, id: frame.conversation_id }), "mention", 8000);
      this.loadMentions();
      return true;
    }
    return false;
  }
}

/** A note's text as nodes, with @names marked (text nodes only, never HTML). */
function highlight(body) {
  const parts = [];
  let last = 0;
  for (const match of body.matchAll(/@[^\s@]+/g)) {
    if (match.index > last) parts.push(body.slice(last, match.index));
    parts.push(el("span", { class: "note__mention" }, match[0]));
    last = match.index + match[0].length;
  }
  if (last < body.length) parts.push(body.slice(last));
  return parts;
}
