/**
 * The report page: one self-contained HTML document (inline CSS and SVG, no script, no external
 * resource of any kind; a Content-Security-Policy that forbids loading anything but data: images
 * makes a browser refuse one even if it slipped in), with print rules so it reads on paper.
 * Pure: markup in, a string out.
 */
import { el, esc, type Markup, text } from "./svg.js";

/** Marks a file as an llmdeploy report (the CLI overwrites only files that carry it). */
export const REPORT_MARKER = "llmdeploy-report";

const CSS = `
:root { color-scheme: light; --ink: #111; --muted: #555; --line: #d0d0d0; --accent: #0072B2; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif;
  color: var(--ink); background: #fff; }
main { max-width: 980px; margin: 0 auto; padding: 24px 28px 48px; }
header h1 { font-size: 24px; margin: 0 0 4px; }
h2 { font-size: 18px; margin: 28px 0 8px; padding-bottom: 4px; border-bottom: 2px solid var(--ink); }
h3 { font-size: 15px; margin: 16px 0 6px; }
p { margin: 6px 0; }
.sub, .caption, footer { color: var(--muted); }
.caption { font-size: 12.5px; max-width: 760px; }
.verdict { display: inline-block; padding: 2px 10px; border: 2px solid currentColor; border-radius: 4px;
  font-weight: 700; }
.verdict.ok { color: #00603f; }
.verdict.miss { color: #a33a00; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 3px 16px; margin: 8px 0; }
dl.facts dt { font-weight: 600; }
dl.facts dd { margin: 0; overflow-wrap: anywhere; }
table { border-collapse: collapse; margin: 8px 0; font-size: 13px; }
th, td { border: 1px solid var(--line); padding: 3px 8px; text-align: left; vertical-align: top; }
th { background: #f2f2f2; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
td.num { white-space: nowrap; }
tr.chosen td { font-weight: 700; background: #fff4e5; }
svg.chart { display: block; max-width: 100%; height: auto; margin: 8px 0; }
.figure { break-inside: avoid; page-break-inside: avoid; }
code { font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: 12.5px; overflow-wrap: anywhere; }
ul.notes li { margin: 3px 0; }
footer { margin-top: 32px; font-size: 12px; border-top: 1px solid var(--line); padding-top: 8px; }
@media print {
  @page { size: A4; margin: 14mm; }
  main { max-width: none; padding: 0; }
  body { font-size: 11pt; -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  h2 { break-after: avoid; page-break-after: avoid; }
  section { break-inside: auto; }
  table, .figure, dl.facts { break-inside: avoid; page-break-inside: avoid; }
}
`;

const CSP =
  "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'";

/** The whole document. `title` is text; `body` is markup. */
export function page(title: string, body: Markup[]): string {
  return (
    "<!DOCTYPE html>\n" +
    el(
      "html",
      { lang: "en" },
      el(
        "head",
        {},
        '<meta charset="utf-8">',
        `<meta http-equiv="Content-Security-Policy" content="${esc(CSP)}">`,
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        `<meta name="generator" content="${REPORT_MARKER}">`,
        el("title", {}, text(title)),
        el("style", {}, CSS),
      ),
      el("body", {}, el("main", {}, ...body)),
    ) +
    "\n"
  );
}

/** A section with its heading; `id` is ours. */
export const section = (id: string, heading: string, ...body: Markup[]): Markup =>
  el("section", { id }, el("h2", {}, text(heading)), ...body);

/** A chart with its caption, kept on one printed page. */
export const figure = (chart: Markup, caption: Markup): Markup =>
  el("div", { class: "figure" }, chart, el("p", { class: "caption" }, caption));

/** A definition list of [term, markup] pairs. */
export const facts = (pairs: [string, Markup][]): Markup =>
  el("dl", { class: "facts" }, ...pairs.flatMap(([k, v]) => [el("dt", {}, text(k)), el("dd", {}, v)]));

/** A table cell: text, optionally numeric (right-aligned) and with data attributes for tests. */
export interface Cell {
  v: string;
  num?: boolean;
  data?: Record<string, string>;
}

/** A table: header texts, then rows of cells (strings are text); `rowClass` per row. */
export function table(
  head: (string | Cell)[],
  rows: (string | Cell)[][],
  rowClass: (i: number) => string | null = () => null,
): Markup {
  const cell = (tag: "th" | "td", c: string | Cell) => {
    const x = typeof c === "string" ? { v: c } : c;
    const attrs: Record<string, string | undefined> = { class: x.num ? "num" : undefined };
    for (const [k, v] of Object.entries(x.data ?? {})) attrs[`data-${k}`] = v;
    return el(tag, attrs, text(x.v));
  };
  return el(
    "table",
    {},
    el("thead", {}, el("tr", {}, ...head.map((h) => cell("th", h)))),
    el("tbody", {}, ...rows.map((r, i) => el("tr", { class: rowClass(i) }, ...r.map((c) => cell("td", c))))),
  );
}

/** Text in <code>. */
export const code = (s: string): Markup => el("code", {}, text(s));

/** Paragraph of text. */
export const para = (s: string, cls?: string): Markup => el("p", { class: cls }, text(s));
