/**
 * vLLM's memory budget, per GPU, as the V1 engine computes it at start-up:
 *
 *   requested  = gpu_memory_utilization × total GPU memory
 *   available  = requested − weights − peak activation (profile run) − non-torch memory increase
 *   KV blocks  = available ÷ (bytes of one block across this GPU's layers)
 *   KV tokens  = blocks × block_size
 *
 * Since vLLM 0.21 the CUDA graph pool is estimated during profiling and subtracted too
 * (VLLM_MEMORY_PROFILER_ESTIMATE_CUDAGRAPHS, on by default); `cudaGraphsInBudget: false` models the
 * older engines, where graphs were captured after the KV cache, on top of the budget.
 */
import type { DeviceEntry } from "../catalog/types.js";
import type { Plan } from "../contract/plan.js";
import type { ModelArch } from "../models/arch.js";
import type { Tensor } from "../sizing/inventory.js";
import { type KvCacheDtype, kvBytesForSequence, kvBytesPerTokenPerLayer } from "../sizing/kv.js";
import { type StageWeights, stageLayers, weightsPerStage } from "../sizing/placement.js";
import type { Precision } from "../sizing/weights.js";
import { CUDA13_MIN_COMPUTE_CAPABILITY, imageProblem, type ImageBuild } from "./hardware.js";
import {
  applyOverrides,
  budgetLines,
  efficiency,
  FIT,
  hfEngineSupport,
  MODEL_DIR,
  pythonHealthCheck,
  SCHEDULER,
  VLLM_SHARES,
} from "./common.js";
import type {
  EngineCommand,
  EngineModule,
  GpuLedger,
  MemoryPlacement,
  MemoryRequest,
  RuntimeSettings,
} from "./types.js";

const GiB = 1024 ** 3;

/**
 * The vLLM behaviour llmdeploy models, each constant with its source. Figures read from published
 * vLLM start-up logs are quoted with their URL.
 */
export const VLLM = {
  /** Behaviour modelled: V1 engine with CUDA graph memory profiling on (the default since v0.21.0). */
  version: "0.21+",
  source:
    "https://github.com/gpustack/runner/pull/251 (vLLM 0.27.1 log: 'CUDA graph memory profiling is enabled (default since v0.21.0)')",
  /** --gpu-memory-utilization default. Source: vLLM docs / engine args (0.9). */
  gpuMemoryUtilization: 0.9,
  /** KV cache block size on CUDA (tokens). Source: vLLM cache config default block_size 16. */
  blockSize: 16,
  /**
   * `vllm serve` raises max_num_batched_tokens / max_num_seqs on GPUs with at least 70 GiB that are
   * not A100 (engine/arg_utils.py default_max_num_batched_tokens / default_max_num_seqs).
   */
  largeGpuThresholdBytes: 70 * GiB,
  maxNumBatchedTokensLarge: 8192,
  maxNumBatchedTokensSmall: 2048,
  maxNumSeqsLarge: 1024,
  maxNumSeqsSmall: 256,
  /**
   * Bytes per vocabulary entry per sequence in the dummy sampler run: fp32 logits, fp32 probabilities
   * after softmax and fp32 log-probabilities (3 × 4 bytes).
   */
  samplerBytesPerLogit: 12,
  /**
   * Non-torch memory that grows during profiling (cuBLAS workspaces etc.), measured against the
   * baseline taken after the CUDA context exists. Logs: 0.16 GiB (H100, Llama 3.2 11B Vision,
   * https://github.com/vllm-project/vllm/pull/12126), 0.20 GiB (RTX 3090,
   * https://github.com/vllm-project/vllm/pull/14447), 0.16 GiB (H100,
   * https://github.com/kubernetes-sigs/gateway-api-inference-extension/pull/550).
   */
  nonTorchBytes: 0.2 * GiB,
  /**
   * Estimated CUDA graph pool with the default capture sizes (up to 512): "Estimated CUDA graph
   * memory: 0.44 GiB total" (https://github.com/vllm-project/vllm/pull/48214, PIECEWISE=51,
   * largest=512); 0.36 GiB with 16 sizes (https://github.com/gpustack/runner/pull/251).
   */
  cudaGraphBytes: 0.44 * GiB,
} as const;

/** @deprecated the engine-neutral name is RuntimeSettings. */
export type VllmSettings = RuntimeSettings;

/** vLLM's defaults for `vllm serve` on a GPU with this much memory (engine/arg_utils.py). */
export function defaultVllmSettings(gpuMemoryBytes: number, gpuName = ""): RuntimeSettings {
  const big = gpuMemoryBytes >= VLLM.largeGpuThresholdBytes && !/a100/i.test(gpuName);
  return {
    gpuMemoryUtilization: VLLM.gpuMemoryUtilization,
    blockSize: VLLM.blockSize,
    maxNumBatchedTokens: big ? VLLM.maxNumBatchedTokensLarge : VLLM.maxNumBatchedTokensSmall,
    maxNumSeqs: big ? VLLM.maxNumSeqsLarge : VLLM.maxNumSeqsSmall,
    enforceEager: false,
    cudaGraphsInBudget: true,
  };
}

/**
 * Peak activation memory of the profile run on one GPU: vLLM pushes max_num_batched_tokens tokens
 * through the model once, and the sampler once over max_num_seqs rows of logits. Activations are
 * freed layer by layer, so the peak is the largest single layer's live tensors, or the sampler's.
 *
 * Per token, the largest live set of a layer is the residual stream and its normed copy (2 × hidden),
 * plus the bigger of attention (q, k, v on this rank, and the attention output) and the MLP
 * (gate+up output and the activated product: 3 × intermediate on this rank; a MoE layer holds that
 * for each of the top-k experts a token visits, plus the per-expert outputs). Bytes are the 16-bit
 * compute dtype. The sampler holds fp32 logits over the full vocabulary for max_num_seqs rows, plus
 * the temporaries of softmax/top-k/top-p (VLLM.samplerBytesPerLogit in all).
 */
export function activationPeakBytes(arch: ModelArch, tp: number, s: RuntimeSettings): number {
  const b = 2;
  const h = arch.hiddenSize;
  const t = s.maxNumBatchedTokens;
  const qkv = (arch.numHeads / tp + 2 * Math.max(1, arch.numKvHeads / tp)) * arch.headDim;
  const attn = qkv + (arch.numHeads * arch.vHeadDim) / tp;
  const dense = arch.intermediateSize > 0 ? (3 * arch.intermediateSize) / tp : 0;
  const moe = arch.moe
    ? (arch.moe.expertsPerToken * (3 * arch.moe.expertIntermediateSize)) / tp +
      arch.moe.expertsPerToken * h +
      (3 * arch.moe.sharedIntermediateSize) / tp
    : 0;
  const layerPeak = t * b * (2 * h + Math.max(attn, dense, moe));
  const sampler = s.maxNumSeqs * arch.vocabSize * VLLM.samplerBytesPerLogit;
  // The sampler runs while the caching allocator still holds the forward pass's largest blocks.
  return layerPeak + sampler;
}

/** CUDA graph pool with the default capture sizes; 0 with enforce_eager. */
export function cudaGraphBytes(s: RuntimeSettings): number {
  return s.enforceEager ? 0 : VLLM.cudaGraphBytes;
}

/**
 * vLLM's "GPU KV cache size": whole blocks of `blockSize` tokens, one block holding those tokens for
 * every attention layer on this GPU.
 */
export function kvTokensForBytes(
  arch: ModelArch,
  dtype: KvCacheDtype,
  tp: number,
  layersOnGpu: number,
  blockSize: number,
  bytes: number,
): number {
  const blockBytes = blockSize * kvBytesPerTokenPerLayer(arch, dtype, tp) * layersOnGpu;
  return bytes > 0 ? Math.floor(bytes / blockBytes) * blockSize : 0;
}

export interface VllmPlacement {
  tp: number;
  pp: number;
  /** The tightest GPU (the pipeline stage with the fewest KV tokens). */
  perGpu: GpuLedger;
  /** Per pipeline stage. */
  stages: { layers: number; perGpu: GpuLedger; kvCacheTokens: number }[];
  /** Tokens of KV cache (vLLM's "GPU KV cache size"): the minimum over stages. */
  kvCacheTokens: number;
  /** Bytes of KV one full sequence of maxModelLen needs across the model. */
  kvBytesPerSequence: number;
  /** Sequences of maxModelLen that fit at once (vLLM's "Maximum concurrency"). */
  maxConcurrency: number;
  fits: boolean;
  /** Why it does not fit, when it does not. */
  reason: string | null;
}

/** vLLM's per-GPU memory ledger and KV capacity for one placement. */
export function vllmPlacement(args: {
  arch: ModelArch;
  tensors: readonly Tensor[];
  precision: Precision;
  skip: readonly string[];
  kvCacheDtype: KvCacheDtype;
  gpuMemoryBytes: number;
  tp: number;
  pp: number;
  maxModelLen: number;
  settings: RuntimeSettings;
  /** Precomputed weightsPerStage for this TP/PP (the same for every GPU type); computed when absent. */
  stageWeights?: StageWeights[];
}): VllmPlacement {
  const { arch, tp, pp, settings: s } = args;
  const stagesW = args.stageWeights ?? weightsPerStage(arch, args.tensors, args.precision, tp, pp, args.skip);
  const layerSets = stageLayers(arch.numLayers, pp);
  const perLayer = kvBytesPerTokenPerLayer(arch, args.kvCacheDtype, tp);
  const activation = activationPeakBytes(arch, tp, s);
  const nonTorch = VLLM.nonTorchBytes;
  const graphs = cudaGraphBytes(s);
  const budget = s.gpuMemoryUtilization * args.gpuMemoryBytes;
  const stages = stagesW.map((st, i) => {
    const layers = layerSets[i]!;
    const kv = budget - st.bytesPerGpu - activation - nonTorch - (s.cudaGraphsInBudget ? graphs : 0);
    const ledger: GpuLedger = {
      totalBytes: args.gpuMemoryBytes,
      budgetBytes: Math.floor(budget),
      weightsBytes: st.bytesPerGpu,
      activationBytes: Math.round(activation),
      nonTorchBytes: nonTorch,
      kvCacheBytes: Math.floor(kv),
      cudaGraphBytes: Math.round(graphs),
    };
    return {
      layers: layers.length,
      perGpu: ledger,
      kvCacheTokens: kvTokensForBytes(arch, args.kvCacheDtype, tp, layers.length, s.blockSize, kv),
      layerIdx: layers,
    };
  });
  const tight = stages.reduce((a, b) => (b.kvCacheTokens < a.kvCacheTokens ? b : a));
  const kvBytesPerSequence = kvBytesForSequence(arch, args.kvCacheDtype, args.maxModelLen, tp);
  // Concurrency: how many sequences' KV fit in the pool of the tightest stage. Sliding-window
  // layers need only their window per sequence.
  const seqBytesTight = kvBytesForSequence(arch, args.kvCacheDtype, args.maxModelLen, tp, tight.layerIdx);
  const poolBytes = tight.kvCacheTokens * perLayer * tight.layers;
  const maxConcurrency = seqBytesTight > 0 ? poolBytes / seqBytesTight : 0;
  let reason: string | null = null;
  if (tight.perGpu.kvCacheBytes <= 0) {
    reason = "weights and activations exceed the memory budget";
  } else if (maxConcurrency < 1) {
    reason = `the KV cache holds ${tight.kvCacheTokens} tokens, less than one sequence of ${args.maxModelLen}`;
  } else if (
    !s.cudaGraphsInBudget &&
    tight.perGpu.budgetBytes + tight.perGpu.cudaGraphBytes > args.gpuMemoryBytes
  ) {
    reason = "CUDA graphs do not fit beside the budget; lower --gpu-memory-utilization";
  }
  return {
    tp,
    pp,
    perGpu: tight.perGpu,
    stages: stages.map(({ layers, perGpu, kvCacheTokens }) => ({ layers, perGpu, kvCacheTokens })),
    kvCacheTokens: tight.kvCacheTokens,
    kvBytesPerSequence,
    maxConcurrency: Math.floor(maxConcurrency * 100) / 100,
    fits: reason === null,
    reason,
  };
}

/** The module's memory model: vLLM's budget for one placement, in its own terms. */
export function vllmMemory(req: MemoryRequest, budgetName = "gpu_memory_utilization"): MemoryPlacement {
  const p = vllmPlacement({
    arch: req.arch,
    tensors: req.tensors,
    precision: req.precision,
    skip: req.skip,
    kvCacheDtype: req.kvCacheDtype,
    gpuMemoryBytes: req.device.memoryBytes.value,
    tp: req.tp,
    pp: req.pp,
    maxModelLen: req.maxModelLen,
    settings: req.settings,
    stageWeights: req.stageWeights,
  });
  return {
    perGpu: p.perGpu,
    lines: budgetLines(p.perGpu, req.settings, budgetName),
    stages: req.stageWeights,
    kvCacheTokens: p.kvCacheTokens,
    maxConcurrency: p.maxConcurrency,
    fits: p.fits,
    reason: p.reason,
  };
}

/**
 * `vllm serve` with every setting from the plan (https://docs.vllm.ai/en/stable/cli/serve.html).
 * Flags are the current ones of the releases since 0.18, which dropped `--swap-space`
 * (vllm-project/vllm#36216) and `--disable-log-requests`; neither is ever written.
 */
function command(plan: Plan): EngineCommand {
  const d = plan.recommendation;
  const e = d.engine;
  const multiNode = d.nodes > 1 ? "ray" : null;
  const args = [
    "serve",
    e.modelRef,
    "--served-model-name",
    e.servedModelName,
    "--host",
    "0.0.0.0",
    "--port",
    String(plan.spec.port),
    "--tensor-parallel-size",
    String(d.tensorParallel),
    "--pipeline-parallel-size",
    String(d.pipelineParallel),
    "--max-model-len",
    String(e.maxModelLen),
    "--gpu-memory-utilization",
    String(e.gpuMemoryUtilization),
    "--max-num-seqs",
    String(e.maxNumSeqs),
    "--max-num-batched-tokens",
    String(e.maxNumBatchedTokens),
    "--block-size",
    String(e.blockSize),
  ];
  if (e.kvCacheDtype === "fp8") args.push("--kv-cache-dtype", "fp8");
  if (e.quantization) args.push("--quantization", e.quantization);
  if (e.dtype === "half") args.push("--dtype", "half");
  if (multiNode === "ray") args.push("--distributed-executor-backend", "ray");
  const url = `http://127.0.0.1:${plan.spec.port}/health`;
  return {
    engine: "vllm",
    program: "vllm",
    args,
    env: { HF_HOME: MODEL_DIR },
    healthPath: "/health",
    metricsPath: "/metrics",
    usesHfHub: true,
    multiNode,
    pullAfterStart: null,
    needsScript: multiNode !== null,
    healthCommand: pythonHealthCheck(url),
    modelFile: null,
  };
}

/**
 * The pinned image's build. vLLM's images are CUDA 13 builds from v0.20.0 on (the CUDA 12 build is
 * the -cu129 tag): https://github.com/vllm-project/vllm/issues/42738 ("After v0.20.0, default
 * wheel/docker nightly version is cu130"); NVIDIA/Model-Optimizer .agents/skills/evaluation/SKILL.md
 * ("≥ v0.20.0 | unsuffixed [CUDA-13 tag] | suffixed -cu129"). AMD publishes ROCm builds as rocm/vllm
 * (https://rocm.docs.amd.com/projects/ai-ecosystem/en/latest/inference/vllm.html); Gaudi support lives
 * in the vLLM-Gaudi plugin (https://docs.vllm.ai/en/v0.15.1/features/quantization/: "All Intel Gaudi
 * quantization support has been migrated to vLLM-Gaudi").
 */
export const VLLM_IMAGE_BUILD: ImageBuild = {
  cuda: "13.0",
  minComputeCapability: CUDA13_MIN_COMPUTE_CAPABILITY,
  why: "whose kernels start at compute capability 7.5",
  source: "https://github.com/vllm-project/vllm/issues/42738",
  amd: "vLLM's ROCm build (AMD publishes rocm/vllm images)",
  gaudi: "the vLLM-Gaudi plugin's build",
};

export const vllm: EngineModule = {
  name: "vllm",
  label: "vLLM",
  image: {
    image: "vllm/vllm-openai:v0.28.0",
    version: "0.28.0",
    source: "https://github.com/coreweave/ml-containers/pull/218 ('vLLM 0.28.0 was released', 2026-08-26)",
  },
  checkpointFormat: "safetensors",
  defaultPort: 8000,
  defaultGpuMemoryUtilization: VLLM.gpuMemoryUtilization,
  parallel: { tensor: true, layersInNode: true, multiNode: "ray", maxGpus: null },
  efficiency: efficiency(VLLM_SHARES, SCHEDULER, FIT),
  memoryModel: `vLLM ${VLLM.version} budget (gpu_memory_utilization × total − weights − activation peak − non-torch − CUDA graphs)`,
  settings: (device: DeviceEntry, o) =>
    applyOverrides(defaultVllmSettings(device.memoryBytes.value, device.name), o),
  supportProblem: (d, p) => imageProblem(vllm, VLLM_IMAGE_BUILD, d) ?? hfEngineSupport(d, p),
  memory: (req) => vllmMemory(req),
  startupLog: "vllm",
  command,
  // https://docs.vllm.ai/en/stable/usage/metrics/ (V1 engine): vllm:num_requests_waiting,
  // vllm:kv_cache_usage_perc (named vllm:gpu_cache_usage_perc before 0.10),
  // vllm:time_to_first_token_seconds (histogram).
  metrics: {
    waiting: "vllm:num_requests_waiting",
    kvUsage: ["vllm:kv_cache_usage_perc", "vllm:gpu_cache_usage_perc"],
    ttftBucket: "vllm:time_to_first_token_seconds_bucket",
  },
};
