// A small Markdown reader for the model cards the pipeline writes (headings, paragraphs, lists,
// block quotes, pipe tables; **bold**, `code`, _emphasis_). It builds DOM nodes from text only —
// never innerHTML — so a card cannot inject markup.
import { h } from "./dom.js";

/**
 * Markdown text → a <div> of DOM nodes. Headings are shifted down by `level` − 1 (a card's "#"
 * becomes an <h4> with level 4), so they nest under the page's own headings.
 * @example markdown("# Model card\n\n- **Seed**: 42", { level: 4 })
 */
export function markdown(text, { level = 4 } = {}) {
  const lines = String(text ?? "").replace(/\r\n?/g, "\n").split("\n");
  const out = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i];
    if (!line.trim()) {
      i++;
      continue;
    }
    const heading = /^(#{1,6})\s+(.*)$/.exec(line);
    if (heading) {
      const n = Math.min(6, heading[1].length + level - 1);
      out.push(h(`h${n}`, {}, inline(heading[2])));
      i++;
      continue;
    }
    if (/^\s*[-*]\s+/.test(line)) {
      const items = [];
      while (i < lines.length && /^\s*[-*]\s+/.test(lines[i])) {
        items.push(h("li", {}, inline(lines[i].replace(/^\s*[-*]\s+/, ""))));
        i++;
      }
      out.push(h("ul", {}, items));
      continue;
    }
    if (/^>\s?/.test(line)) {
      const quoted = [];
      while (i < lines.length && /^>\s?/.test(lines[i])) {
        quoted.push(lines[i++].replace(/^>\s?/, ""));
      }
      out.push(h("blockquote", {}, h("p", {}, inline(quoted.join(" ")))));
      continue;
    }
    if (/^\s*\|.*\|\s*$/.test(line)) {
      const rows = [];
      while (i < lines.length && /^\s*\|.*\|\s*$/.test(lines[i])) rows.push(lines[i++]);
      out.push(table(rows));
      continue;
    }
    const para = [];
    while (
      i < lines.length && lines[i].trim() && !/^(#{1,6}\s|\s*[-*]\s|>|\s*\|)/.test(lines[i])
    ) {
      para.push(lines[i++]);
    }
    out.push(h("p", {}, inline(para.join(" "))));
  }
  return h("div", { class: "pv-markdown" }, out);
}

function table(rows) {
  const cells = (row) => row.trim().replace(/^\||\|$/g, "").split("|").map((c) => c.trim());
  const isRule = (row) => cells(row).every((c) => /^:?-{3,}:?$/.test(c));
  const head = cells(rows[0]);
  const body = rows.slice(1).filter((r) => !isRule(r)).map(cells);
  return h(
    "table",
    { class: "pv-table" },
    h("thead", {}, h("tr", {}, head.map((c) => h("th", { scope: "col" }, inline(c))))),
    h("tbody", {}, body.map((r) => h("tr", {}, r.map((c) => h("td", {}, inline(c)))))),
  );
}

/**
 * Inline Markdown → nodes: **bold**, `code`, _emphasis_; everything else stays text.
 * @example inline("**Seed**: `42`") // [<strong>Seed</strong>, ": ", <code>42</code>]
 */
export function inline(text) {
  const nodes = [];
  const re = /\*\*([^*]+)\*\*|`([^`]+)`|(?<![\w])_([^_]+)_(?![\w])/g;
  let last = 0;
  for (const m of text.matchAll(re)) {
    if (m.index > last) nodes.push(text.slice(last, m.index));
    if (m[1] != null) nodes.push(h("strong", {}, inline(m[1])));
    else if (m[2] != null) nodes.push(h("code", {}, m[2]));
    else nodes.push(h("em", {}, m[3]));
    last = m.index + m[0].length;
  }
  if (last < text.length) nodes.push(text.slice(last));
  return nodes;
}
