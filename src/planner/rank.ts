/**
 * Ranking: the cheapest candidate that meets every target, and the cost-vs-latency Pareto set of the
 * others; when none meets the targets, the closest one and a note per unreachable target.
 */
import type { PlanSpec } from "../contract/plan.js";
import { type Candidate, fmtMs } from "./evaluate.js";

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
  spec: Pick<PlanSpec, "targets" | "maxGpus">,
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
  const t = spec.targets;
  for (const [name, key, target] of [
    ["TTFT", "ttftMs", t.ttftMs],
    ["TPOT", "tpotMs", t.tpotMs],
    ["e2e latency", "e2eLatencyMs", t.e2eMs],
  ] as const) {
    if (target === null) continue;
    const bestC = candidates.reduce((a, b) => (b.d.performance[key] < a.d.performance[key] ? b : a));
    const v = bestC.d.performance[key];
    if (v > target) {
      notes.push(
        `${name} ≤ ${fmtMs(target)} is not reachable for ${modelName} within ${spec.maxGpus} GPUs; the best is ${fmtMs(v)} on ${bestC.d.gpuCount}×${bestC.d.gpuName} (${bestC.d.precision})`,
      );
    }
  }
  return {
    recommendation: sorted[0]!,
    alternatives: sorted.slice(1, 1 + MAX_ALTERNATIVES - 1),
    feasible: false,
    notes,
  };
}
