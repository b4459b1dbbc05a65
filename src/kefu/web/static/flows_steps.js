// The 步骤 view of the flows page: a flow's outline as a vertical list of step cards — what kind of
// step it is, what it says, and where it goes (each target a link to its card).

import { el } from "./api.js";
import { known } from "./flow_summary.js";

// 24×24 outline paths, drawn with currentColor.
const ICONS = {
  say: "M5 5h14a1 1 0 0 1 1 1v9a1 1 0 0 1-1 1H10l-4 3v-3H5a1 1 0 0 1-1-1V6a1 1 0 0 1 1-1Z",
  collect: "M9.2 9a3 3 0 1 1 4.3 2.7c-.9.4-1.5 1.2-1.5 2.2V15M12 18.5v.01",
  call: "M4 8h13l-3-3M20 16H7l3 3",
  choose: "M9 7h11M9 12h11M9 17h11M4.5 7h.01M4.5 12h.01M4.5 17h.01",
  branch: "M6 4v8a4 4 0 0 0 4 4h8M6 12v8M18 16l-3-3M18 16l-3 3",
  handover: "M12 12a4 4 0 1 0 0-8 4 4 0 0 0 0 8ZM4 20c0-3.3 3.6-5 8-5s8 1.7 8 5",
  end: "M5 12l4.5 4.5L19 7",
};
const SVG = "http://www.w3.org/2000/svg";

function icon(kind) {
  const svg = document.createElementNS(SVG, "svg");
  svg.setAttribute("viewBox", "0 0 24 24");
  svg.setAttribute("width", "16");
  svg.setAttribute("height", "16");
  const path = document.createElementNS(SVG, "path");
  path.setAttribute("d", ICONS[kind] || ICONS.say);
  path.setAttribute("fill", "none");
  path.setAttribute("stroke", "currentColor");
  path.setAttribute("stroke-width", "2");
  path.setAttribute("stroke-linecap", "round");
  path.setAttribute("stroke-linejoin", "round");
  svg.append(path);
  return svg;
}
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
      const detail = step.detail === step.id ? "" : detailText(t, step);
      return el(
        "li",
        { class: "step", dataset: { step: step.id, kind: step.kind } },
        el("span", { class: "step__icon", "aria-hidden": "true" }, icon(step.kind)),
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
