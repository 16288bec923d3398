/**
 * The memory ledger a plan predicted, read from the plan document (parsed YAML) without trusting its
 * shape: plan.yaml is a contract that grows, and a plan written by another version may put the
 * per-GPU figures under `recommendation.memory.perGpu` (the current format), `recommendation.perGpu`
 * or straight under `recommendation.memory`, in bytes (`weightsBytes`) or GiB (`weightsGiB`).
 * Whatever is missing is null, and shown as such. Pure.
 */
import { engineModule, isEngineName } from "../engines/index.js";
import type { LedgerSettings, Predicted } from "./compare.js";

const GiB = 1024 ** 3;
const isObj = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);
const numOr = (v: unknown): number | null => (typeof v === "number" && Number.isFinite(v) ? v : null);

/** A figure in GiB from `<name>Bytes` or `<name>GiB` in the first object that has either. */
function gib(objs: Record<string, unknown>[], name: string): number | null {
  for (const o of objs) {
    const b = numOr(o[`${name}Bytes`]);
    if (b !== null) return b / GiB;
    const g = numOr(o[`${name}GiB`]);
    if (g !== null) return g;
  }
  return null;
}

function pick(objs: Record<string, unknown>[], name: string): number | null {
  for (const o of objs) {
    const v = numOr(o[name]);
    if (v !== null) return v;
  }
  return null;
}

export interface PlanLedger {
  predicted: Predicted;
  settings: LedgerSettings;
  /** The plan's GPU id and engine, for the heading. */
  gpu: string | null;
  model: string | null;
}

export function ledgerFromPlan(doc: unknown): PlanLedger | { problem: string } {
  if (!isObj(doc)) return { problem: "is not a plan (expected a YAML mapping)" };
  const rec = doc.recommendation;
  if (!isObj(rec))
    return { problem: "has no recommendation (is it the plan.yaml that llmdeploy plan --out wrote?)" };
  const engine = isObj(rec.engine) ? rec.engine : {};
  if (
    typeof engine.name === "string" &&
    (!isEngineName(engine.name) || engineModule(engine.name).startupLog !== "vllm")
  )
    return {
      problem: `is for ${engine.name}: verify reads vLLM start-up logs and compares them with a vLLM plan`,
    };
  const memory = isObj(rec.memory) ? rec.memory : {};
  const perGpu = [memory.perGpu, rec.perGpu, memory].filter(isObj);
  const predicted: Predicted = {
    weightsGiB: gib(perGpu, "weights"),
    activationGiB: gib(perGpu, "activation"),
    nonTorchGiB: gib(perGpu, "nonTorch"),
    cudaGraphGiB: gib(perGpu, "cudaGraph"),
    kvCacheGiB: gib(perGpu, "kvCache"),
    kvCacheTokens: pick([memory, rec], "kvCacheTokens"),
    maxConcurrency: pick([memory, rec], "maxConcurrency"),
  };
  if (Object.values(predicted).every((v) => v === null))
    return {
      problem:
        "has no memory ledger (recommendation.memory.perGpu: weightsBytes, kvCacheBytes, ...; kvCacheTokens, maxConcurrency)",
    };
  const spec = isObj(doc.spec) ? doc.spec : {};
  const model = isObj(doc.model) ? doc.model : {};
  const total = gib(perGpu, "total");
  return {
    predicted,
    settings: {
      tensorParallel: pick([rec], "tensorParallel"),
      pipelineParallel: pick([rec], "pipelineParallel"),
      maxModelLen: pick([engine, spec], "maxModelLen"),
      gpuMemoryUtilization: pick([engine, spec], "gpuMemoryUtilization"),
      maxNumBatchedTokens: pick([engine], "maxNumBatchedTokens"),
      maxNumSeqs: pick([engine], "maxNumSeqs"),
      kvCacheDtype:
        typeof engine.kvCacheDtype === "string"
          ? engine.kvCacheDtype
          : typeof rec.kvCacheDtype === "string"
            ? rec.kvCacheDtype
            : null,
      totalGpuMemoryGiB: total,
      engineVersion: typeof engine.version === "string" ? engine.version : null,
      enforceEager: typeof engine.enforceEager === "boolean" ? engine.enforceEager : null,
      precision: typeof rec.precision === "string" ? rec.precision : null,
      quantization: typeof engine.quantization === "string" ? engine.quantization : null,
    },
    gpu: typeof rec.gpu === "string" ? rec.gpu : null,
    model: typeof model.id === "string" ? model.id : typeof spec.model === "string" ? spec.model : null,
  };
}
