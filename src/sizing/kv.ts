/**
 * KV cache bytes from the architecture.
 */
import { UserError } from "../errors.js";
import type { LayerAttention, ModelArch } from "../models/arch.js";

export type KvCacheDtype = "auto" | "fp8";

/** Bytes of one cached element: "auto" follows the 16-bit compute dtype; fp8 (e4m3/e5m2) is 1 byte. */
export function kvElementBytes(dtype: KvCacheDtype): number {
  return dtype === "fp8" ? 1 : 2;
}

export function parseKvDtype(v: string | undefined): KvCacheDtype {
  const s = (v ?? "auto").toLowerCase();
  if (s === "auto" || s === "bf16" || s === "fp16" || s === "bfloat16" || s === "float16") return "auto";
  if (s === "fp8" || s === "fp8_e4m3" || s === "fp8_e5m2") return "fp8";
  throw new UserError(`unknown --kv-cache-dtype "${v}"`, "use auto or fp8");
}

/** KV heads each tensor-parallel rank holds: split when TP ≤ KV heads, one replicated head otherwise. */
export function kvHeadsPerRank(arch: ModelArch, tp: number): number {
  return Math.max(1, arch.numKvHeads / tp);
}

/**
 * Bytes one token adds to one attention layer's cache on one rank.
 * Standard/GQA/MQA: K and V, each kvHeads × headDim elements: (headDim + vHeadDim) × kvHeads × bytes.
 * MLA (DeepSeek): one compressed latent plus the decoupled RoPE key, (kv_lora_rank + qk_rope_head_dim)
 * × bytes, shared by all heads and therefore the same on every TP rank.
 */
export function kvBytesPerTokenPerLayer(arch: ModelArch, dtype: KvCacheDtype, tp = 1): number {
  if (arch.indexer) return dsaBytesPerTokenPerLayer(arch);
  const b = kvElementBytes(dtype);
  if (arch.mla) return (arch.mla.kvLoraRank + arch.mla.qkRopeHeadDim) * b;
  return kvHeadsPerRank(arch, tp) * (arch.headDim + arch.vHeadDim) * b;
}

/**
 * DeepSeek-V3.2 (sparse attention): per token and layer, the MLA latent in vLLM's fp8_ds_mla format,
 * 656 bytes (kv_cache_interface.py: `if self.cache_dtype_str == "fp8_ds_mla": ... return
 * self.block_size * 656`; vLLM's default for this model: cache.py "Some models (namely DeepSeekV3.2)
 * default to fp8"), plus the indexer's key: index_head_dim fp8 values and one fp32 scale per 128
 * (deepseek_v2.py: `head_dim=self.head_dim + self.head_dim // self.quant_block_size * 4,
 * dtype=torch.uint8`, quant_block_size 128): 128 + 4 = 132 bytes. 788 bytes in all, on every rank.
 */
export function dsaBytesPerTokenPerLayer(arch: ModelArch): number {
  const x = arch.indexer!;
  return DSA_LATENT_BYTES + x.headDim + (x.headDim / 128) * 4;
}
/** vLLM's fp8_ds_mla latent: 656 bytes per token per layer (kv_cache_interface.py). */
export const DSA_LATENT_BYTES = 656;

/** Layers that cache keys and values per token (full, sliding-window and chunked attention). */
export const cachesTokens = (t: LayerAttention | undefined): boolean =>
  t === "full" || t === "sliding" || t === "chunked";

/**
 * What one more token adds across all layers (while the context is shorter than every window).
 * Linear-attention and Mamba layers add nothing per token: their state is per sequence (hybrid.ts).
 */
export function kvBytesPerToken(arch: ModelArch, dtype: KvCacheDtype, tp = 1): number {
  return arch.layerTypes.filter(cachesTokens).length * kvBytesPerTokenPerLayer(arch, dtype, tp);
}

/** Tokens of a `tokens`-long sequence that layer i keeps: all, or its window or chunk at most. */
export function tokensCached(arch: ModelArch, i: number, tokens: number): number {
  const t = arch.layerTypes[i];
  if (t === "sliding" && arch.slidingWindow) return Math.min(tokens, arch.slidingWindow);
  if (t === "chunked" && arch.attentionChunkSize) return Math.min(tokens, arch.attentionChunkSize);
  return cachesTokens(t) ? tokens : 0;
}

/**
 * Per-token cache of one sequence of `tokens` tokens across `layers` (default: all): sliding-window
 * layers hold at most their window, chunked layers their chunk, linear-attention and Mamba layers
 * nothing per token (their fixed state per sequence is stateBytesPerSequence in hybrid.ts).
 */
export function kvBytesForSequence(
  arch: ModelArch,
  dtype: KvCacheDtype,
  tokens: number,
  tp = 1,
  layers: readonly number[] = arch.layerTypes.map((_, i) => i),
): number {
  const perLayer = kvBytesPerTokenPerLayer(arch, dtype, tp);
  let sum = 0;
  for (const i of layers) sum += tokensCached(arch, i, tokens) * perLayer;
  return sum;
}
