// kefu embed: one <script src="https://your-kefu/static/embed.js" data-kefu-server="" defer></script>
// adds a floating "在线客服" button that opens the chat (/widget) in a panel; full-screen on phones.
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || window.__kefuEmbed) return;
  window.__kefuEmbed = true;
  var configured = (script.getAttribute("data-kefu-server") || "").trim();
  var base = (configured || new URL(script.src, window.location.href).origin).replace(/\/+$/, "");
  var lang = script.getAttribute("data-kefu-lang") || document.documentElement.lang || "zh-CN";
  var group = script.getAttribute("data-kefu-group") || ""; // a skill group id: its own welcome is shown

  function make(tag, className, attrs) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    Object.keys(attrs || {}).forEach(function (key) {
      node.setAttribute(key, attrs[key]);
    });
    return node;
  }

  function build(t) {
    var css = make("link", "", { rel: "stylesheet", href: base + "/static/embed.css" });
    document.head.appendChild(css);

    var launcher = make("button", "kefu-launcher", { type: "button", "aria-expanded": "false" });
    var icon = document.createElementNS("http://www.w3.org/2000/svg", "svg");
    icon.setAttribute("viewBox", "0 0 24 24");
    icon.setAttribute("aria-hidden", "true");
    icon.setAttribute("class", "kefu-launcher__icon");
    var path = document.createElementNS("http://www.w3.org/2000/svg", "path");
    path.setAttribute("fill", "currentColor");
    path.setAttribute(
      "d",
      "M12 3C6.5 3 2 6.6 2 11c0 2.4 1.3 4.6 3.4 6.1L4.6 21l4.2-2.3c1 .2 2.1.3 3.2.3 5.5 0 10-3.6 10-8s-4.5-8-10-8Zm-4 9.2a1.2 1.2 0 1 1 0-2.4 1.2 1.2 0 0 1 0 2.4Zm4 0a1.2 1.2 0 1 1 0-2.4 1.2 1.2 0 0 1 0 2.4Zm4 0a1.2 1.2 0 1 1 0-2.4 1.2 1.2 0 0 1 0 2.4Z"
    );
    icon.appendChild(path);
    var label = make("span", "kefu-launcher__label");
    label.textContent = t("embed.open");
    var badge = make("span", "kefu-launcher__badge");
    badge.hidden = true;
    launcher.appendChild(icon);
    launcher.appendChild(label);
    launcher.appendChild(badge);

    var panel = make("div", "kefu-panel", { role: "dialog", "aria-label": t("embed.open") });
    panel.hidden = true;
    var frame = null;

    function open() {
      if (!frame) {
        frame = make("iframe", "kefu-panel__frame", {
          title: t("embed.open"),
          src: base + "/widget?embed=1&lang=" + encodeURIComponent(lang) + (group ? "&group=" + encodeURIComponent(group) : ""),
          allow: "clipboard-write",
        });
        panel.appendChild(frame);
      }
      panel.hidden = false;
      document.documentElement.classList.add("kefu-open");
      launcher.setAttribute("aria-expanded", "true");
      launcher.classList.add("kefu-launcher--open");
      label.textContent = t("embed.hide");
      badge.hidden = true;
      if (frame.contentWindow) frame.contentWindow.postMessage({ kefu: "shown" }, base);
    }

    function close() {
      panel.hidden = true;
      document.documentElement.classList.remove("kefu-open");
      launcher.setAttribute("aria-expanded", "false");
      launcher.classList.remove("kefu-launcher--open");
      label.textContent = t("embed.open");
      if (frame && frame.contentWindow) frame.contentWindow.postMessage({ kefu: "hidden" }, base);
      launcher.focus();
    }

    launcher.addEventListener("click", function () {
      if (panel.hidden) open();
      else close();
    });
    window.addEventListener("message", function (event) {
      if (!frame || event.source !== frame.contentWindow) return;
      var data = event.data || {};
      if (data.kefu === "close") close();
      if (data.kefu === "unread") {
        var count = Number(data.count) || 0;
        badge.textContent = count > 99 ? "99+" : String(count);
        badge.hidden = count === 0 || !panel.hidden;
      }
    });
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && !panel.hidden) close();
    });
    document.body.appendChild(panel);
    document.body.appendChild(launcher);
  }

  import(base + "/static/i18n.js")
    .then(function (mod) {
      build(mod.translator(lang));
    })
    .catch(function () {
      build(function () {
        return "在线客服";
      });
    });
})();
