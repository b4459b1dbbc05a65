// Keeps a reader who is at the end of the widget's thread at the end when the layout changes under them
// rather than when a message arrives (widget.js scrolls for those): the queue line, the leave-a-message
// form or the code hint appearing below the thread make it shorter, and an image that finishes loading
// makes a message taller. Without this the newest reply slid out of view on phones.

const AT_END_PX = 4;

export function keepEndInView(scroller, content) {
  let atEnd = true;
  const measure = () => {
    atEnd = scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight <= AT_END_PX;
  };
  scroller.addEventListener("scroll", measure, { passive: true });
  const observer = new ResizeObserver(() => {
    if (atEnd) scroller.scrollTop = scroller.scrollHeight;
  });
  observer.observe(scroller);
  if (content) observer.observe(content);
  return { get atEnd() { return atEnd; } };
}
