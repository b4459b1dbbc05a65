// The organisation's colour on the widget (and on the console's preview of it): one #RRGGBB the server
// has checked, from which the darker and the soft shades are mixed. Set through the CSSOM, which the
// pages' Content-Security-Policy allows (inline style attributes it does not).

const COLOUR = /^#[0-9a-fA-F]{6}$/;

export function applyBrandColour(node, colour) {
  const props = ["--brand", "--brand-strong", "--brand-soft"];
  if (!colour || !COLOUR.test(colour)) {
    for (const prop of props) node.style.removeProperty(prop);
    node.classList.remove("is-branded");
    return;
  }
  node.style.setProperty("--brand", colour);
  node.style.setProperty("--brand-strong", `color-mix(in srgb, ${colour} 80%, #000)`);
  node.style.setProperty("--brand-soft", `color-mix(in srgb, ${colour} 14%, #fff)`);
  node.classList.add("is-branded");
}
