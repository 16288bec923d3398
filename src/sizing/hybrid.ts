/**
 * The fixed-size state of linear-attention (Gated DeltaNet) and Mamba-2 layers: what one sequence
 * holds per layer whatever its length, instead of a cache that grows per token. Engine-neutral; the
 * dtypes are the ones vLLM uses (its hybrid allocator is src/engines/vllm-hybrid.ts).
 *
 * Per layer, per sequence, per tensor-parallel rank (vLLM mamba_utils.py,
 * https://github.com/vllm-project/vllm/blob/02d710837549a368073552333f66d714477415d2/vllm/model_executor/layers/mamba/mamba_utils.py):
 * - conv state: (conv_kernel − 1 + s) × conv_dim / tp elements (`conv_kernel_size - 1 + num_spec`),
 *   s = speculative tokens, in mamba_cache_dtype ("auto": the model dtype, 16-bit as served);
 * - recurrent state: Gated DeltaNet [Vh/tp, dv, dk] (`temporal_state_shape = (divide(num_v_heads,
 *   tp_world_size), head_v_dim, head_k_dim)`), Mamba-2 [H/tp, head_dim, d_state], in
 *   mamba_ssm_cache_dtype ("auto": the conv state's dtype; Qwen3.5 / 3.6 configs set float32 through
 *   mamba_ssm_dtype, vLLM's Nemotron-H default is float32).
 */
import type { ModelArch } from "../models/arch.js";

/** Bytes of one element of a state dtype; null (the model's own) is 16-bit as vLLM serves it. */
const dtypeBytes = (d: "float32" | "bfloat16" | "float16" | null): number => (d === "float32" ? 4 : 2);
/** The conv state follows the model dtype (mamba_cache_dtype "auto"), 16-bit as vLLM serves it. */
const CONV_STATE_BYTES = 2;

/** Ranks' share of `units` whole groups: at least one per rank (vLLM replicates when tp > groups). */
const groupsPerRank = (units: number, tp: number) => Math.max(1, units / tp);

export interface LayerState {
  convBytes: number;
  recurrentBytes: number;
  /** convBytes + recurrentBytes: one sequence's state in one layer on one rank. */
  bytes: number;
}

/**
 * One sequence's state in one linear-attention or Mamba layer on one TP rank, or null when the
 * model has no such layers. `speculative`: draft tokens per step (MTP / EAGLE), which lengthen the
 * conv state.
 *
 * Worked examples (pinned in test/unit/hybrid.test.ts):
 * - Qwen3-Next-80B (conv_dim 2·16·128 + 32·128 = 8192, Vh 32, dk = dv = 128, bf16 state), TP 1:
 *   3 × 8192 × 2 + 32 × 128 × 128 × 2 = 49,152 + 1,048,576 = 1,097,728 bytes.
 * - Qwen3.6-27B (conv_dim 10,240, Vh 48, float32 state), TP 1: 61,440 + 3,145,728 = 3,207,168 bytes.
 */
export function layerState(arch: ModelArch, tp = 1, speculative = 0): LayerState | null {
  let conv: number;
  let recurrent: number;
  if (arch.gdn) {
    const g = arch.gdn;
    const convDim = 2 * g.numKeyHeads * g.keyHeadDim + g.numValueHeads * g.valueHeadDim;
    conv = (g.convKernel - 1 + speculative) * (convDim / tp) * CONV_STATE_BYTES;
    recurrent = (g.numValueHeads / tp) * g.valueHeadDim * g.keyHeadDim * dtypeBytes(g.stateDtype);
  } else if (arch.mamba) {
    const m = arch.mamba;
    const inner = m.numHeads * m.headDim;
    const convDim = inner / tp + 2 * m.stateSize * groupsPerRank(m.numGroups, tp);
    conv = (m.convKernel - 1 + speculative) * convDim * CONV_STATE_BYTES;
    recurrent = (m.numHeads / tp) * m.headDim * m.stateSize * dtypeBytes(m.stateDtype);
  } else {
    return null;
  }
  return { convBytes: conv, recurrentBytes: recurrent, bytes: conv + recurrent };
}

/** Layers that keep a fixed state per sequence (Gated DeltaNet and Mamba). */
export const holdsState = (t: string | undefined): boolean => t === "linear" || t === "mamba";

/**
 * One sequence's state across `layers` (default: all) on one rank, whatever its length. 0 for models
 * without linear-attention or Mamba layers. Qwen3-Next at TP 1: 36 × 1,097,728 = 39,518,208 bytes.
 */
export function stateBytesPerSequence(
  arch: ModelArch,
  tp = 1,
  layers: readonly number[] = arch.layerTypes.map((_, i) => i),
  speculative = 0,
): number {
  const s = layerState(arch, tp, speculative);
  if (!s) return 0;
  return layers.filter((i) => holdsState(arch.layerTypes[i])).length * s.bytes;
}

/**
 * Why this TP size cannot split the model's linear-attention or Mamba heads, or null. vLLM divides
 * the value and key heads (Gated DeltaNet) and the SSM heads (Mamba-2) evenly over the ranks
 * (`divide(num_v_heads, tp_size)`), and Mamba-2 groups must divide or be divided by the ranks.
 */
export function hybridParallelismProblem(arch: ModelArch, tp: number): string | null {
  if (arch.gdn) {
    const g = arch.gdn;
    for (const [n, what] of [
      [g.numValueHeads, "linear-attention value heads"],
      [g.numKeyHeads, "linear-attention key heads"],
    ] as const)
      if (n % tp !== 0) return `tensor parallel size ${tp} does not divide the ${n} ${what}`;
  }
  if (arch.mamba) {
    const m = arch.mamba;
    if (m.numHeads % tp !== 0)
      return `tensor parallel size ${tp} does not divide the ${m.numHeads} Mamba heads`;
    const G = m.numGroups;
    if (G >= tp ? G % tp !== 0 : tp % G !== 0)
      return `tensor parallel size ${tp} does not divide the ${G} Mamba groups (nor is a multiple of them)`;
  }
  return null;
}

/**
 * Widest activation per token of a linear-attention or Mamba layer on one rank (elements): the input
 * projection's output and the mixer's output, the counterpart of attention's q, k, v and output.
 */
export function mixerActivationWidth(arch: ModelArch, tp: number): number {
  if (arch.gdn) {
    const g = arch.gdn;
    const key = g.numKeyHeads * g.keyHeadDim;
    const value = g.numValueHeads * g.valueHeadDim;
    return (2 * key + 2 * value + 2 * g.numValueHeads + value) / tp;
  }
  if (arch.mamba) {
    const m = arch.mamba;
    const inner = m.numHeads * m.headDim;
    return (2 * inner + m.numHeads) / tp + 2 * m.stateSize * groupsPerRank(m.numGroups, tp) + inner / tp;
  }
  return 0;
}

/**
 * What in this model's cache only an engine module that declares `sizesHybridCache` models, or null:
 * a per-sequence state (Gated DeltaNet, Mamba) or DeepSeek sparse attention's indexer keys.
 */
export function hybridCacheFeature(arch: ModelArch): string | null {
  if (arch.layerTypes.includes("linear")) return "Gated DeltaNet layers' per-sequence state";
  if (arch.layerTypes.includes("mamba")) return "Mamba layers' per-sequence state";
  if (arch.indexer) return "the DeepSeek sparse-attention indexer cache";
  return null;
}
