// 我的工单 in the widget: the customer's tickets (status, last update), one ticket's replies and status
// changes (never notes: the server sends none), adding information, and confirming it resolved or
// reopening it — all through /api/v1/visitor/tickets… with the visitor's token.

import { api, el, errorText, fullTime } from "./api.js";

const $ = (id) => document.getElementById(id);

export class MyTickets {
  /** host: {t, token()}. The panel covers the chat while open; the chat keeps running under it. */
  constructor(host) {
    this.host = host;
    this.t = host.t;
    this.panel = $("tickets-panel");
    this.current = null;
    $("tickets-btn").addEventListener("click", () => (this.panel.hidden ? this.open() : this.close()));
    $("tickets-back").addEventListener("click", () => (this.current ? this.list() : this.close()));
    $("tickets-form").addEventListener("submit", (event) => {
      event.preventDefault();
      this.add();
    });
  }

  call(method, path, body) {
    return api(method, `/api/v1/visitor/tickets${path}`, { body, auth: { token: this.host.token() } });
  }

  error(err) {
    const box = $("tickets-error");
    box.textContent = err ? errorText(this.t, err.code, err.message) : "";
    box.hidden = !err;
  }

  async open() {
    this.panel.hidden = false;
    document.body.classList.add("is-tickets");
    $("tickets-btn").setAttribute("aria-expanded", "true");
    await this.list();
  }

  close() {
    this.panel.hidden = true;
    document.body.classList.remove("is-tickets");
    this.current = null;
    $("tickets-btn").setAttribute("aria-expanded", "false");
  }

  async list() {
    this.current = null;
    this.error(null);
    $("tickets-title").textContent = this.t("wtk.title");
    $("tickets-detail").hidden = true;
    let data;
    try {
      data = await this.call("GET", "");
    } catch (err) {
      this.error(err);
      return;
    }
    const t = this.t;
    const items = data.tickets.map((ticket) =>
      el(
        "li",
        {},
        el(
          "button",
          { type: "button", class: "wtk-row", dataset: { id: String(ticket.id), status: ticket.status }, onclick: () => this.show(ticket.id) },
          el("span", { class: "wtk-row__top" }, el("span", { class: "wtk-num" }, ticket.number), el("span", { class: `wtk-chip wtk-chip--${ticket.status}` }, t(`tk.status.${ticket.status}`))),
          el("span", { class: "wtk-row__title" }, ticket.title || ticket.number),
          el("span", { class: "wtk-row__time" }, t("wtk.updated", { time: fullTime(ticket.updated_at) })),
        ),
      ),
    );
    $("tickets-list").replaceChildren(...items);
    $("tickets-list").hidden = false;
    $("tickets-empty").hidden = items.length > 0;
  }

  async show(id) {
    this.error(null);
    let data;
    try {
      data = await this.call("GET", `/${id}`);
    } catch (err) {
      this.error(err);
      return;
    }
    this.current = data.ticket;
    this.render(data);
  }

  render(data) {
    const t = this.t;
    const ticket = data.ticket;
    $("tickets-title").textContent = ticket.number;
    $("tickets-list").hidden = true;
    $("tickets-empty").hidden = true;
    $("tickets-detail").hidden = false;
    $("tickets-status").className = `wtk-chip wtk-chip--${ticket.status}`;
    $("tickets-status").textContent = t(`tk.status.${ticket.status}`);
    $("tickets-subject").textContent = ticket.title || "";
    const lines = data.timeline
      .filter((e) => e.kind === "reply" || e.kind === "status" || (e.kind === "created" && e.body))
      .map((e) => {
        if (e.kind === "status") {
          return el("li", { class: "wtk-ev wtk-ev--status" }, t("wtk.status_line", { status: t(`tk.status.${e.data.after}`), time: fullTime(e.created_at) }));
        }
        const mine = e.actor_kind === "customer";
        return el(
          "li",
          { class: `wtk-ev wtk-ev--reply${mine ? " is-mine" : ""}`, dataset: { kind: e.kind } },
          el("span", { class: "wtk-ev__who" }, mine ? t("wtk.me") : t("wtk.service"), " · ", fullTime(e.created_at)),
          el("span", { class: "wtk-ev__body" }, e.body),
        );
      });
    if (ticket.resolution) lines.push(el("li", { class: "wtk-ev wtk-ev--status" }, t("wtk.resolution", { text: ticket.resolution })));
    $("tickets-timeline").replaceChildren(...lines);
    const done = ticket.status === "resolved";
    const closed = ticket.status === "closed";
    const actions = [];
    if (done) actions.push(el("button", { type: "button", class: "w-btn w-btn--primary", id: "tickets-confirm", onclick: () => this.act("confirm") }, t("wtk.confirm")));
    if (done || closed) actions.push(el("button", { type: "button", class: "w-btn", id: "tickets-reopen", onclick: () => this.act("reopen") }, t("wtk.reopen")));
    $("tickets-actions").replaceChildren(...actions);
    $("tickets-form").hidden = closed;
  }

  async add() {
    const text = $("tickets-text").value.trim();
    if (!text || !this.current) return;
    try {
      await this.call("POST", `/${this.current.id}/messages`, { body: text });
      $("tickets-text").value = "";
    } catch (err) {
      this.error(err);
      return;
    }
    await this.show(this.current.id);
  }

  async act(what) {
    try {
      await this.call("POST", `/${this.current.id}/${what}`, what === "reopen" ? { body: "" } : undefined);
    } catch (err) {
      this.error(err);
      return;
    }
    await this.show(this.current.id);
  }
}
