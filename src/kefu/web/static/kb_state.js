// The knowledge-base page's shared state and small helpers, used by its list, editor, dictionary and
// missed-questions modules.

import { $ } from "./staff_page.js";

export const PAGE = 50;

export const state = {
  me: null,
  editor: false,
  tab: "entries",
  q: "",
  category: "",
  offset: 0,
  total: 0,
  entries: [],
  groups: [],
  categories: new Set(),
  editing: null, // the entry in the drawer (null: a new one)
  fromMissed: null, // the missed question the drawer was opened from
  missed: [],
};

export const auth = () => state.me.auth();

/** The notice under the page head (import results, load errors); stays until dismissed. */
export function notice(text, kind) {
  $("kb-notice-text").textContent = text;
  $("kb-notice").dataset.kind = kind;
  $("kb-notice").hidden = false;
}


/** One item per non-empty line. */
export function lines(text) {
  return text
    .split("\n")
    .map((line) => line.trim())
    .filter(Boolean);
}


/** One item per comma (Chinese or Latin), 、 or semicolon. */
export function commaList(text) {
  return text
    .split(/[,，、;；]/)
    .map((word) => word.trim())
    .filter(Boolean);
}

