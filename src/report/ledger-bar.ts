/**
 * The per-GPU memory ledger as a stacked bar: weights, activation peak, non-torch memory, CUDA
 * graphs and KV cache against the device's capacity, with the engine's budget marked, and the same
 * bar in small rows for a list of GPUs. Pure: figures in, SVG markup out.
 */
import {
  el,
  type FillKey,
  FILLS,
  fillOf,
  gibs,
  GIB,
  label,
  type Markup,
  patternDefs,
  scale,
  svg,
  text,
  textWidth,
  tickLabel,
} from "./svg.js";

/** One device's ledger, bytes (the plan's `memory.perGpu`, or an estimate placement's `perGpu`). */
export interface LedgerInput {
  totalBytes: number;
  /** What the engine allows itself (vLLM: gpu_memory_utilization × total); null: not known. */
  budgetBytes: number | null;
  /** How the budget is set, for its label ("gpu_memory_utilization 0.92"), or null. */
  budgetSetting: string | null;
  weightsBytes: number;
  activationBytes: number;
  nonTorchBytes: number;
  cudaGraphBytes: number;
  /** Negative when the rest does not leave room for a KV cache (does not fit). */
  kvCacheBytes: number;
}

export interface Segment {
  key: FillKey;
  name: string;
  bytes: number;
}

/**
 * The bar's segments left to right: the five allocations (a negative KV cache counts as none),
 * then what is left: `free` inside the budget and `reserved` beyond it (what the engine leaves to
 * other processes), or `overflow`, the bytes needed beyond the capacity when it does not fit.
 */
export function segments(l: LedgerInput): Segment[] {
  const used: Segment[] = [
    { key: "weights", name: "weights", bytes: l.weightsBytes },
    { key: "activations", name: "activation peak", bytes: l.activationBytes },
    { key: "nonTorch", name: "non-torch", bytes: l.nonTorchBytes },
    { key: "cudaGraphs", name: "CUDA graphs", bytes: l.cudaGraphBytes },
    { key: "kvCache", name: "KV cache", bytes: Math.max(0, l.kvCacheBytes) },
  ];
  const sum = used.reduce((s, x) => s + x.bytes, 0);
  const out = [...used];
  if (sum > l.totalBytes) {
    out.push({ key: "overflow", name: "beyond capacity", bytes: 0 });
    return out;
  }
  const budget = l.budgetBytes !== null ? Math.min(l.budgetBytes, l.totalBytes) : null;
  if (budget === null) out.push({ key: "free", name: "free", bytes: l.totalBytes - sum });
  else {
    out.push({ key: "free", name: "free in the budget", bytes: Math.max(0, budget - sum) });
    out.push({ key: "reserved", name: "outside the budget", bytes: l.totalBytes - Math.max(sum, budget) });
  }
  return out;
}

/** Bytes beyond the capacity (0 when it fits). */
export const overflowBytes = (l: LedgerInput): number =>
  Math.max(
    0,
    l.weightsBytes +
      l.activationBytes +
      l.nonTorchBytes +
      l.cudaGraphBytes +
      Math.max(0, l.kvCacheBytes) -
      l.totalBytes,
  );

const W = 760;
const X0 = 16;
const X1 = W - 16;

/** The bar of one ledger at [y, y + h], scaled so that `full` bytes span the width; its markup. */
function bar(prefix: string, segs: Segment[], full: number, y: number, h: number, inside: boolean): Markup[] {
  const x = (b: number) => X0 + (b / full) * (X1 - X0);
  const parts: Markup[] = [];
  let at = 0;
  for (const s of segs) {
    if (s.bytes <= 0) continue;
    const x0 = x(at);
    const w = x(at + s.bytes) - x0;
    at += s.bytes;
    parts.push(
      el(
        "rect",
        {
          x: x0,
          y,
          width: w,
          height: h,
          fill: fillOf(prefix, s.key),
          stroke: "#333",
          "stroke-width": 0.6,
          "data-key": s.key,
          "data-bytes": String(s.bytes),
        },
        el("title", {}, text(`${s.name}: ${gibs(s.bytes)} GiB`)),
      ),
    );
    if (!inside) continue;
    const full1 = `${s.name} ${gibs(s.bytes)}`;
    const short = gibs(s.bytes);
    const t = textWidth(full1) + 8 < w ? full1 : textWidth(short) + 6 < w ? short : null;
    if (t) parts.push(label(x0 + w / 2, y + h / 2 + 4, t, { anchor: "middle" }));
  }
  return parts;
}

/** The legend: a swatch, the name and GiB (with the share of the capacity) per segment, two columns. */
function legend(
  prefix: string,
  segs: Segment[],
  total: number,
  y: number,
): { markup: Markup[]; height: number } {
  // Every allocation, even a zero one (CUDA graphs under --enforce-eager); what is left only when some is.
  const shown = segs.filter(
    (s) => s.key !== "overflow" && (s.bytes > 0 || !["free", "reserved"].includes(s.key)),
  );
  const rows = Math.ceil(shown.length / 2);
  const markup = shown.map((s, i) => {
    const cx = X0 + (i < rows ? 0 : (X1 - X0) / 2);
    const cy = y + (i % rows) * 22;
    return el(
      "g",
      { class: "legend-item", "data-key": s.key },
      el("rect", {
        x: cx,
        y: cy,
        width: 22,
        height: 14,
        fill: fillOf(prefix, s.key),
        stroke: "#333",
        "stroke-width": 0.6,
      }),
      label(cx + 30, cy + 11, `${s.name}: ${gibs(s.bytes)} GiB (${((s.bytes / total) * 100).toFixed(1)} %)`),
    );
  });
  return { markup, height: rows * 22 };
}

const ALL_KEYS: FillKey[] = [
  "weights",
  "activations",
  "nonTorch",
  "cudaGraphs",
  "kvCache",
  "free",
  "reserved",
  "overflow",
];

/**
 * The ledger of one device as an SVG: the stacked bar with each segment named where it has room,
 * a GiB axis, the capacity at the bar's end, a dashed line at the engine's budget, the overflow in
 * red cross-hatch when it does not fit, and a legend with every figure.
 */
export function ledgerBarSvg(id: string, l: LedgerInput, device = "GPU"): Markup {
  const segs = segments(l);
  const over = overflowBytes(l);
  const full = l.totalBytes + over;
  const sx = scale(0, full / GIB, X0, X1, { count: 6 });
  // The axis runs to a round tick at or past the capacity; the bar is drawn on the same scale.
  const end = sx.ticks[sx.ticks.length - 1]! * GIB;
  const xb = (b: number) => X0 + (b / end) * (X1 - X0);
  const barY = 34;
  const barH = 44;
  const parts: Markup[] = [patternDefs(id, ALL_KEYS)];
  // Draw on the axis's scale: `bar` spans X0..X1 for `end` bytes.
  parts.push(...bar(id, segs, end, barY, barH, true));
  if (over > 0) {
    const x0 = xb(l.totalBytes);
    parts.push(
      el("rect", {
        x: x0,
        y: barY - 4,
        width: xb(full) - x0,
        height: barH + 8,
        fill: fillOf(id, "overflow"),
        "fill-opacity": 0.6,
        stroke: FILLS.overflow.color,
        "data-key": "overflow",
        "data-bytes": String(over),
      }),
      label(xb(full), barY - 10, `does not fit: ${gibs(over)} GiB beyond the capacity`, {
        anchor: "end",
        weight: "bold",
      }),
    );
  }
  // Axis.
  const axisY = barY + barH + 6;
  parts.push(el("line", { x1: X0, y1: axisY, x2: X1, y2: axisY, stroke: "#333" }));
  for (const t of sx.ticks) {
    const x = xb(t * GIB);
    parts.push(
      el("line", { x1: x, y1: axisY, x2: x, y2: axisY + 5, stroke: "#333" }),
      label(x, axisY + 18, `${tickLabel(t)}${t === sx.ticks[sx.ticks.length - 1] ? " GiB" : ""}`, {
        anchor: t === 0 ? "start" : t === sx.ticks[sx.ticks.length - 1] ? "end" : "middle",
        size: 11,
      }),
    );
  }
  // Capacity: a solid line at the end of the device's memory.
  const xc = xb(l.totalBytes);
  parts.push(
    el("line", { x1: xc, y1: barY - 8, x2: xc, y2: barY + barH + 2, stroke: "#000", "stroke-width": 2.5 }),
  );
  if (over === 0)
    parts.push(
      label(xc, barY - 12, `${device} capacity ${gibs(l.totalBytes)} GiB`, { anchor: "end", weight: "bold" }),
    );
  let y = axisY + 30;
  if (l.budgetBytes !== null && l.budgetBytes > 0 && l.budgetBytes <= l.totalBytes) {
    const xbud = xb(l.budgetBytes);
    const what = `engine budget ${gibs(l.budgetBytes)} GiB${l.budgetSetting ? ` (${l.budgetSetting})` : ""}`;
    parts.push(
      el("line", {
        x1: xbud,
        y1: barY - 6,
        x2: xbud,
        y2: y + 4,
        stroke: "#000",
        "stroke-width": 1.5,
        "stroke-dasharray": "5 3",
        class: "budget",
        "data-bytes": String(l.budgetBytes),
      }),
      label(Math.min(xbud, X1), y + 16, what, { anchor: textWidth(what) > xbud - X0 ? "start" : "end" }),
    );
    y += 30;
  }
  const lg = legend(id, segs, l.totalBytes, y);
  parts.push(...lg.markup);
  const height = y + lg.height + 6;
  const summary = segs
    .filter((s) => s.bytes > 0)
    .map((s) => `${s.name} ${gibs(s.bytes)} GiB`)
    .join(", ");
  return svg(id, W, height, `Memory per ${device}: ${summary}, of ${gibs(l.totalBytes)} GiB`, ...parts);
}

/** One row of a list of devices: a name, its ledger, whether it fits. */
export interface LedgerRow {
  name: string;
  ledger: LedgerInput;
  fits: boolean;
  /** Short text at the row's end ("fits", "does not fit"). */
  note: string;
}

/**
 * A small stacked bar per device, each scaled to its own capacity (100 % = the device's memory), so
 * the rows compare shares, with one legend. The figures themselves are in the table beside it.
 */
export function ledgerRowsSvg(id: string, rows: LedgerRow[], caption: string): Markup {
  const nameW = Math.min(280, Math.max(...rows.map((r) => textWidth(r.name, 11))) + 10);
  const noteW = 110;
  const x0 = X0 + nameW;
  const x1 = X1 - noteW;
  const rowH = 20;
  const parts: Markup[] = [patternDefs(id, ALL_KEYS)];
  parts.push(label(X0, 14, caption, { size: 11 }));
  const fitName = (name: string): string => {
    let n = name;
    while (n.length > 4 && textWidth(n, 11) > nameW - 8) n = n.slice(0, -2);
    return n === name ? n : `${n.trimEnd()}…`;
  };
  rows.forEach((r, i) => {
    const y = 24 + i * rowH;
    const segs = segments(r.ledger);
    const full = r.ledger.totalBytes + overflowBytes(r.ledger);
    const xs = (b: number) => x0 + (b / full) * (x1 - x0);
    let at = 0;
    const cells: Markup[] = [];
    for (const s of segs) {
      if (s.bytes <= 0) continue;
      cells.push(
        el("rect", {
          x: xs(at),
          y,
          width: xs(at + s.bytes) - xs(at),
          height: rowH - 6,
          fill: fillOf(id, s.key),
          stroke: "#333",
          "stroke-width": 0.4,
          "data-key": s.key,
        }),
      );
      at += s.bytes;
    }
    const over = overflowBytes(r.ledger);
    if (over > 0)
      cells.push(
        el("rect", {
          x: xs(r.ledger.totalBytes),
          y,
          width: xs(full) - xs(r.ledger.totalBytes),
          height: rowH - 6,
          fill: fillOf(id, "overflow"),
          stroke: "#333",
          "stroke-width": 0.4,
          "data-key": "overflow",
        }),
      );
    parts.push(
      el(
        "g",
        { class: "ledger-row", "data-fits": String(r.fits) },
        el("title", {}, text(r.name)),
        label(X0, y + 11, fitName(r.name), { size: 11 }),
        ...cells,
        el("line", {
          x1: xs(r.ledger.totalBytes),
          y1: y - 2,
          x2: xs(r.ledger.totalBytes),
          y2: y + rowH - 4,
          stroke: "#000",
          "stroke-width": 2,
        }),
        label(x1 + 8, y + 11, r.note, { size: 11, weight: r.fits ? undefined : "bold" }),
      ),
    );
  });
  let y = 24 + rows.length * rowH + 10;
  const keys: [FillKey, string][] = [
    ["weights", "weights"],
    ["activations", "activation peak"],
    ["nonTorch", "non-torch"],
    ["cudaGraphs", "CUDA graphs"],
    ["kvCache", "KV cache"],
    ["free", "free"],
    ["reserved", "outside the budget"],
    ["overflow", "beyond capacity"],
  ];
  const per = 4;
  keys.forEach(([k, name], i) => {
    const cx = X0 + (i % per) * ((X1 - X0) / per);
    const cy = y + Math.floor(i / per) * 20;
    parts.push(
      el("rect", {
        x: cx,
        y: cy,
        width: 18,
        height: 12,
        fill: fillOf(id, k),
        stroke: "#333",
        "stroke-width": 0.5,
      }),
      label(cx + 24, cy + 10, name, { size: 11 }),
    );
  });
  y += Math.ceil(keys.length / per) * 20;
  return svg(id, W, y + 4, caption, ...parts);
}
