/**
 * KV cache capacity against concurrency: the tokens of KV cache n sequences need (at the context
 * limit, and at the workload's typical length) as lines through the origin, the capacity of one
 * replica as a horizontal line with the region above it hatched, the requested concurrency and the
 * engine's max-num-seqs as vertical lines. Pure: figures in, SVG markup out.
 */
import { el, fillOf, fmt, label, type Markup, num, patternDefs, scale, svg, text, tickLabel } from "./svg.js";

export interface KvInput {
  /** Tokens of KV cache one replica holds. */
  capacityTokens: number;
  /** The context every sequence may reach (max_model_len). */
  maxModelLen: number;
  /** A typical request's tokens (prompt + completion), or null. */
  typicalTokens: number | null;
  /** Sequences that must run at once on one replica, or null. */
  requested: number | null;
  /** Words for `requested` ("16 concurrent requests"). */
  requestedLabel: string;
  /** The engine's cap on running sequences (max_num_seqs), or null. */
  maxNumSeqs: number | null;
}

/** Sequences of `tokens` each that fit in `capacity` tokens of KV cache (may be fractional). */
export const sequencesThatFit = (capacity: number, tokens: number): number => capacity / tokens;

const W = 760;
const H = 380;
const M = { left: 78, right: 24, top: 20, bottom: 56 };

export function kvCapacitySvg(id: string, k: KvInput): Markup {
  const atMax = sequencesThatFit(k.capacityTokens, k.maxModelLen);
  const atTypical = k.typicalTokens ? sequencesThatFit(k.capacityTokens, k.typicalTokens) : null;
  const xHi = Math.max(k.requested ?? 0, atMax, 1) * 1.3;
  const sx = scale(0, xHi, M.left, W - M.right, { count: 6 });
  const xmax = sx.ticks[sx.ticks.length - 1]!;
  const yHi = Math.max(k.capacityTokens, (k.requested ?? 0) * k.maxModelLen) * 1.15;
  const sy = scale(0, yHi, H - M.bottom, M.top, { count: 5 });
  const ymax = sy.ticks[sy.ticks.length - 1]!;
  const top = M.top;
  const bottom = H - M.bottom;
  const parts: Markup[] = [patternDefs(id, ["overflow"])];
  // Above the capacity: does not fit.
  const yc = sy(k.capacityTokens);
  parts.push(
    el("rect", {
      x: M.left,
      y: top,
      width: W - M.right - M.left,
      height: Math.max(0, yc - top),
      fill: fillOf(id, "overflow"),
      "fill-opacity": 0.18,
    }),
    yc - top > 18 ? label(M.left + 8, top + 14, "more than the KV cache holds", { size: 11 }) : "",
  );
  for (const t of sy.ticks)
    parts.push(
      el("line", { x1: M.left, y1: sy(t), x2: W - M.right, y2: sy(t), stroke: "#e2e2e2" }),
      label(M.left - 6, sy(t) + 4, tickLabel(t), { anchor: "end", size: 11 }),
    );
  for (const t of sx.ticks)
    parts.push(
      el("line", { x1: sx(t), y1: bottom, x2: sx(t), y2: bottom + 5, stroke: "#333" }),
      label(sx(t), bottom + 18, tickLabel(t), { anchor: "middle", size: 11 }),
    );
  parts.push(
    el("line", { x1: M.left, y1: bottom, x2: W - M.right, y2: bottom, stroke: "#333" }),
    el("line", { x1: M.left, y1: top, x2: M.left, y2: bottom, stroke: "#333" }),
    label((M.left + W - M.right) / 2, bottom + 38, "sequences running at once (one replica)", {
      anchor: "middle",
    }),
    el(
      "text",
      {
        x: 16,
        y: (top + bottom) / 2,
        transform: `rotate(-90 16 ${num((top + bottom) / 2)})`,
        "text-anchor": "middle",
        fill: "#111",
      },
      text("KV cache tokens needed"),
    ),
  );
  // Need lines: tokens = n × per-sequence tokens, clipped to the plot.
  const need = (per: number, cls: string, name: string, dash: string | null) => {
    const xEnd = Math.min(xmax, ymax / per);
    const lx = sx(xEnd);
    const ly = sy(xEnd * per);
    return [
      el("line", {
        x1: sx(0),
        y1: sy(0),
        x2: lx,
        y2: ly,
        stroke: "#0072B2",
        "stroke-width": 2.5,
        "stroke-dasharray": dash,
        class: cls,
        "data-tokens-per-sequence": String(per),
      }),
      label(lx - 4, ly + (ly < top + 30 ? 16 : -6), name, { anchor: "end", size: 11 }),
    ];
  };
  parts.push(...need(k.maxModelLen, "need-max", `${fmt(k.maxModelLen)} tokens each (max model len)`, null));
  if (k.typicalTokens)
    parts.push(
      ...need(
        k.typicalTokens,
        "need-typical",
        `${fmt(k.typicalTokens)} tokens each (typical request)`,
        "7 4",
      ),
    );
  // Capacity.
  parts.push(
    el("line", {
      x1: M.left,
      y1: yc,
      x2: W - M.right,
      y2: yc,
      stroke: "#000",
      "stroke-width": 2.5,
      class: "capacity",
      "data-tokens": String(k.capacityTokens),
    }),
    label(M.left + 6, yc + 16, `KV cache capacity ${fmt(k.capacityTokens)} tokens`, { weight: "bold" }),
  );
  // Where the lines cross the capacity.
  const cross = (n: number, what: string) =>
    n <= xmax
      ? [
          el("circle", { cx: sx(n), cy: yc, r: 5, fill: "#fff", stroke: "#000", "stroke-width": 2 }),
          el("line", { x1: sx(n), y1: yc, x2: sx(n), y2: bottom, stroke: "#000", "stroke-dasharray": "2 3" }),
          label(sx(n) + 6, yc - 8, `${fmt(n, n < 10 ? 2 : 0)} ${what}`, { size: 11 }),
        ]
      : [];
  parts.push(...cross(atMax, "fit at max len"));
  if (atTypical !== null) parts.push(...cross(atTypical, "fit at typical length"));
  // The requested load and the engine's sequence cap.
  const vline = (n: number, cls: string, name: string, dash: string) => [
    el("line", {
      x1: sx(n),
      y1: top,
      x2: sx(n),
      y2: bottom,
      stroke: "#D55E00",
      "stroke-width": 2,
      "stroke-dasharray": dash,
      class: cls,
      "data-n": String(n),
    }),
    label(sx(n) + 5, bottom - 8, name, { size: 11, weight: "bold" }),
  ];
  if (k.requested !== null) parts.push(...vline(k.requested, "requested", k.requestedLabel, "8 3"));
  if (k.maxNumSeqs !== null && k.maxNumSeqs <= xmax)
    parts.push(...vline(k.maxNumSeqs, "max-num-seqs", `max_num_seqs ${fmt(k.maxNumSeqs)}`, "2 2"));
  return svg(
    id,
    W,
    H,
    `KV cache: ${fmt(k.capacityTokens)} tokens hold ${fmt(atMax, 2)} sequences of ${fmt(k.maxModelLen)} tokens` +
      (k.requested !== null ? `; ${k.requestedLabel}` : ""),
    ...parts,
  );
}
