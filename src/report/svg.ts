/**
 * Small pure helpers for the report's inline SVG and HTML: escaping, an element builder, number
 * formats, linear and logarithmic scales with round ticks, and the fill patterns that keep a chart
 * readable in black and white. No I/O, no DOM: strings in, strings out.
 */
import { cleanText } from "../sanitize.js";

export const GIB = 1024 ** 3;

/**
 * Text or an attribute value made safe for HTML and SVG: controls and bidirectional overrides
 * removed (cleanText), then & < > " ' / escaped as character references. `/` is escaped too, so
 * text taken from a plan (a model id such as "https://x") never puts "//" or "://" into the file:
 * the report's tests can then scan the raw file for any URL and find none.
 */
export function esc(s: string): string {
  return cleanText(s).replace(/[&<>"'/]/g, (ch) => `&#${ch.charCodeAt(0)};`);
}

type AttrValue = string | number | null | undefined | false;
/** A fragment that is already markup (built by `el` or a constant of ours), never user text. */
export type Markup = string;

/** Numbers in attributes: at most two decimals, no "-0". */
export function num(v: number): string {
  const r = Math.round(v * 100) / 100;
  return String(Object.is(r, -0) ? 0 : r);
}

/**
 * An element: `el("rect", { x: 1, fill: "red" })` -> `<rect x="1" fill="red"/>`. Attribute names
 * are ours (constants in this code); values are escaped, numbers rounded; null, undefined and false
 * leave the attribute out. Children are markup already (use `text()` for user text).
 */
export function el(name: string, attrs: Record<string, AttrValue> = {}, ...children: Markup[]): Markup {
  let a = "";
  for (const [k, v] of Object.entries(attrs)) {
    if (v === null || v === undefined || v === false) continue;
    a += ` ${k}="${typeof v === "number" ? num(v) : esc(v)}"`;
  }
  const inner = children.join("");
  return inner || !SVG_EMPTY.has(name) ? `<${name}${a}>${inner}</${name}>` : `<${name}${a}/>`;
}

/** SVG elements written self-closing when they have no children. */
const SVG_EMPTY = new Set(["rect", "line", "circle", "path", "polyline", "polygon", "use", "stop"]);

/** User or plan text as element content. */
export const text = (s: string): Markup => esc(s);

/** A number with `digits` decimals and thin grouping of thousands ("1,075,872"). */
export function fmt(v: number, digits = 0): string {
  const [i, d] = Math.abs(v).toFixed(digits).split(".");
  return (v < 0 ? "−" : "") + i!.replace(/\B(?=(\d{3})+(?!\d))/g, ",") + (d ? `.${d}` : "");
}

/** Bytes as GiB with two decimals ("14.19"); the unit is written by the caller. */
export const gibs = (bytes: number): string => (bytes / GIB).toFixed(2);

/** Milliseconds as people read them: "206 ms", "19.8 ms". */
export const ms = (v: number): string => (v >= 100 ? `${fmt(v)} ms` : `${v.toFixed(1)} ms`);

/** US dollars: "$1.60". */
export const usd = (v: number): string => `$${fmt(v, 2)}`;

/** A relative band as "±45 %". */
export const pct = (band: number): string => `±${Math.round(band * 100)} %`;

export interface Scale {
  (v: number): number;
  ticks: number[];
  log: boolean;
}

/** 1, 2 or 5 times a power of ten, the smallest at least `step`. */
function niceStep(step: number): number {
  const p = 10 ** Math.floor(Math.log10(step));
  const m = step / p;
  return (m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10) * p;
}

/**
 * A scale from [lo, hi] onto [r0, r1] with about `count` round ticks. Linear from 0 (or lo) unless
 * `log` is set, then logarithmic over the decades (1, 2, 5 per decade) that cover [lo, hi], lo > 0.
 * The domain is widened to the outer ticks so every tick is inside.
 */
export function scale(
  lo: number,
  hi: number,
  r0: number,
  r1: number,
  opts: { log?: boolean; count?: number } = {},
): Scale {
  const count = opts.count ?? 5;
  if (opts.log && lo > 0) {
    let a = 10 ** Math.floor(Math.log10(lo));
    let b = 10 ** Math.ceil(Math.log10(hi));
    if (a === b) b = a * 10;
    const ticks: number[] = [];
    for (let d = a; d <= b * 1.0001; d *= 10)
      for (const m of [1, 2, 5]) if (d * m >= a * 0.9999 && d * m <= b * 1.0001) ticks.push(d * m);
    // Trim to the ticks around the data so the chart is not mostly empty decades.
    const first = [...ticks].reverse().find((t) => t <= lo) ?? a;
    const last = ticks.find((t) => t >= hi) ?? b;
    a = first;
    b = last;
    const kept = ticks.filter((t) => t >= a && t <= b);
    const la = Math.log10(a);
    const lb = Math.log10(b);
    const f = ((v: number) => r0 + ((Math.log10(Math.max(v, a)) - la) / (lb - la)) * (r1 - r0)) as Scale;
    f.ticks = kept;
    f.log = true;
    return f;
  }
  const span = hi - lo || Math.abs(hi) || 1;
  const step = niceStep(span / count);
  const a = Math.floor(lo / step) * step;
  const b = Math.ceil(hi / step) * step || step;
  const ticks: number[] = [];
  for (let t = a; t <= b + step / 1e6; t += step) ticks.push(Number(t.toPrecision(12)));
  const f = ((v: number) => r0 + ((v - a) / (b - a)) * (r1 - r0)) as Scale;
  f.ticks = ticks;
  f.log = false;
  return f;
}

/** A tick value as a short label ("0", "2.5", "1,000", "10k"). */
export function tickLabel(v: number): string {
  if (v >= 1e6 && v % 1e5 === 0) return `${fmt(v / 1e6, v % 1e6 ? 1 : 0)}M`;
  if (v >= 1e4 && v % 1e3 === 0) return `${fmt(v / 1e3)}k`;
  if (Number.isInteger(v)) return fmt(v);
  return String(Number(v.toPrecision(3)));
}

/** About how wide `s` is in the report's sans-serif at `size` px (for placing labels, not exact). */
export const textWidth = (s: string, size = 12): number => [...s].length * size * 0.58;

/**
 * The fills of the report's categories: a colour from the Okabe–Ito palette (distinct for the
 * common colour-vision deficiencies; Okabe & Ito, "Color Universal Design", 2002,
 * https://jfly.uni-koeln.de/color/ : "a set of colors that is unambiguous both to colorblinds and
 * non-colorblinds") and a pattern, so that the categories also differ in a black-and-white print.
 */
export const FILLS = {
  weights: { color: "#0072B2", pattern: "solid" },
  activations: { color: "#E69F00", pattern: "diagonal" },
  nonTorch: { color: "#7F7F7F", pattern: "cross" },
  cudaGraphs: { color: "#CC79A7", pattern: "dots" },
  kvCache: { color: "#009E73", pattern: "horizontal" },
  free: { color: "#FFFFFF", pattern: "sparse-dots" },
  reserved: { color: "#E8E8E8", pattern: "back-diagonal" },
  band: { color: "#56B4E9", pattern: "diagonal" },
  overflow: { color: "#D55E00", pattern: "cross" },
} as const;
export type FillKey = keyof typeof FILLS;

/** The <pattern> of a fill, its id `${prefix}-${key}`. */
function patternDef(prefix: string, key: FillKey): Markup {
  const { color, pattern } = FILLS[key];
  const id = `${prefix}-${key}`;
  const ink = { stroke: key === "free" || key === "reserved" ? "#555" : "#000", "stroke-opacity": 0.4 };
  const bg = el("rect", { width: 8, height: 8, fill: color });
  const body: Record<string, Markup> = {
    solid: "",
    diagonal: el("line", { x1: 0, y1: 0, x2: 0, y2: 8, "stroke-width": 3, ...ink }),
    "back-diagonal": el("line", { x1: 0, y1: 0, x2: 0, y2: 8, "stroke-width": 1.5, ...ink }),
    cross: el("path", { d: "M0 4H8M4 0V8", "stroke-width": 1.5, fill: "none", ...ink }),
    dots: el("circle", { cx: 4, cy: 4, r: 1.6, fill: "#000", "fill-opacity": 0.45 }),
    "sparse-dots": el("circle", { cx: 4, cy: 4, r: 0.9, fill: "#555" }),
    horizontal: el("line", {
      x1: 0,
      y1: 4,
      x2: 8,
      y2: 4,
      "stroke-width": 1.2,
      stroke: "#000",
      "stroke-opacity": 0.3,
    }),
  };
  const rotate = pattern === "diagonal" ? "rotate(45)" : pattern === "back-diagonal" ? "rotate(-45)" : null;
  return el(
    "pattern",
    { id, width: 8, height: 8, patternUnits: "userSpaceOnUse", patternTransform: rotate },
    bg,
    body[pattern] ?? "",
  );
}

/** <defs> with the patterns of `keys`, ids prefixed so several charts can share one page. */
export const patternDefs = (prefix: string, keys: readonly FillKey[]): Markup =>
  el("defs", {}, ...keys.map((k) => patternDef(prefix, k)));

/** The fill attribute value of a category in a chart whose patterns use `prefix`. */
export const fillOf = (prefix: string, key: FillKey): string => `url(#${prefix}-${key})`;

/** An <svg> with a viewBox, scaled to the page's width, labelled for screen readers. */
export function svg(id: string, width: number, height: number, label: string, ...children: Markup[]): Markup {
  return el(
    "svg",
    {
      id,
      class: "chart",
      viewBox: `0 0 ${width} ${height}`,
      width,
      height,
      role: "img",
      "aria-label": label,
      "font-family": "system-ui, -apple-system, 'Segoe UI', Roboto, 'DejaVu Sans', sans-serif",
      "font-size": 12,
    },
    el("title", {}, text(label)),
    ...children,
  );
}

/** A text label with a white halo, readable over any fill or line. */
export function label(
  x: number,
  y: number,
  s: string,
  opts: { anchor?: "start" | "middle" | "end"; size?: number; weight?: "bold"; cls?: string } = {},
): Markup {
  return el(
    "text",
    {
      x,
      y,
      "text-anchor": opts.anchor ?? "start",
      "font-size": opts.size,
      "font-weight": opts.weight,
      class: opts.cls,
      "paint-order": "stroke",
      stroke: "#fff",
      "stroke-width": 3,
      "stroke-linejoin": "round",
      fill: "#111",
    },
    text(s),
  );
}
