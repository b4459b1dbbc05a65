// One conversation's messages as bubbles, shared by the widget and the console.
// Confirmed messages are kept in seq order and shown once (deduplicated by seq and client_msg_id);
// the sender's own unconfirmed messages sit at the end as "sending" until acknowledged.
// All user-provided text is inserted as text nodes, never as HTML.

import { el, humanSize, shortTime } from "./api.js";

export class Thread {
  /**
   * opts: {me: "customer"|"agent", t, nameOf(message) → string, imageSrc(attachment) → Promise<string>,
   *        openFile(attachment), onImage(src, filename), onRetry(clientMsgId)}
   */
  constructor(parent, opts) {
    this.opts = opts;
    this.root = el("div", { class: "thread" });
    this.list = el("div", { class: "thread__list", role: "log", "aria-live": "polite" });
    this.root.append(this.list);
    parent.append(this.root);
    this.bySeq = new Map();
    this.byCid = new Map();
    this.peerRead = 0;
    this.lastSeq = 0;
    this.firstSeq = 0;
  }

  get size() {
    return this.bySeq.size;
  }

  /** Show a stored message (from history, a live event or an ack). Returns true if it was new. */
  add(message) {
    if (this.bySeq.has(message.seq)) return false;
    let node = message.client_msg_id ? this.byCid.get(message.client_msg_id) : null;
    if (node) {
      node.remove();
      this.fill(node, message);
    } else {
      node = this.build(message);
    }
    if (message.client_msg_id) this.byCid.set(message.client_msg_id, node);
    this.bySeq.set(message.seq, node);
    node.dataset.seq = String(message.seq);
    let before = null;
    for (const child of this.list.children) {
      const seq = child.dataset.seq;
      if (seq === undefined || Number(seq) > message.seq) {
        before = child;
        break;
      }
    }
    this.list.insertBefore(node, before);
    this.lastSeq = Math.max(this.lastSeq, message.seq);
    this.firstSeq = this.firstSeq ? Math.min(this.firstSeq, message.seq) : message.seq;
    this.updateStatus(node);
    return true;
  }

  /** The sender's own message before the server has stored it. */
  addPending(clientMsgId, text, file) {
    if (this.byCid.has(clientMsgId)) return this.byCid.get(clientMsgId);
    const attachment = file ? { filename: file.name, size: file.size, is_image: file.type.startsWith("image/"), local: file } : null;
    const node = this.build({
      seq: 0,
      sender_kind: this.opts.me,
      sender_name: "",
      text,
      attachment,
      client_msg_id: clientMsgId,
      created_at: new Date().toISOString(),
    });
    node.classList.add("msg--pending");
    this.byCid.set(clientMsgId, node);
    this.list.append(node);
    this.setStatus(node, "pending");
    return node;
  }

  hasClientId(clientMsgId) {
    const node = this.byCid.get(clientMsgId);
    return Boolean(node && node.dataset.seq);
  }

  fail(clientMsgId, reason) {
    const node = this.byCid.get(clientMsgId);
    if (!node || node.dataset.seq) return;
    node.classList.add("msg--failed");
    this.setStatus(node, "failed", reason);
  }

  unfail(clientMsgId) {
    const node = this.byCid.get(clientMsgId);
    if (!node || node.dataset.seq) return;
    node.classList.remove("msg--failed");
    this.setStatus(node, "pending");
  }

  discard(clientMsgId) {
    const node = this.byCid.get(clientMsgId);
    if (node && !node.dataset.seq) {
      node.remove();
      this.byCid.delete(clientMsgId);
    }
  }

  /** The other side has read up to ``seq``. */
  setPeerRead(seq) {
    if (seq <= this.peerRead) return;
    this.peerRead = seq;
    for (const node of this.list.querySelectorAll(".msg--mine[data-seq]")) this.updateStatus(node);
  }

  /** Highest seq of a message from the other side (what we may mark read). */
  lastIncomingSeq() {
    return this.lastSeq;
  }

  notice(text, kind = "") {
    const node = el("div", { class: `notice ${kind}`.trim() }, el("span", {}, text));
    this.list.append(node);
    return node;
  }

  updateStatus(node) {
    if (!node.classList.contains("msg--mine")) return;
    const seq = Number(node.dataset.seq || 0);
    if (!seq) return;
    node.classList.remove("msg--pending", "msg--failed");
    this.setStatus(node, seq <= this.peerRead ? "read" : "delivered");
  }

  setStatus(node, state, reason) {
    const status = node.querySelector(".msg__status");
    if (!status) return;
    status.dataset.state = state;
    status.textContent = reason ? `${this.opts.t(`status.${state}`)} · ${reason}` : this.opts.t(`status.${state}`);
  }

  build(message) {
    const node = el("div", { class: "msg" });
    this.fill(node, message);
    return node;
  }

  fill(node, message) {
    const { t } = this.opts;
    node.replaceChildren();
    const kind = message.sender_kind;
    const mine = kind === this.opts.me || (this.opts.me === "agent" && kind === "agent");
    node.className = `msg msg--${kind}`;
    node.dataset.kind = kind;
    if (message.client_msg_id) node.dataset.cid = message.client_msg_id;
    if (kind === "system") {
      node.classList.add("msg--system");
      node.append(el("span", { class: "msg__system" }, message.text));
      return;
    }
    node.classList.add(mine ? "msg--mine" : "msg--theirs");
    const name = this.opts.nameOf(message);
    const meta = el(
      "div",
      { class: "msg__meta" },
      name ? el("span", { class: "msg__name" }, name) : null,
      el("time", { class: "msg__time", datetime: message.created_at }, shortTime(message.created_at)),
    );
    const bubble = el("div", { class: "msg__bubble" });
    if (message.attachment) bubble.append(this.attachment(message.attachment));
    if (message.text) bubble.append(el("div", { class: "msg__text" }, ...(kind === "bot" ? linkify(message.text) : [message.text])));
    if (message.attachment && message.attachment.is_image) bubble.classList.add("msg__bubble--image");
    node.append(meta, bubble);
    if (kind === "bot" && message.meta && typeof message.meta === "object") {
      node.dataset.botKind = String(message.meta.kind || "");
      if (message.meta.entry_id) node.dataset.entry = String(message.meta.entry_id);
      const extras = this.botExtras(message);
      if (extras) node.append(extras);
    }
    if (mine) {
      const status = el("div", { class: "msg__status" });
      if (message.client_msg_id) {
        status.addEventListener("click", () => {
          if (status.dataset.state === "failed") this.opts.onRetry?.(message.client_msg_id);
        });
      }
      node.append(status);
    }
  }

  /**
   * The structured parts of a bot message (meta.kind answer / clarify / decline / handover / smalltalk):
   * suggestion buttons, quick-reply chips, extra buttons and 有帮助 / 没帮助. With ``opts.bot``
   * ({send(text, entryId), feedback(message, helpful) → Promise}) they work; without it (the console)
   * they are shown for reference only.
   */
  botExtras(message) {
    const { t } = this.opts;
    const meta = message.meta;
    const live = this.opts.bot || null;
    const box = el("div", { class: "bot-extras" });
    const button = (cls, label, onClick, data = {}) => {
      const b = el("button", { type: "button", class: cls, dataset: data, disabled: !live }, label);
      if (live) b.addEventListener("click", onClick);
      return b;
    };
    const suggestions = Array.isArray(meta.suggestions) ? meta.suggestions : [];
    if (suggestions.length) {
      box.append(
        el(
          "div",
          { class: "bot-suggest" },
          ...suggestions.map((s) =>
            button("bot-suggest__item", String(s.question || ""), () => live.send(String(s.question || ""), Number(s.entry_id)), {
              entryId: String(s.entry_id),
            }),
          ),
        ),
      );
    }
    const chips = [];
    for (const text of Array.isArray(meta.quick_replies) ? meta.quick_replies : []) {
      chips.push(button("bot-chip", String(text), () => live.send(String(text), null)));
    }
    for (const b of Array.isArray(meta.buttons) ? meta.buttons : []) {
      if (!b || !b.send) continue;
      chips.push(button("bot-chip bot-chip--action", String(b.label || b.send), () => live.send(String(b.send), null)));
    }
    if (chips.length) box.append(el("div", { class: "bot-chips" }, ...chips));
    if (meta.feedback && live) {
      const thanks = el("span", { class: "bot-feedback__thanks", hidden: true }, t("bot.thanks"));
      const yes = el("button", { type: "button", class: "bot-feedback__btn", dataset: { helpful: "true" } }, thumb(false), t("bot.helpful"));
      const no = el("button", { type: "button", class: "bot-feedback__btn", dataset: { helpful: "false" } }, thumb(true), t("bot.unhelpful"));
      const rate = async (helpful, chosen) => {
        yes.disabled = true;
        no.disabled = true;
        chosen.classList.add("is-chosen");
        try {
          await live.feedback(message, helpful);
          thanks.hidden = false;
        } catch (err) {
          if (err && err.code === "feedback_exists") thanks.hidden = false;
          else {
            yes.disabled = false;
            no.disabled = false;
            chosen.classList.remove("is-chosen");
          }
        }
      };
      yes.addEventListener("click", () => rate(true, yes));
      no.addEventListener("click", () => rate(false, no));
      box.append(el("div", { class: "bot-feedback" }, yes, no, thanks));
    }
    return box.childElementCount ? box : null;
  }

  attachment(att) {
    if (att.is_image) {
      const img = el("img", { class: "msg__img", alt: att.filename, loading: "lazy" });
      const button = el("button", { type: "button", class: "msg__imgbtn", title: att.filename }, img);
      const source = att.local ? Promise.resolve(URL.createObjectURL(att.local)) : this.opts.imageSrc(att);
      source
        .then((src) => {
          img.src = src;
        })
        .catch(() => button.classList.add("msg__imgbtn--broken"));
      button.addEventListener("click", () => {
        if (img.src) this.opts.onImage?.(img.src, att.filename);
      });
      return button;
    }
    const chip = el(
      "button",
      { type: "button", class: "file-chip", title: att.filename },
      el("span", { class: "file-chip__icon", "aria-hidden": "true" }, (att.filename.split(".").pop() || "file").slice(0, 4).toUpperCase()),
      el("span", { class: "file-chip__body" }, el("span", { class: "file-chip__name" }, att.filename), el("span", { class: "file-chip__size" }, humanSize(att.size))),
    );
    if (!att.local) chip.addEventListener("click", () => this.opts.openFile?.(att));
    return chip;
  }
}

const THUMB = "M2 10.5A1.5 1.5 0 0 1 3.5 9H6v11H3.5A1.5 1.5 0 0 1 2 18.5v-8ZM8 20V9.3l4.4-6.1a1.6 1.6 0 0 1 2.9 1.2L14.5 9h5a2.5 2.5 0 0 1 2.4 3.1l-1.8 6A2.5 2.5 0 0 1 17.7 20H8Z";

/** A thumbs-up (or, turned over, thumbs-down) icon drawn as SVG (emoji fonts are not everywhere). */
function thumb(down) {
  const ns = "http://www.w3.org/2000/svg";
  const svg = document.createElementNS(ns, "svg");
  svg.setAttribute("viewBox", "0 0 24 24");
  svg.setAttribute("width", "14");
  svg.setAttribute("height", "14");
  svg.setAttribute("aria-hidden", "true");
  svg.setAttribute("class", down ? "bot-feedback__icon bot-feedback__icon--down" : "bot-feedback__icon");
  const path = document.createElementNS(ns, "path");
  path.setAttribute("fill", "currentColor");
  path.setAttribute("d", THUMB);
  svg.append(path);
  return svg;
}

const URL_RE = /https?:\/\/[^\s<>"'\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]+/g;

/**
 * Text and links for ``text``: http(s) URLs become <a> elements (text set as text, never HTML);
 * everything else stays plain text. Trailing punctuation is left outside the link.
 */
export function linkify(text) {
  const parts = [];
  let last = 0;
  for (const match of text.matchAll(URL_RE)) {
    let url = match[0];
    const trimmed = url.replace(/[.,;:!?)\]}'"]+$/, "");
    url = trimmed;
    if (!url || !/^https?:\/\/[^/\s]/.test(url)) continue;
    if (match.index > last) parts.push(text.slice(last, match.index));
    const a = document.createElement("a");
    a.href = url;
    a.textContent = url;
    a.target = "_blank";
    a.rel = "noopener noreferrer";
    a.className = "msg__link";
    parts.push(a);
    last = match.index + url.length;
  }
  if (last < text.length) parts.push(text.slice(last));
  return parts;
}

/** A full-screen image viewer (click or Escape to close). */
export function showLightbox(src, caption) {
  const img = el("img", { class: "lightbox__img", src, alt: caption || "" });
  const box = el("div", { class: "lightbox", role: "dialog", "aria-modal": "true" }, img, caption ? el("div", { class: "lightbox__caption" }, caption) : null);
  const close = () => {
    box.remove();
    document.removeEventListener("keydown", onKey);
  };
  const onKey = (event) => {
    if (event.key === "Escape") close();
  };
  box.addEventListener("click", close);
  document.addEventListener("keydown", onKey);
  document.body.append(box);
}

/** Save a blob under ``filename`` (for attachments fetched with a Bearer header). */
export function saveBlob(blob, filename) {
  const url = URL.createObjectURL(blob);
  const a = el("a", { href: url, download: filename });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 30000);
}
