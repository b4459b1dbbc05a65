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
    if (message.text) bubble.append(el("div", { class: "msg__text" }, message.text));
    if (message.attachment && message.attachment.is_image) bubble.classList.add("msg__bubble--image");
    node.append(meta, bubble);
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
