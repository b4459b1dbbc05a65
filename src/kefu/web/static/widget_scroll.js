// Keeps a reader who is at the end of the widget's thread at the end when the layout changes under them
// rather than when a message arrives (widget.js scrolls for those): the queue line, the leave-a-message
// form or the code hint appearing below the thread make it shorter, and an image that finishes loading
// makes a message taller. Without this the newest reply slid out of view on phones.
//
// Only the reader lets go of the end: a scroll away from it counts when it follows their own input
// (wheel, touch, a press on the scrollbar, scrolling keys). Scrolls the page makes itself — or layout changes
// landing between a message and the scroll it schedules — never unpin it.

const AT_END_PX = 4;
const USER_INPUT_MS = 1000;
const SCROLL_KEYS = new Set(["ArrowUp", "ArrowDown", "PageUp", "PageDown", "Home", "End", " "]);

export function keepEndInView(scroller, content) {
  let atEnd = true;
  let lastInput = -Infinity;
  const touched = () => {
    lastInput = performance.now();
  };
  for (const type of ["wheel", "touchmove"]) scroller.addEventListener(type, touched, { passive: true });
  // A press on the scrollbar is on the scroller itself; a tap on a button inside it (是我) is not a scroll.
  scroller.addEventListener("pointerdown", (event) => event.target === scroller && touched(), { passive: true });
  scroller.addEventListener("keydown", (event) => SCROLL_KEYS.has(event.key) && touched(), { passive: true });
  scroller.addEventListener(
    "scroll",
    () => {
      const distance = scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight;
      if (distance <= AT_END_PX) atEnd = true;
      else if (performance.now() - lastInput < USER_INPUT_MS) atEnd = false;
    },
    { passive: true },
  );
  const observer = new ResizeObserver(() => {
    if (atEnd) scroller.scrollTop = scroller.scrollHeight;
  });
  observer.observe(scroller);
  if (content) observer.observe(content);
  return {
    get atEnd() {
      return atEnd;
    },
  };
}
