/**
 * `estimate`: the memory ledger of a model at a precision, and where it fits. Pure: data in, data out.
 */
import { VLLM } from "../catalog/engines.js";
import { ENGINE_EFFICIENCY } from "../catalog/perf.js";
import { cheapestPrice } from "../catalog/prices.js";
import type { GpuEntry, Source } from "../catalog/types.js";
import { UserError } from "../errors.js";
import type { ModelArch } from "../models/arch.js";
import { type CheckpointSummary, checkpointBrief } from "../models/checkpoint.js";
import { countParams, inventory, type ParamCount } from "./inventory.js";
import { type KvCacheDtype, kvBytesForSequence, kvBytesPerToken } from "./kv.js";
import {
  assertParallelism,
  parallelismProblem,
  precisionProblem,
  type StageWeights,
  weightsPerStage,
} from "./placement.js";
import type { EngineName, Performance } from "../plan/types.js";
import { predictPerformance } from "./perf.js";
import { defaultVllmSettings, type GpuLedger, type VllmSettings, vllmPlacement } from "./vllm.js";
import { choosePrecision, mxfp4Backend, type Precision, weightsBytes } from "./weights.js";

/** GPUs in one node: the tensor-parallel group stays inside a node; pipeline stages span nodes. */
export const GPUS_PER_NODE = 8;
/** Context length used when neither the user nor a smaller model limit says otherwise. */
export const DEFAULT_MAX_MODEL_LEN = 8192;

export interface EstimateRequest {
  model: {
    id: string;
    name: string;
    hfId: string | null;
    arch: ModelArch;
    resolvedFrom: string;
    source: Source | null;
    /** Exact counts from the checkpoint's tensor headers (safetensors or GGUF), when read. */
    checkpoint?: CheckpointSummary | undefined;
  };
  precision?: string | undefined;
  kvCacheDtype: KvCacheDtype;
  maxModelLen?: number | undefined;
  concurrency: number;
  gpu?: GpuEntry | undefined;
  gpus?: number | undefined;
  tp?: number | undefined;
  pp?: number | undefined;
  gpuMemoryUtilization: number;
  maxNumBatchedTokens?: number | undefined;
  maxNumSeqs?: number | undefined;
  catalog: readonly GpuEntry[];
  /** The load the performance prediction assumes (concurrency comes from `concurrency`). */
  workload?: { inputTokens: number; outputTokens: number; requestRate: number | null } | undefined;
  engine?: EngineName | undefined;
}

/** Request shape assumed when the user gives none (the plan spec's documented defaults). */
export const DEFAULT_WORKLOAD = { inputTokens: 1024, outputTokens: 256, requestRate: null };

export interface PlacementResult {
  gpu: string;
  gpuName: string;
  count: number;
  tensorParallel: number;
  pipelineParallel: number;
  nodes: number;
  fits: boolean;
  reason: string | null;
  perGpu: GpuLedger;
  kvCacheTokens: number;
  maxConcurrency: number;
  engineSettings: VllmSettings;
  costPerHourUsd: number | null;
  priceSource: string | null;
  /** Predicted latency and throughput at the request's load (when the placement fits). */
  performance: Performance | null;
}

export interface EstimateResult {
  model: {
    id: string;
    name: string;
    hfId: string | null;
    resolvedFrom: string;
    source: Source | null;
    /** Exact from the checkpoint when it was read (checkpoint.loadedParams), else from the architecture. */
    params: number;
    activeParams: number;
    paramsByRole: ParamCount["byRole"];
    architecture: {
      modelType: string;
      layers: number;
      hiddenSize: number;
      attentionHeads: number;
      kvHeads: number;
      headDim: number;
      vocabSize: number;
      maxPositionEmbeddings: number;
      attention: "MHA" | "GQA" | "MQA" | "MLA";
      slidingWindow: number | null;
      slidingLayers: number;
      experts: number | null;
      expertsPerToken: number | null;
    };
    /** What the checkpoint's headers say (present for local safetensors, Hub and GGUF models). */
    checkpoint?: ReturnType<typeof checkpointBrief>;
  };
  precision: string;
  precisionLabel: string;
  kvCacheDtype: KvCacheDtype;
  maxModelLen: number;
  concurrency: number;
  engine: { name: "vllm"; version: string; source: string };
  memory: {
    /** The whole model's weights as the engine loads them. */
    weightsBytes: number;
    /** What one more token adds to the KV cache across all layers (context shorter than every window). */
    kvCacheBytesPerToken: number;
    /** KV cache of one sequence of maxModelLen (sliding-window layers capped at their window). */
    kvCacheBytesPerSequence: number;
    /** KV cache of `concurrency` such sequences. */
    kvCacheBytesForConcurrency: number;
  };
  placement?: PlacementResult;
  gpus?: PlacementResult[];
  /** The workload the performance figures assume. */
  workload: { inputTokens: number; outputTokens: number; concurrency: number; requestRate: number | null };
  /**
   * Predicted performance of the placement (--gpu), or of the cheapest fitting GPU in the list;
   * null when nothing fits. `gpu` and `count` say which.
   */
  performance: (Performance & { gpu: string; count: number }) | null;
  notes: string[];
}

function archSummary(a: ModelArch): EstimateResult["model"]["architecture"] {
  const attention = a.mla ? "MLA" : a.numKvHeads === 1 ? "MQA" : a.numKvHeads < a.numHeads ? "GQA" : "MHA";
  return {
    modelType: a.modelType,
    layers: a.numLayers,
    hiddenSize: a.hiddenSize,
    attentionHeads: a.numHeads,
    kvHeads: a.numKvHeads,
    headDim: a.headDim,
    vocabSize: a.vocabSize,
    maxPositionEmbeddings: a.maxPositionEmbeddings,
    attention,
    slidingWindow: a.slidingWindow,
    slidingLayers: a.layerTypes.filter((t) => t === "sliding").length,
    experts: a.moe?.numExperts ?? null,
    expertsPerToken: a.moe?.expertsPerToken ?? null,
  };
}

/** (tp, pp) splits of `count` GPUs to try, widest tensor parallel first, TP within one node. */
function splits(count: number): { tp: number; pp: number }[] {
  const out: { tp: number; pp: number }[] = [];
  for (let tp = Math.min(count, GPUS_PER_NODE); tp >= 1; tp--) {
    if (count % tp === 0) out.push({ tp, pp: count / tp });
  }
  return out;
}

const COUNTS = [1, 2, 4, 8, 16, 24, 32, 48, 64];

export function estimate(req: EstimateRequest): EstimateResult {
  const { arch } = req.model;
  const tensors = inventory(arch);
  const counts = countParams(arch, tensors);
  const precision = choosePrecision(arch, req.precision, req.model.id);
  const precProblem = precisionProblem(arch, tensors, precision);
  if (precProblem) {
    throw new UserError(
      `${req.model.id}: ${precProblem}`,
      "choose another precision (e.g. fp8 or bf16) for this model",
    );
  }
  const skip = arch.quantization?.skip ?? [];
  const notes: string[] = [];

  if (!Number.isInteger(req.concurrency) || req.concurrency < 1) {
    throw new UserError(`--concurrency must be a positive integer, got ${req.concurrency}`);
  }
  const maxModelLen = req.maxModelLen ?? Math.min(arch.maxPositionEmbeddings, DEFAULT_MAX_MODEL_LEN);
  if (!Number.isInteger(maxModelLen) || maxModelLen < 1) {
    throw new UserError(`--max-model-len must be a positive integer, got ${maxModelLen}`);
  }
  if (maxModelLen > arch.maxPositionEmbeddings) {
    throw new UserError(
      `--max-model-len ${maxModelLen} exceeds ${req.model.id}'s context of ${arch.maxPositionEmbeddings} tokens`,
      `vLLM refuses it unless VLLM_ALLOW_LONG_MAX_MODEL_LEN=1; use --max-model-len ${arch.maxPositionEmbeddings} or less`,
    );
  }
  if (req.maxModelLen === undefined && arch.maxPositionEmbeddings > maxModelLen) {
    notes.push(
      `max model len ${maxModelLen} (the model supports ${arch.maxPositionEmbeddings}; set --max-model-len)`,
    );
  }
  if (!(req.gpuMemoryUtilization > 0 && req.gpuMemoryUtilization <= 1)) {
    throw new UserError(`--gpu-memory-utilization must be in (0, 1], got ${req.gpuMemoryUtilization}`);
  }
  if (
    !arch.quantization &&
    precision.id !== "bf16" &&
    precision.id !== "fp16" &&
    precision.id !== "fp32" &&
    precision.id !== "fp8"
  ) {
    notes.push(
      `${precision.label}: sized as the pre-quantized checkpoint of this model (vLLM loads it as stored)`,
    );
  }
  if (arch.dtype === "float32" && !req.precision)
    notes.push("fp32 checkpoint: vLLM serves it in 16 bit (dtype auto)");

  const workload = req.workload ?? DEFAULT_WORKLOAD;
  if (workload.inputTokens + workload.outputTokens > maxModelLen) {
    throw new UserError(
      `--input-tokens ${workload.inputTokens} + --output-tokens ${workload.outputTokens} exceed the max model len ${maxModelLen}`,
      "raise --max-model-len or shorten the request",
    );
  }
  const kvPerSeq = kvBytesForSequence(arch, req.kvCacheDtype, maxModelLen);
  // A checkpoint whose headers were read, served in its own precision (no --precision): its weights
  // are the bytes the engine loads from it (CheckpointSummary.loadedBytes), not the architecture's
  // estimate; per-GPU weights scale by the same factor.
  const ckpt = req.model.checkpoint;
  const archWeights = weightsBytes(tensors, precision, skip);
  const stored =
    ckpt && !req.precision && archWeights > 0
      ? { bytes: ckpt.loadedBytes, factor: ckpt.loadedBytes / archWeights }
      : null;
  if (stored && ckpt)
    notes.push(
      `weights as stored in ${ckpt.files.length} checkpoint file${ckpt.files.length > 1 ? "s" : ""} (${ckpt.label}): ` +
        `${stored.bytes} bytes; split over GPUs in proportion to the architecture's split`,
    );
  // Weights per GPU depend on the split only, not on the GPU type: compute each split once.
  const stageCache = new Map<string, StageWeights[]>();
  // The engine's precision on a GPU: MXFP4 experts padded as that GPU's MoE backend stores them.
  const onGpu = (gpu: GpuEntry) => mxfp4Backend(precision, gpu);
  const stageWeights = (tp: number, pp: number, p: Precision = precision): StageWeights[] => {
    const key = `${tp}x${pp}:${p.format.kind === "mxfp4" && p.format.pad ? p.format.pad.backend : ""}`;
    let w = stageCache.get(key);
    if (!w) {
      w = weightsPerStage(arch, tensors, p, tp, pp, skip);
      if (stored) {
        // The checkpoint's own bytes, split over TP ranks and PP stages as the architecture splits them.
        const f = stored.factor;
        w = w.map((st) => ({
          ...st,
          bytesPerGpu: Math.round(st.bytesPerGpu * f),
          expertBytesPerGpu: Math.round(st.expertBytesPerGpu * f),
        }));
      }
      stageCache.set(key, w);
    }
    return w;
  };

  const place = (gpu: GpuEntry, tp: number, pp: number): PlacementResult => {
    const base = defaultVllmSettings(gpu.memoryBytes.value, gpu.name);
    const settings: VllmSettings = {
      ...base,
      gpuMemoryUtilization: req.gpuMemoryUtilization,
      maxNumBatchedTokens: req.maxNumBatchedTokens ?? base.maxNumBatchedTokens,
      maxNumSeqs: req.maxNumSeqs ?? base.maxNumSeqs,
    };
    const gpuPrecision = onGpu(gpu);
    const p = vllmPlacement({
      arch,
      tensors,
      precision: gpuPrecision,
      skip,
      kvCacheDtype: req.kvCacheDtype,
      gpuMemoryBytes: gpu.memoryBytes.value,
      tp,
      pp,
      maxModelLen,
      settings,
      stageWeights: stageWeights(tp, pp, gpuPrecision),
    });
    let { fits, reason } = p;
    if (fits && p.maxConcurrency < req.concurrency) {
      fits = false;
      reason = `${Math.floor(p.maxConcurrency)} sequences of ${maxModelLen} tokens fit, ${req.concurrency} requested`;
    }
    const price = cheapestPrice(gpu);
    const count = tp * pp;
    const nodes = Math.ceil(count / GPUS_PER_NODE);
    const performance = p.fits
      ? predictPerformance({
          arch,
          params: counts,
          precision: gpuPrecision,
          kvCacheDtype: req.kvCacheDtype,
          gpu,
          tp,
          pp,
          nodes,
          replicas: 1,
          engine: req.engine ?? "vllm",
          stages: stageWeights(tp, pp, gpuPrecision),
          kvCacheTokens: p.kvCacheTokens,
          maxNumSeqs: ENGINE_EFFICIENCY[req.engine ?? "vllm"].defaultMaxSeqs ?? settings.maxNumSeqs,
          maxNumBatchedTokens: settings.maxNumBatchedTokens,
          workload: {
            inputTokens: workload.inputTokens,
            outputTokens: workload.outputTokens,
            concurrency: workload.requestRate === null ? req.concurrency : null,
            requestRate: workload.requestRate,
          },
        })
      : null;
    return {
      gpu: gpu.id,
      gpuName: gpu.name,
      count,
      tensorParallel: tp,
      pipelineParallel: pp,
      nodes,
      fits,
      reason,
      perGpu: p.perGpu,
      kvCacheTokens: p.kvCacheTokens,
      maxConcurrency: p.maxConcurrency,
      engineSettings: settings,
      costPerHourUsd: price ? Math.round(price.usdPerGpuHour * count * 100) / 100 : null,
      priceSource: price ? `${price.provider} ${price.basis}, ${price.date}` : null,
      performance,
    };
  };

  /** The smallest placement on this GPU that fits, or the largest tried when none does. */
  const search = (gpu: GpuEntry): PlacementResult => {
    let last: PlacementResult | null = null;
    const counts = req.gpus !== undefined ? [req.gpus] : COUNTS;
    for (const count of counts) {
      for (const { tp, pp } of splits(count)) {
        if (req.tp !== undefined && tp !== req.tp) continue;
        if (req.pp !== undefined && pp !== req.pp) continue;
        if (parallelismProblem(arch, tp, pp, precision)) continue;
        const r = place(gpu, tp, pp);
        if (r.fits) return r;
        last = r;
        break; // widest valid TP for this count tried; go to more GPUs
      }
    }
    if (last) return last;
    const tp = req.tp ?? 1;
    const pp = req.pp ?? 1;
    assertParallelism(arch, tp, pp, precision);
    return place(gpu, tp, pp);
  };

  const result: EstimateResult = {
    model: {
      id: req.model.id,
      name: req.model.name,
      hfId: req.model.hfId,
      resolvedFrom: req.model.resolvedFrom,
      source: req.model.source,
      params: ckpt ? ckpt.loadedParams : counts.total,
      // Tensors the architecture does not model (if any) are counted as always active.
      activeParams: ckpt ? Math.max(0, counts.active + ckpt.loadedParams - counts.total) : counts.active,
      paramsByRole: counts.byRole,
      architecture: archSummary(arch),
      ...(ckpt ? { checkpoint: checkpointBrief(ckpt) } : {}),
    },
    precision: precision.id,
    precisionLabel: stored && ckpt?.format === "gguf" ? ckpt.label : precision.label,
    kvCacheDtype: req.kvCacheDtype,
    maxModelLen,
    concurrency: req.concurrency,
    engine: { name: "vllm", version: VLLM.version, source: VLLM.source },
    memory: {
      weightsBytes: stored ? stored.bytes : archWeights,
      kvCacheBytesPerToken: kvBytesPerToken(arch, req.kvCacheDtype),
      kvCacheBytesPerSequence: kvPerSeq,
      kvCacheBytesForConcurrency: kvPerSeq * req.concurrency,
    },
    workload: { ...workload, concurrency: req.concurrency },
    performance: null,
    notes,
  };

  if (req.gpu) {
    const explicit = req.gpus !== undefined || req.tp !== undefined || req.pp !== undefined;
    if (explicit) {
      let tp = req.tp;
      let pp = req.pp;
      const n = req.gpus;
      if (n !== undefined) {
        if (!Number.isInteger(n) || n < 1) throw new UserError(`--gpus must be a positive integer, got ${n}`);
        if (tp === undefined && pp === undefined) {
          const valid = splits(n).find((s) => !parallelismProblem(arch, s.tp, s.pp, precision));
          tp = valid?.tp ?? Math.min(n, GPUS_PER_NODE);
          pp = valid?.pp ?? n / tp;
        } else if (tp === undefined) tp = n / pp!;
        else if (pp === undefined) pp = n / tp;
        if (tp * pp! !== n) {
          throw new UserError(
            `--tp ${tp} × --pp ${pp} is not --gpus ${n}`,
            "give --gpus alone, or --tp and --pp that multiply to it",
          );
        }
      }
      tp ??= 1;
      pp ??= 1;
      assertParallelism(arch, tp, pp, precision);
      result.placement = place(req.gpu, tp, pp);
    } else {
      result.placement = search(req.gpu);
    }
  } else {
    result.gpus = req.catalog.map(search);
  }
  const withPerf = (p: PlacementResult | undefined) =>
    p?.performance ? { ...p.performance, gpu: p.gpu, count: p.count } : null;
  if (result.placement) result.performance = withPerf(result.placement);
  else if (result.gpus) {
    const fits = result.gpus.filter((g) => g.fits && g.performance);
    const unsaturated = fits.filter((g) => !g.performance!.saturated);
    const fitting = unsaturated.length ? unsaturated : fits;
    const cheapest = [...fitting].sort(
      (a, b) => (a.costPerHourUsd ?? Infinity) - (b.costPerHourUsd ?? Infinity),
    )[0];
    result.performance = withPerf(cheapest);
  }
  return result;
}
