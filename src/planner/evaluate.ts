/**
 * Evaluating a candidate: one placement that fits, run as r replicas — its performance at the
 * spec's load, the targets it misses, its cost — and choosing how many replicas it needs.
 */
import type { DeviceEntry } from "../catalog/types.js";
import type { CheckpointRecord, Deployment, PlanSpec, TargetCheck } from "../contract/plan.js";
import type { EngineModule } from "../engines/types.js";
import { engineImageFor } from "../engines/index.js";
import type { ModelArch } from "../models/arch.js";
import { type PlacementRequest, performanceOf, type SizedPlacement } from "../sizing/size.js";
import { GPUS_PER_NODE } from "../sizing/size.js";
import { hostNeeds } from "./host.js";
import { costOfHourly, type GpuPrice, priceDeployment } from "./pricing.js";
import { modeOf } from "./shapes.js";
import { judgedMs, METRIC_NAME, targetChecks } from "./targets.js";

export interface Candidate {
  d: Deployment;
  /** max over targets of predicted / target (≤ 1 meets every target). */
  score: number;
  hourly: number | null;
}

export const fmtMs = (v: number): string => (v >= 10 ? `${Math.round(v)} ms` : `${v.toFixed(1)} ms`);

/**
 * The targets a prediction misses, one sentence each, and how far it is from them (max ratio of the
 * judged value to the target: the pessimistic end of the error band under `targetConfidence: band`).
 */
export function targetMisses(
  spec: Pick<PlanSpec, "targets" | "requestRate" | "concurrency" | "budgetPerHourUsd" | "targetConfidence">,
  perf: Deployment["performance"],
  hourly: number | null,
): { misses: string[]; score: number; targets: TargetCheck[] } {
  const misses: string[] = [];
  const ratios: number[] = [];
  if (perf.saturated) {
    const load = spec.requestRate ?? spec.concurrency ?? 1;
    misses.push(`request rate ${load}/s exceeds the capacity of ${perf.requestsPerSec} requests/s`);
    ratios.push(1 + load / Math.max(perf.requestsPerSec, 1e-9));
  }
  const targets = targetChecks(spec, perf);
  for (const t of targets) {
    ratios.push(judgedMs(t, spec.targetConfidence) / t.targetMs);
    if (t.met) continue;
    misses.push(
      t.predictedMs > t.targetMs
        ? `${METRIC_NAME[t.metric]} ${fmtMs(t.predictedMs)} > ${fmtMs(t.targetMs)}`
        : `${METRIC_NAME[t.metric]} ${fmtMs(t.predictedMs)} is within ${fmtMs(t.targetMs)} but not with its error band (${fmtMs(t.pessimisticMs)} at +${Math.round(t.band * 100)} %)`,
    );
  }
  // A deployment without a price cannot be shown to meet a budget: it misses it (its score, the
  // distance to the latency targets, is left as it is).
  if (spec.budgetPerHourUsd !== null && hourly === null) {
    misses.push(`no price: cannot be shown to meet the budget of $${spec.budgetPerHourUsd}/h`);
  } else if (spec.budgetPerHourUsd !== null && hourly !== null && hourly > spec.budgetPerHourUsd) {
    misses.push(`cost $${hourly.toFixed(2)}/h > budget $${spec.budgetPerHourUsd}/h`);
    ratios.push(hourly / spec.budgetPerHourUsd);
  }
  return { misses, score: ratios.length ? Math.max(...ratios) : 0, targets };
}

export interface CandidateContext {
  spec: PlanSpec;
  arch: ModelArch;
  engine: EngineModule;
  device: DeviceEntry;
  price: GpuPrice | null;
  /** Bytes every node downloads (the whole checkpoint). */
  checkpointBytes: number;
  /** The engine's quantization flag value (in flight), or null when it reads the checkpoint's own. */
  quantization: string | null;
  /** The engine's model argument: the resolved checkpoint's Hub id, local path or Ollama tag. */
  modelRef: string;
  /** The checkpoint modelRef names, as the plan records it. */
  checkpoint: CheckpointRecord;
  servedModelName: string;
  /** The precision id the plan records. */
  precisionId: string;
}

/** The deployment a fitted placement becomes at r replicas. */
export function evaluateCandidate(
  c: CandidateContext,
  req: PlacementRequest,
  sized: SizedPlacement,
  replicas: number,
): Candidate {
  const { spec, device } = c;
  const count = req.tp * req.pp;
  const perf = performanceOf(req, sized, replicas);
  const total = count * replicas;
  const gpusPerNode = Math.min(count, GPUS_PER_NODE);
  // Instance offers are rented whole (providers.ts); a per-GPU price is paid per GPU (pricing.ts).
  const m = sized.memory;
  const weightsPerReplica = m.stages.reduce((s, st) => s + st.bytesPerGpu * req.tp, 0);
  const host = hostNeeds(gpusPerNode, sized.nodes, c.checkpointBytes, weightsPerReplica / sized.nodes);
  const priced = priceDeployment(c.price, { gpusPerNode, nodes: sized.nodes, replicas, host });
  const hourly = priced.hourly;
  const { misses, score, targets } = targetMisses(spec, perf, hourly);
  const s = req.settings;
  const d: Deployment = {
    gpu: device.id,
    gpuName: device.name,
    ...(device.productName ? { gpuProduct: device.productName.value } : {}),
    deviceKind: device.kind === "cpu" ? "cpu" : "gpu",
    gpuCount: count,
    gpusPerNode,
    nodes: sized.nodes,
    tensorParallel: req.tp,
    pipelineParallel: req.pp,
    replicas,
    mode: modeOf(count),
    precision: c.precisionId,
    kvCacheDtype: req.kvCacheDtype,
    engine: {
      name: c.engine.name as Deployment["engine"]["name"],
      version: s.engineVersion,
      image: engineImageFor(c.engine, device.kind === "cpu" ? "cpu" : "gpu", s.engineVersion),
      maxModelLen: spec.maxModelLen,
      gpuMemoryUtilization: s.gpuMemoryUtilization,
      maxNumSeqs: s.maxNumSeqs,
      maxNumBatchedTokens: s.maxNumBatchedTokens,
      blockSize: m.blockSize ?? s.blockSize,
      kvCacheDtype: req.kvCacheDtype,
      dtype: !device.bf16 && c.arch.dtype === "bfloat16" ? "half" : "auto",
      quantization: c.quantization,
      enforceEager: s.enforceEager,
      modelRef: c.modelRef,
      servedModelName: c.servedModelName,
    },
    checkpoint: c.checkpoint,
    memory: {
      perGpu: {
        totalBytes: m.perGpu.totalBytes,
        budgetBytes: m.perGpu.budgetBytes,
        weightsBytes: m.perGpu.weightsBytes,
        activationBytes: m.perGpu.activationBytes,
        nonTorchBytes: m.perGpu.nonTorchBytes,
        cudaGraphBytes: m.perGpu.cudaGraphBytes,
        kvCacheBytes: m.perGpu.kvCacheBytes,
      },
      weightsBytes: weightsPerReplica,
      kvCacheTokens: m.kvCacheTokens,
      maxConcurrency: m.maxConcurrency,
    },
    performance: perf,
    cost: costOfHourly(
      c.price,
      hourly,
      total,
      perf.outputTokensPerSec,
      spec.pricing,
      c.price?.offers ? priced.basis : null,
    ),
    host,
    meetsTargets: misses.length === 0,
    misses,
    ...(c.price?.offers ? { instance: priced.instance } : {}),
    targets,
  };
  return { d, score, hourly };
}

/**
 * The fewest replicas of a placement that meet every target (more only add cost), or the best it
 * reaches: another replica halves the load on each; stop when that no longer brings the targets
 * closer, or when `stopAtGpus` GPUs (a cheaper success on this GPU type) would be reached.
 */
export function chooseReplicas(
  c: CandidateContext,
  req: PlacementRequest,
  sized: SizedPlacement,
  stopAtGpus: number,
): Candidate | null {
  const count = req.tp * req.pp;
  const maxReplicas = Math.max(1, Math.floor(c.spec.maxGpus / count));
  let best: Candidate | null = null;
  let prevScore = Infinity;
  for (let r = 1; r <= maxReplicas && count * r < stopAtGpus; r++) {
    const cand = evaluateCandidate(c, req, sized, r);
    if (!best || cand.score < best.score) best = cand;
    if (cand.d.meetsTargets) return cand;
    if (cand.score >= prevScore * 0.99) break;
    prevScore = cand.score;
  }
  return best;
}
