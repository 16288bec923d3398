/**
 * Parts of `plan`'s table output: each target with its margin, the instances rented, and the cells
 * of the alternatives table that show them. The JSON carries the same figures
 * (recommendation.targets, recommendation.instance).
 */
import type { Deployment, TargetCheck } from "../contract/plan.js";
import { c } from "./output.js";

const ms = (v: number) => (v >= 100 ? `${Math.round(v)} ms` : `${v.toFixed(1)} ms`);
const pct = (v: number) => `${v >= 0 ? "+" : "−"}${Math.abs(Math.round(v * 100))} %`;

/** "TPOT 33.8 ms ≤ 50 ms: margin +32 %, 45.6 ms at +35 %". */
export function targetText(t: TargetCheck): string {
  const name = { ttft: "TTFT", tpot: "TPOT", e2e: "e2e" }[t.metric];
  const text =
    `${name} ${ms(t.predictedMs)} ${t.predictedMs <= t.targetMs ? "≤" : ">"} ${ms(t.targetMs)}: ` +
    `margin ${pct(t.margin)}, ${ms(t.pessimisticMs)} at +${Math.round(t.band * 100)} %`;
  if (!t.met) return c.red(text);
  return t.withinBand ? `${text} ${c.red("(within the band: may miss)")}` : text;
}

/** One line with every target, or null when there are none. */
export function targetsLine(d: Deployment): string | null {
  if (!d.targets?.length) return null;
  return `  targets: ${d.targets.map(targetText).join("; ")}`;
}

/** The table cell of a latency: its value and margin, marked when the target is inside the band. */
export function latencyCell(d: Deployment, metric: TargetCheck["metric"], value: number): string {
  const t = d.targets?.find((x) => x.metric === metric);
  if (!t) return ms(value);
  const cell = `${ms(value)} ${pct(t.margin)}`;
  return !t.met ? c.red(cell) : t.withinBand ? `${cell} ${c.red("!")}` : cell;
}

/** The instance cell: "1× g6e.2xlarge (AWS)", or "-". */
export function instanceCell(d: Deployment): string {
  const i = d.instance;
  return i ? `${i.count}× ${i.type}` : "-";
}

/** The recommendation's instances, one line, or null without a provider price. */
export function instanceLine(d: Deployment): string | null {
  const i = d.instance;
  if (!i) return null;
  return (
    `  instances: ${i.count}× ${i.type} (${i.provider}, ${i.gpusPerInstance} GPU${i.gpusPerInstance > 1 ? "s" : ""} each, ` +
    `$${i.usdPerHour.toFixed(2)}/h, ${i.pricing}, ${i.region ?? "region not stated"}, ${i.date ?? "undated source"}; ${i.source})`
  );
}
