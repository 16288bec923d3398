/**
 * vLLM's hybrid KV cache manager (V1, the pinned 0.21+ behaviour), for models whose layers do not all
 * cache the same thing: Gated DeltaNet / Mamba-2 hybrids (a fixed state per sequence beside per-token
 * attention KV) and DeepSeek-V3.2 (the sparse-attention indexer's keys beside the MLA latent).
 *
 * 1. Page size. Let a = attention bytes per token per layer on one rank and M = one sequence's state
 *    in one state layer on one rank. vLLM raises the attention block to B = α·⌈M / (α·a)⌉ tokens
 *    (α = 16, the FlashAttention/FlashInfer/Triton kernel alignment, or a larger --block-size) so that a
 *    page of one attention layer holds a whole state, then pads the state page to exactly P = B·a:
 *    "Setting attention block size to B tokens to ensure that attention page size is >= mamba page
 *    size", "Padding mamba page size by x% ..." (vllm/platforms/interface.py; config.py before 0.18.2:
 *    `attn_block_size = kernel_block_alignment_size * cdiv(mamba_page_size, kernel_block_alignment_size
 *    * attn_page_size_1_token)`). DeepSeek-V3.2's sparse MLA forces B = 64 ("Forcing kv cache block
 *    size to 64 for FlashMLASparse backend.", vllm/platforms/cuda.py).
 * 2. Groups. Layers of one kind form groups of g layers, g = the fewest layers of any kind, or the most
 *    when the most is under 1.5 × the fewest (kv_cache_utils.py `_get_kv_cache_groups_uniform_page_size`:
 *    `group_size = min_num_layers`, `if max_num_layers < min_num_layers * 1.5: ... group_size =
 *    max_num_layers`, `num_groups = cdiv(len(layers), group_size)`).
 * 3. Blocks. The pool is g tensors of num_blocks pages: num_blocks = ⌊available / P / g⌋
 *    (`num_blocks = int(available_memory // page_size // num_layers)`).
 * 4. Per request of L tokens: ⌈L/B⌉ blocks per full-attention group, ⌈min(W − 1 + T, L)/B⌉ + 1 per
 *    sliding-window group (T = max_num_batched_tokens), and 2 + s blocks per state group with prefix
 *    caching on (mamba_cache_mode "align", the default since prefix caching is: cache.py "This is the
 *    default when prefix caching is enabled"; `return self.page_size_bytes * (2 +
 *    self.num_speculative_blocks)`). max_concurrency = num_blocks / blocks per request
 *    (`max_concurrency = kv_cache_config.num_blocks / num_block_per_request`).
 * 5. "GPU KV cache size: N tokens" = ⌊max_concurrency × L⌋ since 0.21 (`num_tokens =
 *    int(max_concurrency * max_model_len)`, "Sourcing this from the concurrency calculation handles
 *    hybrid layouts correctly").
 *
 * Llama 4's chunked local attention is not handled here: vLLM turns the hybrid manager off for it by
 * default ("There is a latency regression when using chunked local attention with the hybrid KV cache
 * manager. Disabling it, by default.", https://github.com/vllm-project/vllm/pull/21761), so every
 * layer keeps all tokens, as the standard path sizes it.
 *
 * Every step is reproduced against published logs in test/unit/vllm-hybrid.test.ts.
 *
 * Not modelled: speculative decoding (MTP / EAGLE add s conv rows and s blocks per state group, and a
 * draft attention layer), and pipeline parallelism's projection of the model-wide groups onto each
 * stage (`_project_kv_cache_groups_to_worker`): each stage is grouped on its own layers here.
 */
import type { ModelArch } from "../models/arch.js";
import { holdsState, layerState } from "../sizing/hybrid.js";
import { cachesTokens, type KvCacheDtype, kvBytesPerTokenPerLayer } from "../sizing/kv.js";

/** The allocator's constants, each with its source (see the module comment). */
export const VLLM_HYBRID = {
  /** Attention kernels' block alignment (FlashAttention / FlashInfer / Triton: MultipleOf(16)). */
  kernelAlignment: 16,
  /** FlashMLASparse's forced block size (DeepSeek-V3.2). */
  sparseMlaBlockSize: 64,
  /** State blocks per state group per request with prefix caching on (mamba_cache_mode "align"). */
  stateBlocksPerRequest: 2,
  /** The hybrid manager's group-size rule: the largest kind when it is under 1.5 × the smallest. */
  groupSizeSlack: 1.5,
} as const;

/** How vLLM lays out one GPU's KV pool for a hybrid model. */
export interface HybridKvLayout {
  /** Attention block size B in tokens. */
  blockSize: number;
  /** Bytes of one block of one layer (every layer's page): P = B × a. */
  pageBytes: number;
  /** Attention bytes per token per layer on this rank (a). */
  tokenBytes: number;
  /** One sequence's state in one state layer on this rank before padding (M); 0 without state layers. */
  stateBytes: number;
  /** Layers per group (g). */
  groupSize: number;
  /** Groups of each kind on this GPU. */
  groups: { full: number; sliding: number; state: number };
  slidingWindow: number | null;
  maxNumBatchedTokens: number;
}

/** Whether vLLM sizes this model with the hybrid allocator: state layers or DeepSeek sparse attention. */
export function isVllmHybrid(arch: ModelArch): boolean {
  return Boolean(arch.indexer) || arch.layerTypes.some(holdsState);
}

/**
 * The layout of the pool on one GPU holding `layers` (a pipeline stage; grouped on their own).
 * Null for models the standard path sizes. `blockSize` is the engine's --block-size (kept when it is
 * already a multiple large enough).
 */
export function vllmHybridLayout(args: {
  arch: ModelArch;
  kvCacheDtype: KvCacheDtype;
  tp: number;
  layers: readonly number[];
  blockSize: number;
  maxNumBatchedTokens: number;
}): HybridKvLayout | null {
  const { arch, tp } = args;
  if (!isVllmHybrid(arch)) return null;
  const a = kvBytesPerTokenPerLayer(arch, args.kvCacheDtype, tp);
  const state = layerState(arch, tp)?.bytes ?? 0;
  let block: number;
  if (arch.indexer) block = VLLM_HYBRID.sparseMlaBlockSize;
  else {
    const alpha = Math.max(VLLM_HYBRID.kernelAlignment, args.blockSize);
    block = alpha * Math.ceil(state / (alpha * a));
  }
  const kinds = { full: 0, sliding: 0, state: 0 };
  for (const i of args.layers) {
    const t = arch.layerTypes[i];
    if (holdsState(t)) kinds.state++;
    else if (t === "sliding") kinds.sliding++;
    else if (cachesTokens(t)) kinds.full++; // full, and chunked (all tokens without the hybrid manager)
  }
  const counts = Object.values(kinds).filter((n) => n > 0);
  const min = Math.min(...counts);
  const max = Math.max(...counts);
  const g = counts.length === 0 ? 1 : max < min * VLLM_HYBRID.groupSizeSlack ? max : min;
  return {
    blockSize: block,
    pageBytes: block * a,
    tokenBytes: a,
    stateBytes: state,
    groupSize: g,
    groups: {
      full: Math.ceil(kinds.full / g),
      sliding: Math.ceil(kinds.sliding / g),
      state: Math.ceil(kinds.state / g),
    },
    slidingWindow: arch.slidingWindow,
    maxNumBatchedTokens: args.maxNumBatchedTokens,
  };
}

/** Blocks one request of `tokens` tokens takes in the pool (summed over groups). */
export function blocksPerRequest(l: HybridKvLayout, tokens: number): number {
  const B = l.blockSize;
  const w = l.slidingWindow ?? tokens;
  return (
    l.groups.full * Math.ceil(tokens / B) +
    l.groups.sliding * (Math.ceil(Math.min(w - 1 + l.maxNumBatchedTokens, tokens) / B) + 1) +
    l.groups.state * VLLM_HYBRID.stateBlocksPerRequest
  );
}

/** Blocks in the pool for `availableBytes` of KV cache memory on this GPU. */
export function poolBlocks(l: HybridKvLayout, availableBytes: number): number {
  return availableBytes > 0 ? Math.floor(availableBytes / l.pageBytes / l.groupSize) : 0;
}

export interface HybridCapacity {
  numBlocks: number;
  blocksPerRequest: number;
  /** Requests of maxModelLen that fit at once (vLLM's "Maximum concurrency"). */
  maxConcurrency: number;
  /** vLLM's "GPU KV cache size" line: ⌊max_concurrency × max_model_len⌋. */
  kvCacheTokens: number;
  /** Bytes one request of maxModelLen takes from the pool (its blocks × g pages). */
  bytesPerRequest: number;
}

/** What the pool of `availableBytes` holds for requests of `maxModelLen` tokens. */
export function hybridCapacity(
  l: HybridKvLayout,
  availableBytes: number,
  maxModelLen: number,
): HybridCapacity {
  const numBlocks = poolBlocks(l, availableBytes);
  const perRequest = blocksPerRequest(l, maxModelLen);
  const maxConcurrency = numBlocks / perRequest;
  return {
    numBlocks,
    blocksPerRequest: perRequest,
    maxConcurrency,
    kvCacheTokens: Math.floor(maxConcurrency * maxModelLen),
    bytesPerRequest: perRequest * l.groupSize * l.pageBytes,
  };
}

/**
 * Sequences of `tokens` tokens the pool of `numBlocks` blocks holds at once: what the performance model
 * needs for short requests, which still take whole state blocks.
 */
export function sequencesFit(l: HybridKvLayout, numBlocks: number, tokens: number): number {
  return Math.floor(numBlocks / blocksPerRequest(l, Math.max(1, tokens)));
}

/**
 * The model as vLLM's KV cache manager sees it by default: Llama 4's chunked local-attention layers
 * keep every token, like full attention (the hybrid manager is off for them, vllm#21761, and
 * `unify_hybrid_kv_cache_specs` turns each ChunkedLocalAttentionSpec into a FullAttentionSpec).
 */
export function vllmCacheView(arch: ModelArch): ModelArch {
  if (!arch.layerTypes.includes("chunked")) return arch;
  return { ...arch, layerTypes: arch.layerTypes.map((t) => (t === "chunked" ? "full" : t)) };
}

/** What `estimate` says when vllmCacheView changed the layout. */
export const CHUNKED_FULL_NOTE =
  "vLLM keeps every token for the chunked-attention layers too: its hybrid KV cache manager is off for " +
  "chunked local attention by default (https://github.com/vllm-project/vllm/pull/21761; " +
  "VLLM_ALLOW_CHUNKED_LOCAL_ATTN_WITH_HYBRID_KV_CACHE=1 turns it on), so they are sized as full attention";

/**
 * Why vLLM cannot run DeepSeek sparse attention on this GPU, or null. Its lightning-indexer and
 * FlashMLA sparse kernels shipped for Hopper and Blackwell only: "We plan to expand the architectures
 * supported beyond Hopper and Blackwell" and "We will expand the support to other hardwares such as
 * AMD and TPU" (vLLM blog, 2025-09-29, https://github.com/vllm-project/vllm-project.github.io/pull/85/files);
 * "Only Hopper and Blackwell data center GPUs are supported for now"
 * (https://huggingface.co/QuantTrio/DeepSeek-V3.2-Exp-AWQ-Lite/blob/main/README.md). Not re-checked for
 * the pinned release: a later one may run it elsewhere.
 */
export function sparseAttentionDeviceProblem(
  arch: ModelArch,
  gpu: { vendor: string; computeCapability?: number | undefined; name: string },
): string | null {
  if (!arch.indexer) return null;
  if (gpu.vendor === "NVIDIA" && (gpu.computeCapability ?? 0) >= 9) return null;
  return `vLLM's DeepSeek sparse-attention kernels run on Hopper and Blackwell GPUs, not on ${gpu.name}`;
}
