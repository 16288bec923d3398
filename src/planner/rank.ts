/**
 * Ranking: the cheapest candidate that meets every target, and the cost-vs-latency Pareto set of the
 * others; when none meets the targets, the closest one and a note per unreachable target.
 */
import type { PlanSpec } from "../contract/plan.js";
import { type Candidate, fmtMs } from "./evaluate.js";
import { judgedMs, METRIC_NAME } from "./targets.js";

export interface Ranking {
  recommendation: Candidate;
  alternatives: Candidate[];
  feasible: boolean;
  notes: string[];
}

const byCost = (a: Candidate, b: Candidate) =>
  (a.hourly ?? Infinity) - (b.hourly ?? Infinity) ||
  a.d.performance.e2eLatencyMs - b.d.performance.e2eLatencyMs;

/** At most this many alternatives are listed. */
export const MAX_ALTERNATIVES = 5;

export function rankCandidates(
  candidates: readonly Candidate[],
  spec: Pick<PlanSpec, "targets" | "maxGpus" | "targetConfidence">,
  modelName: string,
): Ranking {
  if (!candidates.length) throw new Error("rankCandidates needs at least one candidate");
  const meeting = candidates.filter((c) => c.d.meetsTargets).sort(byCost);
  const notes: string[] = [];
  if (meeting.length) {
    const recommendation = meeting[0]!;
    // Pareto set on cost vs e2e latency: each runner-up is faster than everything cheaper.
    const pareto: Candidate[] = [];
    let bestLatency = recommendation.d.performance.e2eLatencyMs;
    for (const c of meeting.slice(1)) {
      if (c.d.performance.e2eLatencyMs < bestLatency) {
        pareto.push(c);
        bestLatency = c.d.performance.e2eLatencyMs;
      }
    }
    // Fill with the cheapest configuration of other GPU types.
    const seen = new Set([recommendation.d.gpu, ...pareto.map((c) => c.d.gpu)]);
    for (const c of meeting) {
      if (pareto.length >= MAX_ALTERNATIVES) break;
      if (!seen.has(c.d.gpu)) {
        pareto.push(c);
        seen.add(c.d.gpu);
      }
    }
    return { recommendation, alternatives: pareto.slice(0, MAX_ALTERNATIVES), feasible: true, notes };
  }
  const sorted = [...candidates].sort((a, b) => a.score - b.score || byCost(a, b));
  for (const metric of ["ttft", "tpot", "e2e"] as const) {
    const judged = (c: Candidate) => {
      const t = c.d.targets?.find((x) => x.metric === metric);
      return t ? judgedMs(t, spec.targetConfidence) : Infinity;
    };
    const bestC = candidates.reduce((a, b) => (judged(b) < judged(a) ? b : a));
    const t = bestC.d.targets?.find((x) => x.metric === metric);
    if (!t || judged(bestC) <= t.targetMs) continue;
    const banded =
      spec.targetConfidence === "band"
        ? ` (${fmtMs(t.pessimisticMs)} at the pessimistic end of its ±${Math.round(t.band * 100)} % band)`
        : "";
    notes.push(
      `${METRIC_NAME[metric]} ≤ ${fmtMs(t.targetMs)} is not reachable for ${modelName} within ${spec.maxGpus} GPUs; the best is ${fmtMs(t.predictedMs)}${banded} on ${bestC.d.gpuCount}×${bestC.d.gpuName} (${bestC.d.precision})`,
    );
  }
  return {
    recommendation: sorted[0]!,
    alternatives: sorted.slice(1, 1 + MAX_ALTERNATIVES - 1),
    feasible: false,
    notes,
  };
}
