// What a self-service flow learnt before it stopped, as a card: the flow, why it stopped, what the
// customer gave (masked as the server gave it), and what the company's system answered. The agent
// console pins it at the top of a conversation a flow handed over; the flows page shows it when a test
// run ends.

import { api, el } from "./api.js";

const OUTCOME_TONE = { ok: "ok", not_found: "muted", refused: "warn", unavailable: "bad" };
const SHOWN_STATUSES = new Set(["handed_over", "ticket"]);

/** Why a flow stopped, in words (a code without a translation is shown as it is). */
export function reasonText(t, code) {
  if (!code) return t("flowreason.none");
  const key = `flowreason.${code}`;
  const text = t(key);
  return text === key ? t("flowreason.other", { code }) : text;
}

/** ``prefix.code`` translated, or ``code`` itself when there is no translation. */
export function known(t, prefix, code) {
  const key = `${prefix}.${code}`;
  const text = t(key);
  return text === key ? String(code ?? "") : text;
}

/** A conversation list's hand-over reason ("flow_account_stolen") as words, or null if not a flow's. */
export function flowHandover(t, handoverReason) {
  if (!handoverReason || !handoverReason.startsWith("flow_")) return null;
  return reasonText(t, handoverReason.slice(5));
}

function lock() {
  const svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
  svg.setAttribute("viewBox", "0 0 24 24");
  svg.setAttribute("width", "12");
  svg.setAttribute("height", "12");
  svg.setAttribute("aria-hidden", "true");
  const path = document.createElementNS("http://www.w3.org/2000/svg", "path");
  path.setAttribute("fill", "currentColor");
  path.setAttribute("d", "M12 2a5 5 0 0 0-5 5v3H6a2 2 0 0 0-2 2v8a2 2 0 0 0 2 2h12a2 2 0 0 0 2-2v-8a2 2 0 0 0-2-2h-1V7a5 5 0 0 0-5-5Zm-3 8V7a3 3 0 1 1 6 0v3H9Z");
  svg.append(path);
  return svg;
}

/**
 * The card for ``summary`` ({flow, version, step, reason, collected, calls}). ``opts``: {status: the
 * run's end (handed_over, ticket, resolved …), backendMs, open: start expanded}.
 */
export function summaryCard(t, summary, opts = {}) {
  const collected = Array.isArray(summary.collected) ? summary.collected : [];
  const calls = Array.isArray(summary.calls) ? summary.calls : [];
  const status = opts.status || "handed_over";
  const card = el("details", { class: "flow-card", dataset: { status, reason: summary.reason || "" } });
  card.open = opts.open !== false;
  card.append(
    el(
      "summary",
      { class: "flow-card__head" },
      el("span", { class: "flow-card__icon", "aria-hidden": "true" }, "⚙"),
      el("span", { class: "flow-card__title" }, t("flowcard.title", { flow: summary.flow || summary.flow_key || "" })),
      el("span", { class: `flow-card__end flow-card__end--${status}` }, t(`flowcard.end.${status}`)),
      el("span", { class: "flow-card__reason" }, reasonText(t, summary.reason)),
    ),
  );
  const body = el("div", { class: "flow-card__body" });
  body.append(
    el("h4", {}, t("flowcard.collected")),
    collected.length
      ? el(
          "dl",
          { class: "flow-card__values" },
          ...collected.flatMap((item) => [
            el("dt", {}, item.label || item.slot),
            el("dd", { class: item.sensitive ? "is-sensitive" : null }, item.sensitive ? lock() : null, String(item.value ?? "")),
          ]),
        )
      : el("p", { class: "muted flow-card__none" }, t("flowcard.nothing")),
    el("h4", {}, t("flowcard.calls")),
    calls.length
      ? el(
          "ul",
          { class: "flow-card__calls" },
          ...calls.map((call) =>
            el(
              "li",
              {},
              el("code", {}, call.action || call.step || ""),
              el("span", { class: `flow-outcome flow-outcome--${OUTCOME_TONE[call.outcome] || "muted"}` }, known(t, "flowcard.outcome", call.outcome)),
              callMessage(t, call),
            ),
          ),
        )
      : el("p", { class: "muted flow-card__none" }, t("flowcard.no_calls")),
  );
  const foot = [];
  if (summary.step) foot.push(t("flowcard.stopped_at", { step: summary.step }));
  if (summary.version) foot.push(t("flowcard.version", { n: summary.version }));
  if (typeof opts.backendMs === "number") foot.push(t("flowcard.backend_ms", { ms: Math.round(opts.backendMs) }));
  if (foot.length) body.append(el("p", { class: "flow-card__foot muted" }, foot.join(" · ")));
  card.append(body);
  return card;
}

/** What the company's system said, or — when kefu could not reach it — why, in the console's language
 * (kefu's own technical detail stays in the tooltip). */
function callMessage(t, call) {
  if (call.outcome === "unavailable") {
    return el("span", { class: "flow-card__msg", title: call.message || "" }, t("flowcard.unreachable"));
  }
  return call.message ? el("span", { class: "flow-card__msg" }, call.message) : null;
}

/**
 * Pins the hand-over summary of a conversation's flow above its messages (agent console). ``host`` is
 * an empty element; ``show(convId)`` fetches the conversation's runs and shows the newest one that
 * handed over or became a ticket (nothing otherwise). Stale answers (another conversation opened
 * meanwhile) are dropped.
 */
export class FlowSummary {
  constructor(host, { t, auth }) {
    this.host = host;
    this.t = t;
    this.auth = auth;
    this.token = 0;
  }

  clear() {
    this.token += 1;
    this.host.replaceChildren();
    this.host.hidden = true;
  }

  async show(convId) {
    const token = ++this.token;
    let runs = [];
    try {
      runs = (await api("GET", `/api/v1/conversations/${convId}/flows`, { auth: this.auth() })).runs;
    } catch {
      runs = []; // a summary is a help, not a requirement: the conversation works without it
    }
    if (token !== this.token) return;
    const run = runs.find((r) => SHOWN_STATUSES.has(r.status) && r.summary);
    if (!run) {
      this.host.replaceChildren();
      this.host.hidden = true;
      return;
    }
    const narrow = window.matchMedia("(max-width: 760px)").matches;
    this.host.replaceChildren(summaryCard(this.t, run.summary, { status: run.status, open: !narrow }));
    this.host.hidden = false;
  }
}
