/**
 * The memory ledger a plan predicted, read from the plan document after it is checked whole against
 * the plan schema (src/contract/plan-schema.ts): a hand-edited or truncated plan.yaml is a problem
 * naming its first bad field, never a ledger with NaN or a setting silently dropped. The per-GPU
 * figures are `recommendation.memory.perGpu` (bytes, shown in GiB), the settings the recommendation's
 * engine settings. Pure.
 */
import type { Plan } from "../contract/plan.js";
import { planProblem } from "../contract/plan-schema.js";
import { engineModule } from "../engines/index.js";
import type { LedgerSettings, Predicted } from "./compare.js";

const GiB = 1024 ** 3;

export interface PlanLedger {
  predicted: Predicted;
  settings: LedgerSettings;
  /** The plan's GPU id and engine, for the heading. */
  gpu: string | null;
  model: string | null;
}

/**
 * The ledger and settings of a plan's recommendation, or why there is none: the first bad field
 * ("recommendation.memory.perGpu.weightsBytes: expected a number, got ..."), or an engine whose
 * start-up log verify does not read.
 */
export function ledgerFromPlan(doc: unknown): PlanLedger | { problem: string } {
  const bad = planProblem(doc);
  if (bad) return { problem: bad };
  const plan = doc as Plan;
  const rec = plan.recommendation;
  const engine = rec.engine;
  if (engineModule(engine.name).startupLog !== "vllm")
    return {
      problem: `is for ${engine.name}: verify reads vLLM start-up logs and compares them with a vLLM plan`,
    };
  const perGpu = rec.memory.perGpu;
  const predicted: Predicted = {
    weightsGiB: perGpu.weightsBytes / GiB,
    activationGiB: perGpu.activationBytes / GiB,
    nonTorchGiB: perGpu.nonTorchBytes / GiB,
    cudaGraphGiB: perGpu.cudaGraphBytes / GiB,
    kvCacheGiB: perGpu.kvCacheBytes / GiB,
    kvCacheTokens: rec.memory.kvCacheTokens,
    maxConcurrency: rec.memory.maxConcurrency,
  };
  return {
    predicted,
    settings: {
      tensorParallel: rec.tensorParallel,
      pipelineParallel: rec.pipelineParallel,
      maxModelLen: engine.maxModelLen,
      gpuMemoryUtilization: engine.gpuMemoryUtilization,
      maxNumBatchedTokens: engine.maxNumBatchedTokens,
      maxNumSeqs: engine.maxNumSeqs,
      kvCacheDtype: engine.kvCacheDtype,
      totalGpuMemoryGiB: perGpu.totalBytes / GiB,
      engineVersion: engine.version ?? null,
      enforceEager: engine.enforceEager ?? null,
      precision: rec.precision,
      quantization: engine.quantization,
    },
    gpu: rec.gpu,
    model: plan.model.id,
  };
}
