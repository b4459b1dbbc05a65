// The 步骤 view of the flows page: a flow's outline as a vertical list of step cards — what kind of
// step it is, what it says, and where it goes (each target a link to its card).

import { el } from "./api.js";
import { known } from "./flow_summary.js";

const ICONS = { say: "💬", collect: "?", call: "⇄", choose: "☰", branch: "⑂", handover: "☎", end: "■" };
const SPECIAL = new Set(["next", "on_fail", "otherwise", "on ok", "on not_found", "on refused", "on unavailable"]);
// Steps that go on to the next one in the file when they name no ``next``.
const FALLS_THROUGH = new Set(["say", "collect", "call"]);

function goesLabel(t, kind, label) {
  if (SPECIAL.has(label)) return el("span", { class: "goes__word" }, t(`flows.goes.${label.replace(" ", "_")}`));
  if (kind === "branch") return el("code", { class: "goes__when" }, label);
  return el("span", { class: "goes__button" }, label);
}

function detailText(t, step) {
  if (!step.detail) return "";
  if (step.kind === "end") return known(t, "flows.end", step.detail);
  if (step.kind === "handover") return t("flows.to_group", { group: step.detail });
  return step.detail;
}

/** Fill ``host`` (an <ol>) with the cards of ``outline``. */
export function renderSteps(t, host, outline) {
  const ids = outline.map((s) => s.id);
  const jump = (id) => (event) => {
    event.preventDefault();
    const card = host.querySelector(`[data-step="${CSS.escape(id)}"]`);
    if (!card) return;
    card.scrollIntoView({ block: "center", behavior: "smooth" });
    card.classList.remove("is-flash");
    void card.offsetWidth; // restart the highlight
    card.classList.add("is-flash");
  };
  host.replaceChildren(
    ...outline.map((step, index) => {
      const goes = Object.entries(step.goes || {});
      if (!goes.some(([label]) => label === "next") && FALLS_THROUGH.has(step.kind) && ids[index + 1]) {
        goes.unshift(["next", ids[index + 1]]);
      }
      const detail = detailText(t, step);
      return el(
        "li",
        { class: "step", dataset: { step: step.id, kind: step.kind } },
        el("span", { class: "step__icon", "aria-hidden": "true" }, ICONS[step.kind] || "•"),
        el(
          "div",
          { class: "step__body" },
          el(
            "div",
            { class: "step__top" },
            el("span", { class: "step__kind" }, known(t, "flows.kind", step.kind)),
            el("code", { class: "step__id" }, step.id),
            detail ? el("span", { class: "step__detail" }, detail) : null,
          ),
          step.say ? el("p", { class: "step__say" }, step.say) : null,
          goes.length
            ? el(
                "ul",
                { class: "goes" },
                ...goes.map(([label, target]) =>
                  el("li", {}, goesLabel(t, step.kind, label), el("span", { class: "goes__arrow", "aria-hidden": "true" }, "→"), el("a", { href: `#step-${target}`, class: "goes__target", onclick: jump(target) }, target)),
                ),
              )
            : null,
        ),
      );
    }),
  );
}
