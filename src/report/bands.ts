/**
 * Predicted figures with their error bands: one row per figure (TTFT, TPOT, end-to-end latency,
 * throughput), each on its own axis, the prediction as a dot, the band as a hatched interval and
 * the target as a dashed line. Pure: figures in, SVG markup out.
 */
import { el, fillOf, fmt, label, type Markup, patternDefs, scale, svg, text, tickLabel } from "./svg.js";

export interface BandRow {
  key: string;
  name: string;
  value: number;
  unit: string;
  /** Relative band (0.45 = ±45 %), or null when the plan carries none for this figure. */
  band: number | null;
  /** The target (an upper bound for latencies), or null. */
  target: number | null;
}

/**
 * The range a band gives around a prediction: `|measured / predicted − 1| ≤ band` (how the bands
 * are measured on the calibration set's validation side and how `bench --plan` judges a run,
 * src/bench/compare.ts), i.e. [value × (1 − band), value × (1 + band)], the low end at least 0.
 */
export function bandRange(value: number, band: number): [number, number] {
  return [Math.max(0, value * (1 - band)), value * (1 + band)];
}

const W = 760;
const LEFT = 230;
const RIGHT = 24;
const ROW = 66;

/** Format a figure in its unit: "206 ms", "19.8 ms", "779 tok/s". */
export function figure(v: number, unit: string): string {
  return unit === "ms"
    ? v >= 100
      ? `${fmt(v)} ms`
      : `${v.toFixed(1)} ms`
    : `${fmt(v, v >= 100 ? 0 : 1)} ${unit}`;
}

export function bandsSvg(id: string, rows: BandRow[]): Markup {
  const parts: Markup[] = [patternDefs(id, ["band"])];
  rows.forEach((r, i) => {
    const y0 = 10 + i * ROW;
    const [lo, hi] = r.band !== null ? bandRange(r.value, r.band) : [r.value, r.value];
    const top = Math.max(hi, r.target ?? 0, r.value) * 1.08;
    const sx = scale(0, top, LEFT, W - RIGHT, { count: 5 });
    const barY = y0 + 8;
    const barH = 18;
    const row: Markup[] = [
      label(10, y0 + 16, r.name, { weight: "bold" }),
      label(
        10,
        y0 + 34,
        `${figure(r.value, r.unit)}${r.band !== null ? ` ±${Math.round(r.band * 100)} %` : ""}`,
      ),
    ];
    if (r.band !== null)
      row.push(
        label(10, y0 + 50, `range ${figure(lo, r.unit)} – ${figure(hi, r.unit)}`, { size: 11 }),
        el("rect", {
          x: sx(lo),
          y: barY,
          width: Math.max(1, sx(hi) - sx(lo)),
          height: barH,
          fill: fillOf(id, "band"),
          stroke: "#0072B2",
          class: "band",
          "data-lo": String(lo),
          "data-hi": String(hi),
        }),
      );
    // Axis of this row.
    const ay = barY + barH + 6;
    row.push(el("line", { x1: LEFT, y1: ay, x2: W - RIGHT, y2: ay, stroke: "#333" }));
    const last = sx.ticks[sx.ticks.length - 1];
    for (const t of sx.ticks) {
      row.push(
        el("line", { x1: sx(t), y1: ay, x2: sx(t), y2: ay + 4, stroke: "#333" }),
        label(sx(t), ay + 16, t === last ? `${tickLabel(t)} ${r.unit}` : tickLabel(t), {
          anchor: t === last ? "end" : "middle",
          size: 10,
        }),
      );
    }
    if (r.target !== null) {
      const xt = sx(r.target);
      const meets = r.value <= r.target;
      row.push(
        el("line", {
          x1: xt,
          y1: barY - 6,
          x2: xt,
          y2: barY + barH + 4,
          stroke: "#000",
          "stroke-width": 2,
          "stroke-dasharray": "5 3",
          class: "target",
          "data-target": String(r.target),
        }),
        label(xt + 4, barY - 1, `target ≤ ${figure(r.target, r.unit)}${meets ? "" : " (missed)"}`, {
          size: 11,
          anchor: xt > W - 170 ? "end" : "start",
        }),
      );
    }
    row.push(
      el("circle", {
        cx: sx(r.value),
        cy: barY + barH / 2,
        r: 5,
        fill: "#000",
        class: "prediction",
        "data-value": String(r.value),
      }),
    );
    parts.push(el("g", { class: "band-row", "data-key": r.key }, el("title", {}, text(r.name)), ...row));
  });
  const h = 10 + rows.length * ROW + 10;
  return svg(
    id,
    W,
    h,
    `Predicted ${rows.map((r) => `${r.name} ${figure(r.value, r.unit)}`).join(", ")}, with their error bands`,
    ...parts,
  );
}
