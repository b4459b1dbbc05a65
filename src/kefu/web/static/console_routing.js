// Routing in the agent console: the presence switch (在线 / 离开 / 离线) with the agent's load, the
// transfer dialog (转接), the transfer note shown to the receiving agent, and toasts for supervisors'
// alerts (SLA breaches).

import { api, el, errorText } from "./api.js";
import { toast } from "./toast.js";

const $ = (id) => document.getElementById(id);
const STATUSES = ["online", "away", "offline"];

export class ConsoleRouting {
  /**
   * host: {t, auth(), me, conv(), isMine(conv), showError(text), onConversation(view)}.
   */
  constructor(host) {
    this.host = host;
    this.t = host.t;
    this.presence = null; // {status, capacity, load}
    this.agents = [];
    this.groups = [];
    this.presenceTimer = null;
    this.noteToken = 0;
  }

  get supervisor() {
    const role = this.host.me.role;
    return role === "admin" || role === "supervisor";
  }

  wire() {
    for (const button of document.querySelectorAll(".presence-btn")) {
      button.addEventListener("click", () => this.setStatus(button.dataset.status));
    }
    $("go-online").addEventListener("click", () => this.setStatus("online"));
    $("transfer-btn").addEventListener("click", () => this.openTransfer());
    $("transfer-cancel").addEventListener("click", () => this.closeTransfer());
    $("transfer-dialog").addEventListener("click", (event) => {
      if (event.target === $("transfer-dialog")) this.closeTransfer();
    });
    document.addEventListener("keydown", (event) => {
      if (event.key === "Escape" && !$("transfer-dialog").hidden) this.closeTransfer();
    });
    $("transfer-form").addEventListener("submit", (event) => {
      event.preventDefault();
      this.submitTransfer();
    });
    $("supervisor-link").hidden = !this.supervisor;
  }

  // ---- presence and load ----------------------------------------------------------------------

  async loadPresence() {
    try {
      const data = await api("GET", "/api/v1/routing/presence", { auth: this.host.auth() });
      this.presence = data.presence;
      this.renderPresence();
    } catch {
      /* keeps the last known state; the socket's reconnect reloads it */
    }
  }

  /** Reload soon (after conversation changes the load moves). */
  schedulePresence() {
    clearTimeout(this.presenceTimer);
    this.presenceTimer = setTimeout(() => this.loadPresence(), 200);
  }

  async setStatus(status) {
    if (!STATUSES.includes(status)) return;
    const buttons = document.querySelectorAll(".presence-btn");
    for (const button of buttons) button.disabled = true;
    try {
      const data = await api("PUT", "/api/v1/routing/presence", { body: { status }, auth: this.host.auth() });
      this.presence = data.presence;
      this.renderPresence();
    } catch (err) {
      this.host.showError(errorText(this.t, err.code, err.message));
    } finally {
      for (const button of buttons) button.disabled = false;
    }
  }

  renderPresence() {
    const p = this.presence;
    if (!p) return;
    const status = STATUSES.includes(p.status) ? p.status : "offline";
    $("presence").dataset.status = status;
    document.body.dataset.presence = status;
    for (const button of document.querySelectorAll(".presence-btn")) {
      const active = button.dataset.status === status;
      button.classList.toggle("is-active", active);
      button.setAttribute("aria-checked", String(active));
    }
    $("load").hidden = false;
    $("load").classList.toggle("is-full", p.load >= p.capacity);
    $("load-value").textContent = `${p.load}/${p.capacity}`;
    const banner = $("presence-banner");
    banner.hidden = status === "online";
    banner.dataset.status = status;
    $("presence-banner-text").textContent = this.t(`presence.hint.${status}`);
  }

  // ---- frames ---------------------------------------------------------------------------------

  onFrame(frame) {
    switch (frame.type) {
      case "presence":
        if (frame.user_id === this.host.me.id && this.presence) {
          this.presence = { ...this.presence, status: frame.status, capacity: frame.capacity };
          this.renderPresence();
          this.schedulePresence();
        }
        return true;
      case "transfer": {
        const conv = this.host.conv();
        if (frame.to_user_id === this.host.me.id) {
          toast(this.t("transfer.received", { name: frame.from_name || "", id: frame.conversation_id }));
        }
        if (conv && conv.id === frame.conversation_id) this.showNote(frame.from_name, frame.note, frame.to_user_id);
        return true;
      }
      case "alert":
        if (this.supervisor) toast(this.alertText(frame), "alert", 12000);
        return true;
      case "queue":
        return true;
      default:
        return false;
    }
  }

  alertText(frame) {
    const head = frame.kind === "sla_breach" ? this.t("alert.sla_breach", { id: frame.conversation_id }) : this.t("alert.generic");
    return frame.text ? `${head}：${frame.text}` : head;
  }

  // ---- transfer note (for the receiving agent) ------------------------------------------------

  /** Show the latest transfer note of ``conv`` (if any) above the thread. */
  async loadNote(conv) {
    const token = ++this.noteToken;
    $("transfer-note").hidden = true;
    if (!conv || conv.status === "closed") return;
    let rows = [];
    try {
      rows = (await api("GET", `/api/v1/routing/conversations/${conv.id}/transfers`, { auth: this.host.auth() })).transfers;
      if (!this.agents.length) await this.loadAgents();
    } catch {
      return;
    }
    if (token !== this.noteToken || !rows.length) return;
    const last = rows[rows.length - 1];
    const from = this.agents.find((a) => a.user_id === last.from_user_id);
    this.showNote(from ? from.display_name : "", last.note, last.to_user_id);
  }

  showNote(fromName, note, toUserId) {
    const box = $("transfer-note");
    const toMe = toUserId === this.host.me.id;
    $("transfer-note-head").textContent = this.t(toMe ? "transfer.note_to_me" : "transfer.note_head", { name: fromName || this.t("transfer.someone") });
    $("transfer-note-text").textContent = note || this.t("transfer.no_note");
    box.hidden = false;
  }

  // ---- transfer dialog ------------------------------------------------------------------------

  /** Whether the 转接 button shows for ``conv``. */
  canTransfer(conv) {
    return Boolean(conv && conv.status === "assigned" && (this.host.isMine(conv) || this.supervisor));
  }

  renderButton(conv) {
    $("transfer-btn").hidden = !this.canTransfer(conv);
  }

  async loadAgents() {
    const [agents, groups] = await Promise.all([
      api("GET", "/api/v1/routing/agents", { auth: this.host.auth() }),
      api("GET", "/api/v1/routing/groups", { auth: this.host.auth() }),
    ]);
    this.agents = agents.agents;
    this.groups = groups.groups;
  }

  async openTransfer() {
    const conv = this.host.conv();
    if (!this.canTransfer(conv)) return;
    this.transferConv = conv.id;
    $("transfer-error").hidden = true;
    $("transfer-note-input").value = "";
    $("transfer-submit").disabled = true;
    $("transfer-agents").replaceChildren(el("li", { class: "pick-empty muted" }, this.t("transfer.loading")));
    $("transfer-groups").replaceChildren();
    $("transfer-dialog").hidden = false;
    try {
      await this.loadAgents();
    } catch (err) {
      this.transferError(errorText(this.t, err.code, err.message));
      return;
    }
    const others = this.agents.filter((a) => a.user_id !== conv.assignee_id);
    others.sort((a, b) => Number(b.available) - Number(a.available) || a.display_name.localeCompare(b.display_name));
    const groupName = (id) => this.groups.find((g) => g.id === id)?.name || "";
    $("transfer-agents").replaceChildren(
      ...others.map((a) =>
        this.option(
          `agent:${a.user_id}`,
          a.display_name,
          [this.t(`presence.${a.status}`), `${a.load}/${a.capacity}`, a.group_ids.map(groupName).filter(Boolean).join("、")],
          !a.available,
          a.status,
        ),
      ),
    );
    if (!others.length) $("transfer-agents").append(el("li", { class: "pick-empty muted" }, this.t("transfer.no_agents")));
    $("transfer-groups").replaceChildren(
      ...this.groups.filter((g) => g.id !== conv.skill_group_id).map((g) => this.option(`group:${g.id}`, g.name, [this.t("transfer.group_hint")], false, "group")),
    );
    $("transfer-submit").disabled = false;
    const first = $("transfer-dialog").querySelector("input[name=transfer-to]:not(:disabled)");
    if (first) first.focus();
  }

  option(value, name, details, disabled, status) {
    const input = el("input", { type: "radio", name: "transfer-to", value, disabled });
    return el(
      "li",
      { class: `pick${disabled ? " is-disabled" : ""}`, dataset: { value } },
      el(
        "label",
        { class: "pick__label" },
        input,
        el("span", { class: "presence-dot", dataset: { status }, "aria-hidden": "true" }),
        el("span", { class: "pick__name" }, name),
        el("span", { class: "pick__meta" }, details.filter(Boolean).join(" · ")),
      ),
    );
  }

  transferError(text) {
    $("transfer-error").textContent = text;
    $("transfer-error").hidden = false;
  }

  closeTransfer() {
    $("transfer-dialog").hidden = true;
    $("transfer-btn").focus();
  }

  async submitTransfer() {
    const picked = $("transfer-dialog").querySelector("input[name=transfer-to]:checked");
    if (!picked) {
      this.transferError(this.t("transfer.pick"));
      return;
    }
    const [kind, id] = picked.value.split(":");
    const body = { note: $("transfer-note-input").value.trim() };
    body[kind === "agent" ? "agent_id" : "group_id"] = Number(id);
    $("transfer-submit").disabled = true;
    try {
      const data = await api("POST", `/api/v1/routing/conversations/${this.transferConv}/transfer`, { body, auth: this.host.auth() });
      const name = picked.closest(".pick").querySelector(".pick__name").textContent;
      $("transfer-dialog").hidden = true;
      toast(this.t("transfer.done", { name }));
      this.host.onConversation(data.conversation);
      this.schedulePresence();
    } catch (err) {
      this.transferError(errorText(this.t, err.code, err.message));
    } finally {
      $("transfer-submit").disabled = false;
    }
  }
}
