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
import type { ModelArch } from "../models/arch.js";
import type { Tensor } from "../sizing/inventory.js";
import { type KvCacheDtype, kvBytesForSequence, kvBytesPerTokenPerLayer } from "../sizing/kv.js";
import { type StageWeights, stageLayers, weightsPerStage } from "../sizing/placement.js";
import type { Precision } from "../sizing/weights.js";
import {
  CHUNKED_FULL_NOTE,
  type HybridCapacity,
  hybridCapacity,
  type HybridKvLayout,
  sparseAttentionDeviceProblem,
  vllmCacheView,
  vllmHybridLayout,
} from "./vllm-hybrid.js";
import { budgetLines } from "./common.js";
import type { GpuLedger, MemoryOverheads, MemoryPlacement, MemoryRequest, RuntimeSettings } from "./types.js";

import { activationPeakBytes, cudaGraphBytes, effectiveBlockSize, VLLM } from "./vllm-profile.js";

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
  /** The tightest stage's pool as the hybrid allocator lays it out (src/engines/vllm-hybrid.ts). */
  hybrid: (HybridKvLayout & HybridCapacity) | null;
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
  /** Non-torch and CUDA graph memory measured on the deployment (a calibration profile). */
  overheads?: MemoryOverheads | undefined;
}): VllmPlacement {
  const { tp, pp, settings: s } = args;
  // vLLM's cache view: chunked local-attention layers keep every token by default (vllm-hybrid.ts).
  const arch = vllmCacheView(args.arch);
  const stagesW = args.stageWeights ?? weightsPerStage(arch, args.tensors, args.precision, tp, pp, args.skip);
  const layerSets = stageLayers(arch.numLayers, pp);
  const perLayer = kvBytesPerTokenPerLayer(arch, args.kvCacheDtype, tp);
  const nonTorch = args.overheads?.nonTorchBytes ?? VLLM.nonTorchBytes;
  const graphs = s.enforceEager ? 0 : (args.overheads?.cudaGraphBytes ?? cudaGraphBytes(s));
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
    // Hybrid models (per-sequence state, DeepSeek sparse attention): vLLM's hybrid allocator.
    const layout = vllmHybridLayout({
      arch,
      kvCacheDtype: args.kvCacheDtype,
      tp,
      layers,
      blockSize: s.blockSize,
      maxNumBatchedTokens: s.maxNumBatchedTokens,
    });
    const hybrid = layout ? { ...layout, ...hybridCapacity(layout, kv, args.maxModelLen) } : null;
    return {
      layers: layers.length,
      perGpu: ledger,
      kvCacheTokens: hybrid
        ? hybrid.kvCacheTokens
        : kvTokensForBytes(arch, args.kvCacheDtype, tp, layers.length, block, kv),
      layerIdx: layers,
      hybrid,
    };
  });
  const tight = stages.reduce((a, b) => (b.kvCacheTokens < a.kvCacheTokens ? b : a));
  const kvBytesPerSequence = tight.hybrid
    ? stages.reduce((sum, st) => sum + (st.hybrid?.bytesPerRequest ?? 0), 0)
    : kvBytesForSequence(arch, args.kvCacheDtype, args.maxModelLen, tp);
  // Concurrency: how many sequences' KV fit in the pool of the tightest stage. Sliding-window
  // layers need only their window per sequence.
  const seqBytesTight = kvBytesForSequence(arch, args.kvCacheDtype, args.maxModelLen, tp, tight.layerIdx);
  const poolBytes = tight.kvCacheTokens * perLayer * tight.layers;
  const maxConcurrency = tight.hybrid
    ? tight.hybrid.maxConcurrency
    : seqBytesTight > 0
      ? poolBytes / seqBytesTight
      : 0;
  let reason: string | null = null;
  if (tight.perGpu.kvCacheBytes <= 0) {
    reason = "weights and activations exceed the memory budget";
  } else if (maxConcurrency < 1 && tight.hybrid) {
    const h = tight.hybrid;
    reason = `the KV pool holds ${h.numBlocks} blocks of ${h.blockSize} tokens; one sequence of ${args.maxModelLen} needs ${h.blocksPerRequest}`;
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
    hybrid: tight.hybrid,
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
    overheads: req.overheads,
  });
  const s = req.settings;
  const rows = Math.min(s.maxNumSeqs, s.maxNumBatchedTokens);
  // DeepSeek sparse attention's kernels run on Hopper and Blackwell only (vllm-hybrid.ts).
  const kernels = sparseAttentionDeviceProblem(req.arch, req.device);
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
    fits: p.fits && !kernels,
    reason: p.reason ?? kernels,
    // The hybrid allocator sets its own block size (state page alignment, sparse MLA's 64).
    blockSize: p.hybrid?.blockSize ?? effectiveBlockSize(req.arch, s, req.device.computeCapability),
    hybridKv: p.hybrid ? { layout: p.hybrid, numBlocks: p.hybrid.numBlocks } : undefined,
    notes: req.arch.layerTypes.includes("chunked") ? [CHUNKED_FULL_NOTE] : undefined,
  };
}
