/**
 * The shapes one replica can take: GPUs per replica and their TP × PP splits, TP inside a node.
 */
import type { Deployment } from "../contract/plan.js";
import { GPU_COUNTS } from "../sizing/estimate.js";
import { GPUS_PER_NODE } from "../sizing/size.js";

export interface Shape {
  count: number;
  tp: number;
  pp: number;
}

/**
 * Every GPU count up to maxGpus (1, 2, 4, 8 in a node, then whole nodes) with each TP × PP split,
 * widest TP first. Pipeline stages beyond one per node only when TP cannot grow further.
 */
export function replicaShapes(maxGpus: number): Shape[] {
  const out: Shape[] = [];
  for (const count of GPU_COUNTS.filter((c) => c <= maxGpus)) {
    for (let tp = Math.min(count, GPUS_PER_NODE); tp >= 1; tp--) {
      if (count % tp !== 0) continue;
      const pp = count / tp;
      if (pp > 1 && tp < Math.min(count, GPUS_PER_NODE) && count > GPUS_PER_NODE) continue;
      out.push({ count, tp, pp });
    }
  }
  return out;
}

/** As users say it: one GPU; one node with several GPUs; several nodes. */
export function modeOf(count: number): Deployment["mode"] {
  return count === 1 ? "standalone" : count <= GPUS_PER_NODE ? "single-node" : "distributed";
}
