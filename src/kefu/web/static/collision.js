// Collision in the open conversation: the console tells the server which conversation it has open
// (a "view" frame), and shows in the header which colleagues view it too and who is typing a reply or
// a note ("小李 正在查看" / "小李 正在输入…"). The server sends these frames only to staff sockets
// the access policy let follow the conversation; the customer never gets them.

import { $ } from "./staff_page.js";

const TYPING_SHOWN_MS = 4000;

export class Collision {
  /** opts: {t, me, socket()} */
  constructor(opts) {
    this.opts = opts;
    this.convId = null;
    this.viewers = [];
    this.typing = new Map(); // user id → {name, area, until}
    this.timer = null;
  }

  /** The console opened ``convId`` (null: none). */
  open(convId) {
    this.convId = convId;
    this.viewers = [];
    this.typing.clear();
    this.render();
    this.opts.socket()?.send({ type: "view", conversation_id: convId });
  }

  /** After a reconnect the server forgot what this console views: say it again. */
  reconnect() {
    if (this.convId !== null) this.opts.socket()?.send({ type: "view", conversation_id: this.convId });
  }

  onFrame(frame) {
    if (frame.type === "viewers") {
      if (frame.conversation_id === this.convId) {
        this.viewers = frame.viewers.filter((v) => v.user_id !== this.opts.me.id);
        this.render();
      }
      return true;
    }
    if (frame.type === "staff_typing") {
      if (frame.conversation_id === this.convId && frame.user_id !== this.opts.me.id) {
        this.typing.set(frame.user_id, { name: frame.name, area: frame.area, until: Date.now() + TYPING_SHOWN_MS });
        this.render();
        clearTimeout(this.timer);
        this.timer = setTimeout(() => this.render(), TYPING_SHOWN_MS + 50);
      }
      return true;
    }
    return false;
  }

  render() {
    const { t } = this.opts;
    const now = Date.now();
    for (const [id, entry] of this.typing) if (entry.until <= now) this.typing.delete(id);
    const parts = [];
    const typists = [...this.typing.values()];
    for (const entry of typists) parts.push(t(entry.area === "note" ? "collision.typing_note" : "collision.typing", { name: entry.name }));
    const typingNames = new Set(typists.map((e) => e.name));
    const lookers = this.viewers.filter((v) => !typingNames.has(v.name)).map((v) => v.name);
    if (lookers.length) parts.push(t("collision.viewing", { name: lookers.join("、") }));
    const box = $("chat-collision");
    box.textContent = parts.join(" · ");
    box.hidden = parts.length === 0;
    box.classList.toggle("is-typing", typists.length > 0);
  }
}
