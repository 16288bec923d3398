/**
 * The one place where the numbers a model file gives (config.json, GGUF metadata) are checked:
 * every count against a bound, before anything is allocated from it, and the architecture as a
 * whole before any formula sees it. Each refusal is a UserError that names the file and the field
 * as the file spells it, e.g.
 * `config.json: num_key_value_heads is 0; it must be a positive divisor of num_attention_heads (32)`.
 * Pure: numbers in, numbers (or a UserError) out.
 */
import { UserError } from "../errors.js";
import type { ModelArch } from "./arch.js";

/**
 * Upper bounds on the counts a model file gives. Each is far above any published model, so no real
 * checkpoint is refused; they exist so that a corrupt or hostile file (num_hidden_layers 2^31, a
 * 344-byte GGUF with block_count 1e9) is refused in one line instead of allocating gigabytes.
 */
export const LIMITS = {
  /**
   * Decoder layers of a config.json. The deepest published LLMs have 126 (Llama 3.1 405B,
   * https://huggingface.co/meta-llama/Llama-3.1-405B/blob/main/config.json "num_hidden_layers": 126);
   * 1000 is eight times that.
   */
  layers: 1000,
  /**
   * Layers of a GGUF: llama.cpp itself cannot load more (src/llama-hparams.h
   * "#define LLAMA_MAX_LAYERS 512"; per-layer hyperparameters are arrays of that size).
   */
  ggufLayers: 512,
  /** hidden_size: the widest published model has 16384 (Llama 3.1 405B "hidden_size": 16384). */
  hiddenSize: 1_000_000,
  /**
   * Attention heads (query or KV): the most published is 128 (Llama 3.1 405B "num_attention_heads":
   * 128; DeepSeek-V3 "num_attention_heads": 128).
   */
  heads: 4096,
  /** head_dim and the MLA head dims: the widest published is 256 (Gemma 2/3 "head_dim": 256). */
  headDim: 65_536,
  /**
   * intermediate_size (dense or per expert): the widest published is 53248 (Llama 3.1 405B
   * "intermediate_size": 53248).
   */
  intermediateSize: 10_000_000,
  /** vocab_size: the largest published is 262208 (Gemma 3 "vocab_size": 262208). */
  vocab: 10_000_000,
  /**
   * Routed experts: the most published is 384 (Kimi K2, "n_routed_experts": 384,
   * https://huggingface.co/moonshotai/Kimi-K2-Instruct/blob/main/config.json); DeepSeek-V3 has 256.
   */
  experts: 4096,
  /**
   * Context length (max_position_embeddings, GGUF context_length) and sliding windows: the longest
   * published is 10M tokens (Llama 4 Scout, "max_position_embeddings": 10485760).
   */
  context: 1_000_000_000,
  /** MLA low-rank dims (kv_lora_rank 512, q_lora_rank 1536 in DeepSeek-V3). */
  loraRank: 1_000_000,
  /** Quantization group and block sizes (128 is usual; a whole row at most). */
  groupSize: 10_000_000,
  /** Vision tower: layers, width, patch and image sizes (SigLIP: 27 layers, 1152 wide, 896 px). */
  vision: 1_000_000,
} as const;

/** The field names of the file, by ModelArch field, so that errors name what the user can see. */
export interface ArchFieldNames {
  hiddenSize: string;
  numLayers: string;
  numHeads: string;
  numKvHeads: string;
  headDim: string;
  vHeadDim: string;
  vocabSize: string;
  intermediateSize: string;
  maxPositionEmbeddings: string;
  slidingWindow: string;
  numExperts: string;
  expertsPerToken: string;
  expertIntermediateSize: string;
  sharedIntermediateSize: string;
  kvLoraRank: string;
  qLoraRank: string;
  qkNopeHeadDim: string;
  qkRopeHeadDim: string;
  mlaVHeadDim: string;
  mtpLayers: string;
  quantization: string;
}

/** config.json's names (the parser passes the key it actually read when a family uses another). */
export const CONFIG_FIELDS: ArchFieldNames = {
  hiddenSize: "hidden_size",
  numLayers: "num_hidden_layers",
  numHeads: "num_attention_heads",
  numKvHeads: "num_key_value_heads",
  headDim: "head_dim",
  vHeadDim: "head_dim",
  vocabSize: "vocab_size",
  intermediateSize: "intermediate_size",
  maxPositionEmbeddings: "max_position_embeddings",
  slidingWindow: "sliding_window",
  numExperts: "num_local_experts",
  expertsPerToken: "num_experts_per_tok",
  expertIntermediateSize: "moe_intermediate_size",
  sharedIntermediateSize: "shared_expert_intermediate_size",
  kvLoraRank: "kv_lora_rank",
  qLoraRank: "q_lora_rank",
  qkNopeHeadDim: "qk_nope_head_dim",
  qkRopeHeadDim: "qk_rope_head_dim",
  mlaVHeadDim: "v_head_dim",
  mtpLayers: "num_nextn_predict_layers",
  quantization: "quantization_config",
};

/** GGUF metadata names for the architecture `arch` (llama.cpp src/llama-arch.cpp LLM_KV_NAMES). */
export function ggufFieldNames(arch: string): ArchFieldNames {
  const k = (s: string) => `${arch}.${s}`;
  return {
    hiddenSize: k("embedding_length"),
    numLayers: k("block_count"),
    numHeads: k("attention.head_count"),
    numKvHeads: k("attention.head_count_kv"),
    headDim: k("attention.key_length"),
    vHeadDim: k("attention.value_length"),
    vocabSize: k("vocab_size"),
    intermediateSize: k("feed_forward_length"),
    maxPositionEmbeddings: k("context_length"),
    slidingWindow: k("attention.sliding_window"),
    numExperts: k("expert_count"),
    expertsPerToken: k("expert_used_count"),
    expertIntermediateSize: k("expert_feed_forward_length"),
    sharedIntermediateSize: k("expert_shared_feed_forward_length"),
    kvLoraRank: k("attention.kv_lora_rank"),
    qLoraRank: k("attention.q_lora_rank"),
    qkNopeHeadDim: k("attention.key_length_mla"),
    qkRopeHeadDim: k("rope.dimension_count"),
    mlaVHeadDim: k("attention.value_length_mla"),
    mtpLayers: k("nextn_predict_layers"),
    quantization: "general.file_type",
  };
}

const HINT =
  "the file is corrupt or not a causal language model's; re-download it, or fix the field if you edited it";

/** `label: what` as a UserError with the hint every model-file refusal shares. */
export function invalidField(label: string, what: string, hint = HINT): UserError {
  return new UserError(`${label}: ${what}`, hint);
}

/** A value as an error shows it: numbers as they are, anything else as JSON, cut short. */
export function shown(v: unknown): string {
  if (typeof v === "number") return String(v);
  if (v === undefined) return "missing";
  let s: string;
  try {
    s = JSON.stringify(v) ?? String(typeof v);
  } catch {
    s = typeof v;
  }
  return s.length > 40 ? `${s.slice(0, 37)}...` : s;
}

/**
 * An integer count read from a file, in [min, max] (min defaults to 1). `field` is its name in the
 * file. Called as soon as the count is read, before anything is sized or allocated from it.
 */
export function checkCount(label: string, field: string, v: unknown, max: number, min = 1, why = ""): number {
  if (v === undefined) throw invalidField(label, `${field} is missing`);
  if (typeof v !== "number" || !Number.isInteger(v) || v < min || v > max) {
    const range = min === 1 ? "a positive integer" : `an integer from ${min}`;
    throw invalidField(
      label,
      `${field} is ${shown(v)}; it must be ${range} up to ${max}${why ? `, or ${why}` : ""}`,
    );
  }
  return v;
}

/**
 * Check an architecture built from a file, as a whole, before any formula sees it: every count
 * within LIMITS (`layerLimit` is LIMITS.layers for config.json, LIMITS.ggufLayers for GGUF), KV
 * heads dividing the query heads, experts per token within the experts, windows and context
 * lengths positive, quantization groups and blocks positive, per-layer lists as long as the layers,
 * and no number that is not finite anywhere. Returns the architecture; throws a UserError naming
 * `label` and the field (`names`, as the file spells it).
 */
export function validateArch(
  a: ModelArch,
  label: string,
  names: ArchFieldNames,
  layerLimit: number = LIMITS.layers,
): ModelArch {
  const count = (field: string, v: unknown, max: number, min = 1, why = "") =>
    checkCount(label, field, v, max, min, why);
  count(names.hiddenSize, a.hiddenSize, LIMITS.hiddenSize);
  count(names.numLayers, a.numLayers, layerLimit);
  count(names.numHeads, a.numHeads, LIMITS.heads);
  if (!Number.isInteger(a.numKvHeads) || a.numKvHeads <= 0 || a.numHeads % a.numKvHeads !== 0)
    throw invalidField(
      label,
      `${names.numKvHeads} is ${shown(a.numKvHeads)}; it must be a positive divisor of ${names.numHeads} (${a.numHeads})`,
    );
  count(names.headDim, a.headDim, LIMITS.headDim);
  if (!a.mla) count(names.vHeadDim, a.vHeadDim, LIMITS.headDim);
  count(names.vocabSize, a.vocabSize, LIMITS.vocab);
  count(names.maxPositionEmbeddings, a.maxPositionEmbeddings, LIMITS.context);
  if (a.slidingWindow !== null)
    count(names.slidingWindow, a.slidingWindow, LIMITS.context, 1, "null when the model has no window");
  count(names.mtpLayers, a.mtpLayers, layerLimit, 0);
  if (a.layerTypes.length !== a.numLayers)
    throw invalidField(
      label,
      `layer_types lists ${a.layerTypes.length} layers, ${names.numLayers} is ${a.numLayers}`,
    );

  const moe = a.moe;
  if (moe) {
    count(names.numExperts, moe.numExperts, LIMITS.experts, 2);
    if (typeof moe.expertsPerToken === "number" && moe.expertsPerToken > moe.numExperts)
      throw invalidField(
        label,
        `${names.expertsPerToken} is ${moe.expertsPerToken}; it must be at most ${names.numExperts} (${moe.numExperts})`,
      );
    count(names.expertsPerToken, moe.expertsPerToken, LIMITS.experts);
    count(names.expertIntermediateSize, moe.expertIntermediateSize, LIMITS.intermediateSize);
    count(names.sharedIntermediateSize, moe.sharedIntermediateSize, LIMITS.intermediateSize * 64, 0);
    if (moe.moeLayers.length !== a.numLayers)
      throw invalidField(label, `the MoE layer list has ${moe.moeLayers.length} layers, not ${a.numLayers}`);
  }
  const denseLayers = !moe || moe.moeLayers.some((x) => !x);
  count(names.intermediateSize, a.intermediateSize, LIMITS.intermediateSize, denseLayers ? 1 : 0);

  const mla = a.mla;
  if (mla) {
    count(names.kvLoraRank, mla.kvLoraRank, LIMITS.loraRank);
    if (mla.qLoraRank !== null)
      count(names.qLoraRank, mla.qLoraRank, LIMITS.loraRank, 1, "null when q is projected directly");
    count(names.qkNopeHeadDim, mla.qkNopeHeadDim, LIMITS.headDim);
    count(names.qkRopeHeadDim, mla.qkRopeHeadDim, LIMITS.headDim);
    count(names.mlaVHeadDim, mla.vHeadDim, LIMITS.headDim);
  }

  const v = a.vision;
  if (v) {
    const vision: [string, number][] = [
      ["hidden_size", v.hiddenSize],
      ["intermediate_size", v.intermediateSize],
      ["num_hidden_layers", v.numLayers],
      ["patch_size", v.patchSize],
      ["image_size", v.imageSize],
      ["num_channels", v.numChannels],
      ["num_attention_heads", v.numHeads],
    ];
    for (const [k, x] of vision) count(`vision_config.${k}`, x, LIMITS.vision);
  }

  validateQuant(a, label, names.quantization);

  // Anything else numeric (norms per layer ...) must at least be a finite number.
  for (const [k, x] of Object.entries(a))
    if (typeof x === "number" && !Number.isFinite(x)) throw invalidField(label, `${k} is ${x}`);
  return a;
}

/**
 * quantization_config: bits and group sizes the formats define.
 * - GPTQ: bits 2, 3, 4 or 8; group_size positive, or -1 for one group per column (transformers
 *   GPTQConfig: "bits (int) — The number of bits to quantize to, supported numbers are (2, 3, 4, 8)";
 *   "group_size ... -1 uses per-column quantization").
 * - AWQ: 4 bits (vLLM quantization/awq.py: "Currently, only 4-bit weight quantization is supported
 *   for AWQ"), group_size positive.
 * - compressed-tensors W4A16: group_size positive.
 * - FP8 weight_block_size: two positive integers ([128, 128] in DeepSeek-V3).
 */
function validateQuant(a: ModelArch, label: string, field: string): void {
  const q = a.quantization;
  if (!q) return;
  const group = (name: string, g: number, allowPerColumn: boolean) => {
    if (allowPerColumn && g === -1) return;
    if (!Number.isInteger(g) || g <= 0 || g > LIMITS.groupSize)
      throw invalidField(
        label,
        `${field}.${name} is ${shown(g)}; it must be a positive integer${allowPerColumn ? " (or -1: per column)" : ""}`,
      );
  };
  switch (q.method) {
    case "gptq":
      if (![2, 3, 4, 8].includes(q.bits))
        throw invalidField(label, `${field}.bits is ${shown(q.bits)}; GPTQ stores 2, 3, 4 or 8 bits`);
      group("group_size", q.groupSize, true);
      break;
    case "awq":
      if (q.bits !== 4)
        throw invalidField(label, `${field}.bits is ${shown(q.bits)}; AWQ checkpoints store 4 bits`);
      group("group_size", q.groupSize, false);
      break;
    case "compressed-tensors-w4a16":
      group("config_groups.*.weights.group_size", q.groupSize, false);
      break;
    case "fp8":
      if (
        q.blockSize !== null &&
        !q.blockSize.every((b) => Number.isInteger(b) && b > 0 && b <= LIMITS.groupSize)
      )
        throw invalidField(
          label,
          `${field}.weight_block_size is ${shown(q.blockSize)}; it must be two positive integers, e.g. [128, 128]`,
        );
      break;
  }
}
