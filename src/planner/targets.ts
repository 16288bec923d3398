/**
 * Targets met with margin: each latency target against the prediction and the pessimistic end of its
 * error band. Under `targetConfidence: band` (the default of new specs) a target counts as met only
 * when predicted × (1 + band) is within it; under `median` (and in plans written before the field
 * existed) when the prediction is. Either way each check carries its margin and whether the target
 * lies inside the band (it may well miss).
 */
import { figureBands, type Performance, type PlanSpec, type TargetCheck } from "../contract/plan.js";

/** Per-figure bands, when the performance model gives them (else the overall errorBand). */
type Banded = Performance & { errorBandTtft?: number; errorBandTpot?: number };

const r1 = (v: number) => Math.round(v * 10) / 10;

/**
 * The spec's latency targets checked against a prediction: TTFT and e2e at p95 under a request rate
 * (the mean in a closed loop), TPOT at the mean. `margin` = 1 − predicted / target; `pessimisticMs` =
 * predicted × (1 + band). E.g. TPOT 48.1 ms against 50 ms with a ±35 % band: margin 0.038,
 * pessimistic 64.9 ms: met under median, not under band, within the band either way.
 */
export function targetChecks(
  spec: Pick<PlanSpec, "targets" | "targetConfidence">,
  perf: Performance,
): TargetCheck[] {
  const p = perf as Banded;
  const band = figureBands(p);
  const confidence = spec.targetConfidence ?? "median";
  const rows: [TargetCheck["metric"], number, number | null, number][] = [
    ["ttft", p.percentiles?.ttftP95Ms ?? p.ttftMs, spec.targets.ttftMs, band.ttft],
    ["tpot", p.tpotMs, spec.targets.tpotMs, band.tpot],
    ["e2e", p.percentiles?.e2eP95Ms ?? p.e2eLatencyMs, spec.targets.e2eMs, band.overall],
  ];
  const out: TargetCheck[] = [];
  for (const [metric, predicted, target, band] of rows) {
    if (target === null) continue;
    const pessimistic = predicted * (1 + band);
    out.push({
      metric,
      targetMs: target,
      predictedMs: r1(predicted),
      pessimisticMs: r1(pessimistic),
      band,
      margin: Math.round((1 - predicted / target) * 1000) / 1000,
      met: (confidence === "band" ? pessimistic : predicted) <= target,
      withinBand: predicted <= target && pessimistic > target,
    });
  }
  return out;
}

/** The value a check is judged on under the spec's confidence. */
export const judgedMs = (t: TargetCheck, confidence: PlanSpec["targetConfidence"]): number =>
  confidence === "band" ? t.pessimisticMs : t.predictedMs;

export const METRIC_NAME: Record<TargetCheck["metric"], string> = {
  ttft: "TTFT",
  tpot: "TPOT",
  e2e: "e2e latency",
};
