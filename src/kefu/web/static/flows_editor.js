// The 编辑 view of the flows page: a monospace editor of a flow file with line numbers, checked by the
// server as one types (debounced; late answers to older text are dropped), its problems listed with
// their lines (a click selects the line) and marked in the gutter.

import { api, el } from "./api.js";

const CHECK_DELAY_MS = 400;

export const TEMPLATE = `# A new guided flow. Steps run top to bottom; each does one thing:
# say, collect, call, choose, branch, handover or end (see docs/flows.md).
key: new_flow
name: {zh-CN: 新流程, en: New flow}
triggers:
  keywords: [示例关键词]
  # menu: {label: {zh-CN: 新流程, en: New flow}, order: 50}
steps:
  - id: ask
    say: {zh-CN: 请问您想做什么？, en: "What would you like to do?"}
    choose:
      - {label: {zh-CN: 查看说明, en: Read the guide}, next: guide}
      - {label: {zh-CN: 转人工, en: Talk to a person}, next: to_person}
  - id: guide
    end: resolved
    say: {zh-CN: 好的，说明如下……, en: "Here is the guide…"}
  - id: to_person
    handover: {reason: customer_request}
`;

export class FlowEditor {
  /** ``opts``: {t, auth, onChecked(result|null)} — result is the /flows/check answer for the current text. */
  constructor(opts) {
    this.opts = opts;
    this.text = document.getElementById("editor-text");
    this.gutter = document.getElementById("editor-gutter");
    this.list = document.getElementById("problems");
    this.state = document.getElementById("editor-state");
    this.base = "";
    this.lines = 0;
    this.bad = new Set();
    this.timer = null;
    this.seq = 0;
    this.result = null;
    this.text.addEventListener("input", () => {
      this.renderGutter();
      this.schedule();
    });
    this.text.addEventListener("scroll", () => {
      this.gutter.scrollTop = this.text.scrollTop;
    });
    let escaped = false; // Escape, then Tab, leaves the editor (keyboard users are never trapped)
    this.text.addEventListener("keydown", (event) => {
      const leave = escaped;
      escaped = event.key === "Escape";
      if (event.key !== "Tab" || leave || this.text.readOnly || event.shiftKey) return;
      event.preventDefault(); // two spaces, as YAML wants
      this.text.setRangeText("  ", this.text.selectionStart, this.text.selectionEnd, "end");
      this.text.dispatchEvent(new Event("input"));
    });
  }

  get value() {
    return this.text.value;
  }

  get dirty() {
    return this.text.value !== this.base;
  }

  /** Show ``source`` (``base``: what "unchanged" means; ``readOnly`` for those who may not edit). */
  load(source, { base = source, readOnly = false } = {}) {
    this.base = base;
    this.text.value = source;
    this.text.readOnly = readOnly;
    this.text.scrollTop = 0;
    this.bad = new Set();
    this.lines = 0;
    this.renderGutter();
    this.check();
  }

  /** Take the current text as saved. */
  saved() {
    this.base = this.text.value;
    this.opts.onChecked(this.result);
  }

  schedule() {
    clearTimeout(this.timer);
    this.setState("checking");
    this.opts.onChecked(null);
    this.timer = setTimeout(() => this.check(), CHECK_DELAY_MS);
  }

  async check() {
    clearTimeout(this.timer);
    const seq = ++this.seq;
    const source = this.text.value;
    this.setState("checking");
    let result;
    try {
      result = await api("POST", "/api/v1/flows/check", { body: { source }, auth: this.opts.auth() });
    } catch (err) {
      if (seq === this.seq) this.setState("failed", { message: err.message });
      return;
    }
    if (seq !== this.seq) return; // the text changed meanwhile; its own check will answer
    this.showProblems(result.ok ? [] : result.problems);
    this.result = result;
    this.setState(result.ok ? "ok" : "bad", { n: result.ok ? result.outline.length : result.problems.length, key: result.key || "" });
    this.opts.onChecked(result);
  }

  /** List ``problems`` ([{line, field, message}]) and mark their lines. */
  showProblems(problems) {
    const { t } = this.opts;
    this.bad = new Set(problems.map((p) => p.line).filter((line) => Number.isInteger(line)));
    this.lines = 0;
    this.renderGutter();
    this.list.replaceChildren(
      ...problems.map((problem) =>
        el(
          "li",
          {},
          el(
            "button",
            { type: "button", class: "problem", dataset: { line: String(problem.line ?? "") }, onclick: () => problem.line && this.selectLine(problem.line) },
            el("span", { class: "problem__line" }, problem.line ? t("flows.line", { n: problem.line }) : t("flows.line_unknown")),
            problem.field ? el("code", { class: "problem__field" }, problem.field) : null,
            el("span", { class: "problem__message" }, problem.message),
          ),
        ),
      ),
    );
  }

  setState(kind, vars = {}) {
    this.state.dataset.state = kind;
    this.state.textContent = this.opts.t(`flows.check.${kind}`, vars);
  }

  renderGutter() {
    const count = this.text.value.split("\n").length;
    if (count === this.lines) return;
    this.lines = count;
    const numbers = [];
    for (let n = 1; n <= count; n += 1) numbers.push(el("span", { class: this.bad.has(n) ? "is-bad" : null }, String(n)));
    this.gutter.replaceChildren(...numbers);
    this.gutter.scrollTop = this.text.scrollTop;
  }

  /** Select line ``n`` (1-based) and bring it into view. */
  selectLine(n) {
    const lines = this.text.value.split("\n");
    const index = Math.min(Math.max(n, 1), lines.length) - 1;
    let start = 0;
    for (let i = 0; i < index; i += 1) start += lines[i].length + 1;
    this.text.focus();
    this.text.setSelectionRange(start, start + lines[index].length);
    const lineHeight = parseFloat(getComputedStyle(this.text).lineHeight) || 20;
    this.text.scrollTop = Math.max(0, index * lineHeight - this.text.clientHeight / 3);
    this.gutter.scrollTop = this.text.scrollTop;
  }
}
