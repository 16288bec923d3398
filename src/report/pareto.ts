/**
 * Cost against latency of a plan's deployments: one point per deployment, numbered as in the
 * report's table, the chosen one drawn as a large diamond, the Pareto front (nothing both cheaper
 * and faster) as filled circles joined by a step line, the others hollow, deployments that miss a
 * target with a cross; the latency target as a dashed line with the side that meets it shaded.
 * Pure: points in, SVG markup out.
 */
import { el, fmt, label, type Markup, num, scale, svg, text, textWidth, tickLabel } from "./svg.js";

export interface CostPoint {
  /** The number the report's table gives this deployment (1 = the recommendation). */
  n: number;
  name: string;
  /** Cost per hour (or per 1M tokens), US dollars; null: no price, not plotted. */
  cost: number | null;
  /** The latency on this chart's axis, ms. */
  latency: number;
  chosen: boolean;
  meetsTargets: boolean;
}

/**
 * The Pareto front of `pts` (lower cost and lower latency are better): the points no other point
 * beats on both, i.e. for which no other has cost ≤ and latency ≤ with one of them <. Returns
 * their `n`, in order of latency.
 */
export function paretoFront(pts: readonly { n: number; cost: number; latency: number }[]): number[] {
  const front = pts.filter(
    (p) =>
      !pts.some(
        (q) =>
          q !== p && q.cost <= p.cost && q.latency <= p.latency && (q.cost < p.cost || q.latency < p.latency),
      ),
  );
  return front.sort((a, b) => a.latency - b.latency || a.cost - b.cost).map((p) => p.n);
}

export interface CostChart {
  id: string;
  /** "TPOT" or "TTFT": the latency this chart puts on x. */
  metric: string;
  costLabel: string;
  points: CostPoint[];
  /** The latency target, ms, or null. */
  target: number | null;
}

const W = 560;
const H = 360;
const M = { left: 62, right: 20, top: 24, bottom: 92 };

/** The chart of one latency; a short note instead when no point has a price. */
export function costLatencySvg(c: CostChart): Markup {
  const priced = c.points.filter((p): p is CostPoint & { cost: number } => p.cost !== null);
  if (!priced.length) {
    return svg(
      c.id,
      W,
      60,
      `Cost vs ${c.metric}: no deployment has a price`,
      label(10, 34, `No deployment here has a price, so cost cannot be plotted against ${c.metric}.`),
    );
  }
  const front = new Set(paretoFront(priced));
  const lats = priced.map((p) => p.latency).concat(c.target !== null ? [c.target] : []);
  const costs = priced.map((p) => p.cost);
  const latLog = Math.max(...lats) / Math.min(...lats) > 12;
  const costLog = Math.max(...costs) / Math.min(...costs) > 12;
  const sx = scale(latLog ? Math.min(...lats) : 0, Math.max(...lats) * 1.08, M.left, W - M.right, {
    log: latLog,
  });
  const sy = scale(costLog ? Math.min(...costs) : 0, Math.max(...costs) * 1.1, H - M.bottom, M.top, {
    log: costLog,
  });
  const parts: Markup[] = [];
  const plotTop = M.top;
  const plotBottom = H - M.bottom;
  // The side of the target that meets it.
  if (c.target !== null) {
    const xt = sx(c.target);
    parts.push(
      el("rect", {
        x: M.left,
        y: plotTop,
        width: Math.max(0, xt - M.left),
        height: plotBottom - plotTop,
        fill: "#009E73",
        "fill-opacity": 0.08,
        class: "meets-region",
      }),
    );
  }
  // Grid and axes.
  for (const t of sy.ticks) {
    const y = sy(t);
    parts.push(
      el("line", { x1: M.left, y1: y, x2: W - M.right, y2: y, stroke: "#ddd" }),
      label(M.left - 6, y + 4, `$${tickLabel(t)}`, { anchor: "end", size: 11 }),
    );
  }
  for (const t of sx.ticks) {
    const x = sx(t);
    parts.push(
      el("line", { x1: x, y1: plotBottom, x2: x, y2: plotBottom + 5, stroke: "#333" }),
      label(x, plotBottom + 18, tickLabel(t), { anchor: "middle", size: 11 }),
    );
  }
  parts.push(
    el("line", { x1: M.left, y1: plotBottom, x2: W - M.right, y2: plotBottom, stroke: "#333" }),
    el("line", { x1: M.left, y1: plotTop, x2: M.left, y2: plotBottom, stroke: "#333" }),
    label((M.left + W - M.right) / 2, plotBottom + 36, `${c.metric}, ms${sx.log ? " (log scale)" : ""}`, {
      anchor: "middle",
    }),
    el(
      "text",
      {
        x: 14,
        y: (plotTop + plotBottom) / 2,
        transform: `rotate(-90 14 ${num((plotTop + plotBottom) / 2)})`,
        "text-anchor": "middle",
        fill: "#111",
      },
      text(`${c.costLabel}${sy.log ? " (log scale)" : ""}`),
    ),
  );
  if (c.target !== null) {
    const xt = sx(c.target);
    parts.push(
      el("line", {
        x1: xt,
        y1: plotTop,
        x2: xt,
        y2: plotBottom,
        stroke: "#000",
        "stroke-width": 1.5,
        "stroke-dasharray": "6 4",
        class: "target",
        "data-target": String(c.target),
      }),
      label(xt - 4, plotTop + 12, `target ${c.metric} ≤ ${fmt(c.target)} ms`, { anchor: "end", size: 11 }),
    );
  }
  // The Pareto front as a step line, cheapest-at-each-latency.
  const fp = [...front].map((n) => priced.find((p) => p.n === n)!);
  if (fp.length > 1) {
    let d = `M${num(sx(fp[0]!.latency))} ${num(sy(fp[0]!.cost))}`;
    for (const p of fp.slice(1)) d += `H${num(sx(p.latency))}V${num(sy(p.cost))}`;
    parts.push(
      el("path", {
        d,
        fill: "none",
        stroke: "#333",
        "stroke-width": 1.5,
        "stroke-dasharray": "2 3",
        class: "pareto-line",
      }),
    );
  }
  // Points: the chosen last so it is on top.
  const order = [...priced].sort((a, b) => Number(a.chosen) - Number(b.chosen));
  for (const p of order) {
    const x = sx(p.latency);
    const y = sy(p.cost);
    const onFront = front.has(p.n);
    const shape = p.chosen
      ? el("polygon", {
          points: `${num(x)},${num(y - 11)} ${num(x + 11)},${num(y)} ${num(x)},${num(y + 11)} ${num(x - 11)},${num(y)}`,
          fill: "#D55E00",
          stroke: "#000",
          "stroke-width": 1.5,
        })
      : el("circle", {
          cx: x,
          cy: y,
          r: 6,
          fill: onFront ? "#0072B2" : "#fff",
          stroke: "#0072B2",
          "stroke-width": 2,
        });
    const miss = p.meetsTargets
      ? ""
      : el("path", {
          d: `M${num(x - 5)} ${num(y - 5)}l10 10m0 -10l-10 10`,
          stroke: "#000",
          "stroke-width": 1.5,
        });
    const name = p.chosen ? `${p.n} recommended` : String(p.n);
    const right = x + 14 + textWidth(name, 11) < W - M.right;
    parts.push(
      el(
        "g",
        {
          class: `point${p.chosen ? " chosen" : ""}${onFront ? " pareto" : ""}`,
          "data-n": String(p.n),
          "data-cost": String(p.cost),
          "data-latency": String(p.latency),
        },
        el("title", {}, text(`${p.n}: ${p.name}, ${c.metric} ${fmt(p.latency, 1)} ms, $${fmt(p.cost, 2)}`)),
        shape,
        miss,
        label(right ? x + 13 : x - 13, y - 7, name, {
          anchor: right ? "start" : "end",
          size: 11,
          weight: p.chosen ? "bold" : undefined,
        }),
      ),
    );
  }
  // Legend.
  const ly = H - 34;
  const item = (x: number, mark: Markup, s: string) => [mark, label(x + 14, ly + 4, s, { size: 11 })];
  parts.push(
    ...item(
      M.left,
      el("polygon", {
        points: `${M.left},${ly - 7} ${M.left + 7},${ly} ${M.left},${ly + 7} ${M.left - 7},${ly}`,
        fill: "#D55E00",
        stroke: "#000",
      }),
      "recommended",
    ),
    ...item(
      M.left + 120,
      el("circle", { cx: M.left + 120, cy: ly, r: 5, fill: "#0072B2", stroke: "#0072B2", "stroke-width": 2 }),
      "Pareto front",
    ),
    ...item(
      M.left + 240,
      el("circle", { cx: M.left + 240, cy: ly, r: 5, fill: "#fff", stroke: "#0072B2", "stroke-width": 2 }),
      "dominated",
    ),
    ...item(
      M.left + 350,
      el("path", {
        d: `M${M.left + 345} ${ly - 5}l10 10m0 -10l-10 10`,
        stroke: "#000",
        "stroke-width": 1.5,
      }),
      "misses a target",
    ),
  );
  const unpriced = c.points.filter((p) => p.cost === null);
  if (unpriced.length)
    parts.push(
      label(M.left, H - 10, `not plotted (no price): ${unpriced.map((p) => p.n).join(", ")}`, { size: 11 }),
    );
  return svg(
    c.id,
    W,
    H,
    `${c.costLabel} against ${c.metric} of ${priced.length} deployments; the Pareto front is ${[...front].join(", ")}`,
    ...parts,
  );
}
