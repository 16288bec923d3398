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
 * older engines, where graphs were captured after the KV cache, on top of the budget. What changes
 * between releases (defaults, the sampler's temporaries, where graphs go) comes from vllm-versions.ts
 * through `vllmBehaviour(version)`; V0 (before 0.8) sizes its cache by the same arithmetic.
 */
import type { DeviceEntry } from "../catalog/types.js";
import type { Plan } from "../contract/plan.js";
import type { ModelArch } from "../models/arch.js";
import type { Tensor } from "../sizing/inventory.js";
import { type KvCacheDtype, kvBytesForSequence, kvBytesPerTokenPerLayer } from "../sizing/kv.js";
import { type StageWeights, stageLayers, weightsPerStage } from "../sizing/placement.js";
import type { Precision } from "../sizing/weights.js";
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
import { ruleFor, parseVersion, versionFromLog, versionRange } from "./version.js";
import {
  BATCH_DEFAULTS,
  type BatchDefaults,
  CUDA_GRAPHS_IN_BUDGET,
  ENGINE,
  GPU_MEMORY_UTILIZATION,
  type LargeGpuRule,
  MLA_BLOCK,
  SAMPLER,
  type SamplerProfile,
  VLLM_NEWEST_MINOR,
  VLLM_OLDEST,
  VLLM_PINNED,
} from "./vllm-versions.js";
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
 * The vLLM behaviour llmdeploy models that does not change between releases, each constant with its
 * source; what does change lives in vllm-versions.ts. Figures read from published vLLM start-up logs
 * are quoted with their URL.
 */
export const VLLM = {
  /** The pinned release: its behaviour is the default. */
  version: VLLM_PINNED,
  source: "https://github.com/coreweave/ml-containers/pull/218 ('vLLM 0.28.0 was released', 2026-08-26)",
  /** --gpu-memory-utilization default of the pinned release (vllm-versions.ts GPU_MEMORY_UTILIZATION). */
  gpuMemoryUtilization: ruleFor(GPU_MEMORY_UTILIZATION, parseVersion(VLLM_PINNED)!, "utilization").value,
  /** KV cache block size on CUDA (tokens). Source: vLLM cache config default block_size 16. */
  blockSize: 16,
  /** The device-memory threshold of the large batch defaults (engine/arg_utils.py). */
  largeGpuThresholdBytes: 70 * GiB,
  /**
   * Non-torch memory that grows during profiling (cuBLAS workspaces etc.), measured against the
   * baseline taken after the CUDA context exists. Logs: 0.16 GiB (H100, Llama 3.2 11B Vision,
   * https://github.com/vllm-project/vllm/pull/12126), 0.20 GiB (RTX 3090,
   * https://github.com/vllm-project/vllm/pull/14447), 0.16 GiB (H100,
   * https://github.com/kubernetes-sigs/gateway-api-inference-extension/pull/550).
   */
  nonTorchBytes: Math.round(0.2 * GiB),
  /**
   * Estimated CUDA graph pool with the default capture sizes (up to 512): "Estimated CUDA graph
   * memory: 0.44 GiB total" (https://github.com/vllm-project/vllm/pull/48214, PIECEWISE=51,
   * largest=512); 0.36 GiB with 16 sizes (https://github.com/gpustack/runner/pull/251).
   */
  cudaGraphBytes: 0.44 * GiB,
} as const;

/** The releases of vLLM llmdeploy models. */
export const VLLM_RANGE = versionRange("vLLM", VLLM_PINNED, VLLM_OLDEST, VLLM_NEWEST_MINOR);

/** vLLM's memory-relevant behaviour at one release (canonical X.Y.Z), from vllm-versions.ts. */
export interface VllmBehaviour {
  version: string;
  engine: "V0" | "V1";
  gpuMemoryUtilization: number;
  cudaGraphsInBudget: boolean;
  batch: BatchDefaults;
  sampler: SamplerProfile;
  mlaBlock: { hopper: number; blackwell: number };
}

export function vllmBehaviour(version: string = VLLM_PINNED): VllmBehaviour {
  const v = versionFromLog(version);
  if (!v) throw new Error(`not a vLLM version: ${version}`);
  return {
    version,
    engine: ruleFor(ENGINE, v, "engine").value,
    gpuMemoryUtilization: ruleFor(GPU_MEMORY_UTILIZATION, v, "utilization").value,
    cudaGraphsInBudget: ruleFor(CUDA_GRAPHS_IN_BUDGET, v, "CUDA graph").value,
    batch: ruleFor(BATCH_DEFAULTS, v, "batch").value,
    sampler: ruleFor(SAMPLER, v, "sampler").value,
    mlaBlock: ruleFor(MLA_BLOCK, v, "MLA block").value,
  };
}

/** @deprecated the engine-neutral name is RuntimeSettings. */
export type VllmSettings = RuntimeSettings;

function isLarge(rule: LargeGpuRule, bytes: number, name: string): boolean {
  switch (rule) {
    case "all":
      return true;
    case "h100-h200":
      return /h100|h200/i.test(name);
    case "70gib":
      return bytes >= VLLM.largeGpuThresholdBytes;
    case "70gib-not-a100":
      return bytes >= VLLM.largeGpuThresholdBytes && !/a100/i.test(name);
  }
}

/**
 * vLLM's defaults on a GPU with this much memory (engine/arg_utils.py at that release): `vllm serve`
 * unless `entryPoint` is "llm" (the Python LLM class). V0 profiles max(max_model_len, 2048) tokens
 * unless chunked prefill is on (it turns it on by itself above 32K tokens).
 */
export function defaultVllmSettings(
  gpuMemoryBytes: number,
  gpuName = "",
  opts: { version?: string; maxModelLen?: number; entryPoint?: "serve" | "llm"; enforceEager?: boolean } = {},
): RuntimeSettings {
  const b = vllmBehaviour(opts.version ?? VLLM_PINNED);
  const entry = opts.entryPoint ?? "serve";
  let maxNumSeqs: number;
  let maxNumBatchedTokens: number;
  if (b.batch.kind === "v0") {
    const len = opts.maxModelLen ?? 2048;
    maxNumSeqs = b.batch.maxNumSeqs;
    maxNumBatchedTokens = len > b.batch.longContext ? b.batch.chunkedTokens : Math.max(len, 2048);
  } else {
    const s = b.batch.maxNumSeqs;
    const t = b.batch.maxNumBatchedTokens;
    maxNumBatchedTokens = (isLarge(t.rule, gpuMemoryBytes, gpuName) ? t.large : t.small)[entry];
    // arg_utils.py: max_num_seqs = min(default_max_num_seqs, max_num_batched_tokens)
    maxNumSeqs = Math.min(
      (isLarge(s.rule, gpuMemoryBytes, gpuName) ? s.large : s.small)[entry],
      maxNumBatchedTokens,
    );
  }
  return {
    gpuMemoryUtilization: b.gpuMemoryUtilization,
    blockSize: VLLM.blockSize,
    maxNumBatchedTokens,
    maxNumSeqs,
    enforceEager: opts.enforceEager ?? false,
    cudaGraphsInBudget: b.cudaGraphsInBudget,
    engineVersion: b.version,
  };
}

/**
 * Peak of one layer's live tensors when the profile run pushes max_num_batched_tokens tokens through
 * the model, on one GPU, in bytes of the 16-bit compute dtype. Per token: three hidden-size buffers
 * (the layer's input, which the model's loop still references; the residual; the normed input of the
 * block), plus the larger of attention (q, k, v on this rank and the attention output) and the MLP
 * (gate+up output and the activated product: 3 × intermediate on this rank; a MoE layer holds that for
 * each of the top-k experts a token visits, plus the per-expert outputs).
 */
export function forwardPeakBytes(arch: ModelArch, tp: number, tokens: number): number {
  const h = arch.hiddenSize;
  const qkv = (arch.numHeads / tp + 2 * Math.max(1, arch.numKvHeads / tp)) * arch.headDim;
  const attn = qkv + (arch.numHeads * arch.vHeadDim) / tp;
  const dense = arch.intermediateSize > 0 ? (3 * arch.intermediateSize) / tp : 0;
  const moe = arch.moe
    ? (arch.moe.expertsPerToken * (3 * arch.moe.expertIntermediateSize)) / tp +
      arch.moe.expertsPerToken * h +
      (3 * arch.moe.sharedIntermediateSize) / tp
    : 0;
  return tokens * 2 * (3 * h + Math.max(attn, dense, moe));
}

/**
 * Peak of the profile run's dummy sampler on the last pipeline stage, in bytes: min(max_num_seqs,
 * max_num_batched_tokens) sequences of logits over the whole vocabulary (every TP rank holds them all)
 * times the release's bytes per entry (vllm-versions.ts SAMPLER), plus the dummy run's output hidden
 * states and residual (2 × tokens × hidden × 2 bytes), which stay allocated while it samples.
 * Published H100 peaks at 1024 sequences exceed the sampler term by about that much (llm-d's empirical
 * vLLM memory results: Llama 3.1 8B 4.76 GiB = 4.65 + 0.125; gpt-oss-20b 7.38 GiB = 7.29 + 0.09).
 */
export function samplerPeakBytes(arch: ModelArch, s: RuntimeSettings): number {
  const rows = Math.min(s.maxNumSeqs, s.maxNumBatchedTokens);
  const perLogit = vllmBehaviour(s.engineVersion).sampler.bytesPerLogit;
  return rows * arch.vocabSize * perLogit + 2 * s.maxNumBatchedTokens * arch.hiddenSize * 2;
}

/**
 * Peak activation memory of the profile run on one GPU (vLLM's "PyTorch activation peak" / "torch peak
 * memory increase", an allocated-bytes peak): the forward pass and the sampler run one after the other,
 * so the peak is the larger of the two. Stages other than the last run no sampler (`lastStage` false).
 */
export function activationPeakBytes(
  arch: ModelArch,
  tp: number,
  s: RuntimeSettings,
  lastStage = true,
): number {
  const forward = forwardPeakBytes(arch, tp, s.maxNumBatchedTokens);
  return lastStage ? Math.max(forward, samplerPeakBytes(arch, s)) : forward;
}

/** CUDA graph pool with the default capture sizes; 0 with enforce_eager. */
export function cudaGraphBytes(s: RuntimeSettings): number {
  return s.enforceEager ? 0 : VLLM.cudaGraphBytes;
}

/**
 * KV block size vLLM uses: `blockSize` except for MLA models, whose backend forces its own on Hopper
 * (FlashMLA) and Blackwell (CUTLASS MLA) (vllm-versions.ts MLA_BLOCK).
 */
export function effectiveBlockSize(arch: ModelArch, s: RuntimeSettings, computeCapability?: number): number {
  if (!arch.mla || computeCapability === undefined) return s.blockSize;
  const b = vllmBehaviour(s.engineVersion).mlaBlock;
  if (computeCapability >= 10 && computeCapability < 11) return b.blackwell;
  if (computeCapability >= 9 && computeCapability < 10) return b.hopper;
  return s.blockSize;
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
  /** The GPU's compute capability: MLA backends force their block size on Hopper and Blackwell. */
  computeCapability?: number | undefined;
}): VllmPlacement {
  const { arch, tp, pp, settings: s } = args;
  const stagesW = args.stageWeights ?? weightsPerStage(arch, args.tensors, args.precision, tp, pp, args.skip);
  const layerSets = stageLayers(arch.numLayers, pp);
  const perLayer = kvBytesPerTokenPerLayer(arch, args.kvCacheDtype, tp);
  const nonTorch = VLLM.nonTorchBytes;
  const graphs = cudaGraphBytes(s);
  const budget = s.gpuMemoryUtilization * args.gpuMemoryBytes;
  const block = effectiveBlockSize(arch, s, args.computeCapability);
  const stages = stagesW.map((st, i) => {
    const layers = layerSets[i]!;
    // Only the last pipeline stage computes logits and runs the dummy sampler.
    const activation = activationPeakBytes(arch, tp, s, i === stagesW.length - 1);
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
      kvCacheTokens: kvTokensForBytes(arch, args.kvCacheDtype, tp, layers.length, block, kv),
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
    computeCapability: req.device.computeCapability,
  });
  const s = req.settings;
  const rows = Math.min(s.maxNumSeqs, s.maxNumBatchedTokens);
  return {
    perGpu: p.perGpu,
    lines: budgetLines(
      p.perGpu,
      s,
      budgetName,
      `activation peak (${s.maxNumBatchedTokens} batched tokens; sampler over ${rows} sequences)`,
    ),
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
  // Plans written before the field existed have none: CUDA graphs on, as vLLM's default.
  if (e.enforceEager === true) args.push("--enforce-eager");
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

/** One line naming vLLM's budget at a release, as it treats CUDA graphs and the sampler there. */
export function vllmMemoryModel(version: string): string {
  const b = vllmBehaviour(version);
  const graphs = b.cudaGraphsInBudget ? " − CUDA graphs" : "; CUDA graphs on top of the budget";
  return (
    `vLLM ${version} (${b.engine}) budget (gpu_memory_utilization × total − weights − activation peak − non-torch${graphs}; ` +
    `sampler: ${b.sampler.path}, ${b.sampler.bytesPerLogit} bytes per vocabulary entry per sequence)`
  );
}

/**
 * The official image of a release (https://hub.docker.com/r/vllm/vllm-openai/tags: every release is
 * tagged vX.Y.Z).
 */
export function vllmImage(version: string): string {
  return `vllm/vllm-openai:v${version}`;
}

export const vllm: EngineModule = {
  name: "vllm",
  label: "vLLM",
  image: {
    image: vllmImage(VLLM_PINNED),
    version: VLLM_PINNED,
    source: VLLM.source,
  },
  versions: VLLM_RANGE,
  imageFor: (version) => vllmImage(version),
  defaultShare: (version) => vllmBehaviour(version).gpuMemoryUtilization,
  checkpointFormat: "safetensors",
  defaultPort: 8000,
  parallel: { tensor: true, layersInNode: true, multiNode: "ray", maxGpus: null },
  efficiency: efficiency(VLLM_SHARES, SCHEDULER, FIT),
  memoryModel: vllmMemoryModel(VLLM_PINNED),
  memoryModelFor: vllmMemoryModel,
  settings: (device: DeviceEntry, o) =>
    applyOverrides(
      defaultVllmSettings(device.memoryBytes.value, device.name, {
        version: o.engineVersion,
        maxModelLen: o.maxModelLen,
        entryPoint: o.entryPoint,
      }),
      o,
    ),
  supportProblem: hfEngineSupport,
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
