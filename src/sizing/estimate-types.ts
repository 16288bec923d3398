/**
 * The shapes `estimate` takes and returns (EstimateRequest, EstimateResult, PlacementResult) and the
 * architecture summary it reports. Split from estimate.ts; estimate.ts re-exports everything here.
 */
import type { CalibrationUse, LoadedProfile } from "../calibrate/apply.js";
import type { DeviceEntry, LongContext, Source } from "../catalog/types.js";
import type { CheckpointReport } from "../checkpoints/sizing.js";
import type { GpuLedger, LedgerLine, RuntimeSettings } from "../engines/types.js";
import type { ModelArch } from "../models/arch.js";
import type { CheckpointSummary, checkpointBrief } from "../models/checkpoint.js";
import type { InstanceChoice, Performance } from "../contract/plan.js";
import { DEFAULTS } from "../defaults.js";
import type { ParamCount } from "./inventory.js";
import type { HybridKvSummary } from "./estimate-notes.js";
import type { KvCacheDtype } from "./kv.js";

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
    /** The model's published way past its context, named when a request does not fit. */
    longContext?: LongContext | undefined;
  };
  precision?: string | undefined;
  kvCacheDtype: KvCacheDtype;
  maxModelLen?: number | undefined;
  concurrency: number;
  gpu?: DeviceEntry | undefined;
  gpus?: number | undefined;
  tp?: number | undefined;
  pp?: number | undefined;
  /** The engine's share of GPU memory; its own default when absent. */
  gpuMemoryUtilization?: number | undefined;
  maxNumBatchedTokens?: number | undefined;
  maxNumSeqs?: number | undefined;
  catalog: readonly DeviceEntry[];
  /** The load the performance prediction assumes (concurrency comes from `concurrency`). */
  workload?:
    | { inputTokens: number; outputTokens: number; requestRate: number | null; numRequests?: number | null }
    | undefined;
  /** Engine name; absent: llama.cpp for GGUF precisions and files, else vLLM. */
  engine?: string | undefined;
  /** Engine release ("X.Y" or "X.Y.Z"); absent: the pinned image's. */
  engineVersion?: string | undefined;
  /** No CUDA graphs (vLLM --enforce-eager). */
  enforceEager?: boolean | undefined;
  /** How the engine is started (vLLM's Python LLM class has other batch defaults); absent: its server. */
  entryPoint?: "serve" | "llm" | undefined;
  /** A calibration profile: its factors apply to placements on its GPU × engine (src/calibrate/apply.ts). */
  calibration?: LoadedProfile | null | undefined;
}

/** Request shape assumed when the user gives none (the plan spec's documented defaults). */
export const DEFAULT_WORKLOAD = {
  inputTokens: DEFAULTS.inputTokens,
  outputTokens: DEFAULTS.outputTokens,
  requestRate: null,
};

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
  /** perGpu in the engine's own terms, top to bottom. */
  ledger: LedgerLine[];
  kvCacheTokens: number;
  maxConcurrency: number;
  engineSettings: RuntimeSettings;
  /** Layers the engine would run on the CPU because they do not fit (Ollama's scheduler); absent: none. */
  offloadedLayers?: number;
  /** KV block size the engine uses (vLLM forces 64 or 128 for MLA models on Hopper and Blackwell). */
  blockSize?: number;
  /** vLLM's hybrid pool (models with per-sequence state or DeepSeek sparse attention). */
  hybridKv?: HybridKvSummary;
  /**
   * US dollars an hour for this placement, priced as `plan` prices one replica (planner/pricing.ts
   * priceDeployment): the cheapest on-demand instance of AWS, Google Cloud or Azure that holds each
   * node, rented whole; null when none rents this GPU, or none holds a node.
   */
  costPerHourUsd: number | null;
  /** Where costPerHourUsd comes from: the instances rented ("1× a3-highgpu-2g (2 GPUs, ...)"), or why none. */
  priceSource: string | null;
  /** The instances priced (provider, type, count, GPUs unused); null when none was. */
  instance: InstanceChoice | null;
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
      /** Layers of each kind (src/models/arch.ts LayerAttention): full, sliding, chunked, linear, mamba, none. */
      layerKinds: Record<string, number>;
      /** Llama 4's attention chunk, when chunked layers exist. */
      attentionChunkSize: number | null;
      experts: number | null;
      expertsPerToken: number | null;
    };
    /** What the checkpoint's headers say (present for local safetensors, Hub and GGUF models). */
    checkpoint?: ReturnType<typeof checkpointBrief>;
  };
  precision: string;
  precisionLabel: string;
  /**
   * The checkpoint that was sized and that the engine would load (src/checkpoints/resolve.ts), with
   * its model argument and quantization flag; null when none is published for this precision and
   * engine: the figures then size the format from the architecture (see notes).
   */
  checkpoint: CheckpointReport | null;
  kvCacheDtype: KvCacheDtype;
  maxModelLen: number;
  concurrency: number;
  /** The engine whose memory model and efficiencies produced the figures. */
  engine: { name: string; version: string; source: string; image: string; memoryModel: string };
  memory: {
    /** The whole model's weights as the engine loads them. */
    weightsBytes: number;
    /** What one more token adds to the KV cache across all layers (context shorter than every window). */
    kvCacheBytesPerToken: number;
    /** KV cache of one sequence of maxModelLen (sliding-window layers capped at their window). */
    kvCacheBytesPerSequence: number;
    /**
     * Fixed state of one sequence, whatever its length, in the linear-attention and Mamba layers
     * (recurrent + conv state, before any engine's paging); 0 for other models.
     */
    stateBytesPerSequence: number;
    /** KV cache and state of `concurrency` such sequences. */
    kvCacheBytesForConcurrency: number;
  };
  placement?: PlacementResult;
  gpus?: PlacementResult[];
  /** The workload the performance figures assume. */
  workload: {
    inputTokens: number;
    outputTokens: number;
    concurrency: number;
    requestRate: number | null;
    /** A finite run replayed pass by pass (--num-requests), else absent. */
    numRequests?: number | null;
  };
  /**
   * Predicted performance of the placement (--gpu), or of the cheapest fitting GPU in the list;
   * null when nothing fits. `gpu` and `count` say which.
   */
  performance: (Performance & { gpu: string; count: number }) | null;
  /** The calibration profile applied to the placements on its GPU, or null when none was. */
  calibration: CalibrationUse | null;
  notes: string[];
}

export function archSummary(a: ModelArch): EstimateResult["model"]["architecture"] {
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
    layerKinds: a.layerTypes.reduce<Record<string, number>>((m, t) => ({ ...m, [t]: (m[t] ?? 0) + 1 }), {}),
    attentionChunkSize: a.layerTypes.includes("chunked") ? (a.attentionChunkSize ?? null) : null,
    experts: a.moe?.numExperts ?? null,
    expertsPerToken: a.moe?.expertsPerToken ?? null,
  };
}
