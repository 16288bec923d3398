/**
 * GGUF metadata -> ModelArch, so that a GGUF's KV cache and weights come out of the same formulas
 * as a config.json's. Keys are llama.cpp's (src/llama-arch.cpp LLM_KV_NAMES: `{arch}.block_count`,
 * `{arch}.attention.head_count` ...); what the metadata leaves out is read from the tensor names of
 * block 0. Every count is checked by src/models/validate.ts, block_count before any per-layer list
 * is built; each refusal names the file and the key. Pure.
 */
import { ggufUnmodelledFeature } from "./features.js";
import { UserError } from "../errors.js";
import { UNFILLED } from "../sanitize.js";
import type { LayerAttention, MlaArch, ModelArch, MoeArch } from "./arch.js";
import type { GgufFile, GgufValue } from "./gguf.js";
import { checkCount, ggufFieldNames, invalidField, LIMITS, shown, validateArch } from "./validate.js";

/** A metadata value as a number (u64 above 2^53 come as bigint and are converted), or undefined. */
export function num(v: GgufValue | undefined): number | undefined {
  if (typeof v === "number") return v;
  if (typeof v === "bigint") return Number(v);
  return undefined;
}

/** A hyperparameter that may be one number or one per layer (llama.cpp get_key_or_arr). */
function numOrMax(v: GgufValue | undefined): number | undefined {
  if (typeof v === "object" && v !== null && "itemType" in v) {
    const xs = (v.values ?? []).map(num).filter((x): x is number => x !== undefined);
    return xs.length ? xs.reduce((m, x) => Math.max(m, x), -Infinity) : undefined;
  }
  return num(v);
}

/** GGUF architecture names -> the config.json model_type the rest of llmdeploy uses. */
const MODEL_TYPES: Record<string, string> = {
  qwen2moe: "qwen2_moe",
  qwen3moe: "qwen3_moe",
  "gpt-oss": "gpt_oss",
  gemma3: "gemma3_text",
  deepseek2: "deepseek_v3",
};

function malformed(label: string, what: string): UserError {
  return new UserError(
    `${label}: ${what}`,
    "expected the GGUF of a llama.cpp text model ({arch}.block_count, .embedding_length, .attention.head_count)",
  );
}

/** Build the architecture from the metadata, and details the metadata leaves out from tensor names. */
export function ggufArch(g: GgufFile, label: string): ModelArch {
  const m = g.metadata;
  const archName = m.get("general.architecture");
  if (typeof archName !== "string" || archName === "") throw malformed(label, "missing general.architecture");
  if (UNFILLED.test(archName) || /[\s/\\]/.test(archName))
    throw invalidField(
      label,
      `general.architecture is ${shown(archName)}, which is not an architecture name`,
    );
  const names = ggufFieldNames(archName);
  const key = (k: string) => m.get(`${archName}.${k}`);
  /** A count the model cannot do without: present, an integer in [1, max]. */
  const need = (k: string, v: number | undefined, max: number): number => {
    if (v === undefined) throw malformed(label, `missing ${archName}.${k}`);
    return checkCount(label, `${archName}.${k}`, v, max);
  };
  const tensorNames = new Set(g.tensors.map((t) => t.name));
  const unmodelled = ggufUnmodelledFeature(archName, tensorNames);
  if (unmodelled)
    throw new UserError(
      `${label}: ${unmodelled} are not modelled yet`,
      "llmdeploy refuses to size what it does not model",
    );
  const tensor = (n: string) => g.tensors.find((t) => t.name === n);
  const has = (n: string) => tensorNames.has(n);

  // llama.cpp loads at most LLAMA_MAX_LAYERS blocks; bounded before the per-layer lists below.
  const numLayers = need("block_count", num(key("block_count")), LIMITS.ggufLayers);
  const hiddenSize = need("embedding_length", num(key("embedding_length")), LIMITS.hiddenSize);
  const numHeads = need("attention.head_count", numOrMax(key("attention.head_count")), LIMITS.heads);
  const numKvHeads = numOrMax(key("attention.head_count_kv")) ?? numHeads;
  const headDim = num(key("attention.key_length")) ?? hiddenSize / numHeads;
  if (key("attention.key_length") === undefined && !Number.isInteger(headDim))
    throw malformed(label, `embedding_length ${hiddenSize} is not divisible by ${numHeads} heads`);
  const vHeadDim = num(key("attention.value_length")) ?? headDim;
  const tokens = m.get("tokenizer.ggml.tokens");
  const vocabSize =
    num(key("vocab_size")) ??
    (typeof tokens === "object" && tokens !== null && "length" in tokens ? tokens.length : undefined) ??
    tensor("token_embd.weight")?.dims[1];
  const modelType = MODEL_TYPES[archName] ?? archName;

  // Per-layer tensors of one block tell what the metadata does not.
  const b0 = (s: string) => has(`blk.0.${s}`);
  const normsPerLayer = Math.max(
    1,
    [...tensorNames].filter(
      (n) => /^blk\.0\.[a-z_0-9]*norm[a-z_0-9]*\.weight$/.test(n) && !/attn_(q|k|q_a|kv_a)_norm/.test(n),
    ).length,
  );

  let moe: MoeArch | null = null;
  const experts = checkCount(label, names.numExperts, num(key("expert_count")) ?? 0, LIMITS.experts, 0);
  if (experts > 1) {
    const ff = numOrMax(key("feed_forward_length")) ?? 0;
    const expertFf = num(key("expert_feed_forward_length")) ?? ff;
    const sharedCount = checkCount(
      label,
      `${archName}.expert_shared_count`,
      num(key("expert_shared_count")) ?? 0,
      LIMITS.experts,
      0,
    );
    const sharedFf = num(key("expert_shared_feed_forward_length")) ?? expertFf;
    const moeLayers = Array.from({ length: numLayers }, (_, i) => has(`blk.${i}.ffn_gate_inp.weight`));
    moe = {
      numExperts: experts,
      expertsPerToken: need("expert_used_count", num(key("expert_used_count")), LIMITS.experts),
      expertIntermediateSize: need("expert_feed_forward_length", expertFf, LIMITS.intermediateSize),
      sharedIntermediateSize:
        sharedCount > 0 ? sharedCount * sharedFf : has("blk.0.ffn_up_shexp.weight") ? sharedFf : 0,
      sharedExpertGate: [...tensorNames].some((n) => n.endsWith("ffn_gate_inp_shexp.weight")),
      routerBias: [...tensorNames].some((n) => /ffn_gate_inp\.bias$/.test(n)),
      expertBias: [...tensorNames].some((n) => /ffn_(up|gate_up|down)_exps\.bias$/.test(n)),
      scoreCorrectionBias: [...tensorNames].some((n) => n.endsWith("exp_probs_b.bias")),
      moeLayers: moeLayers.some(Boolean) ? moeLayers : moeLayers.map(() => true),
    };
  }

  let mla: MlaArch | null = null;
  const kvLoraRank = num(key("attention.kv_lora_rank"));
  if (kvLoraRank !== undefined && kvLoraRank > 0) {
    const rope = need("rope.dimension_count", num(key("rope.dimension_count")), LIMITS.headDim);
    const kLen = num(key("attention.key_length_mla")) ?? headDim;
    if (!(kLen > rope))
      throw invalidField(
        label,
        `${archName}.attention.key_length_mla (or key_length) is ${shown(kLen)}; it must be larger than ${archName}.rope.dimension_count (${rope})`,
      );
    const qLora = num(key("attention.q_lora_rank"));
    mla = {
      qLoraRank: qLora && qLora > 0 ? qLora : null,
      kvLoraRank,
      qkNopeHeadDim: kLen - rope,
      qkRopeHeadDim: rope,
      vHeadDim: num(key("attention.value_length_mla")) ?? vHeadDim,
    };
  }

  // 0 is "no sliding window" in llama.cpp (src/llama-hparams.h: "the size of the sliding window
  // (0 - no SWA)", uint32_t n_swa = 0).
  const window = num(key("attention.sliding_window")) || null;
  const all = (t: LayerAttention): LayerAttention[] => Array.from({ length: numLayers }, () => t);
  let layerTypes: LayerAttention[] = all("full");
  if (window) {
    const pattern = key("attention.sliding_window_pattern");
    const p = num(pattern);
    if (
      typeof pattern === "object" &&
      pattern !== null &&
      "values" in pattern &&
      pattern.values?.length === numLayers
    )
      layerTypes = pattern.values.map((x) => (x === true ? "sliding" : "full"));
    else if (p !== undefined && Number.isInteger(p) && p > 1)
      layerTypes = layerTypes.map((_, i) => ((i + 1) % p === 0 ? "full" : "sliding"));
    else if (modelType === "gemma3_text")
      layerTypes = layerTypes.map((_, i) => ((i + 1) % 6 === 0 ? "full" : "sliding"));
    else if (modelType === "gemma2" || modelType === "gpt_oss")
      layerTypes = layerTypes.map((_, i) => (i % 2 === 0 ? "sliding" : "full"));
    else layerTypes = all("sliding");
  }

  // llama.cpp requires the training context (llama-model.cpp load_hparams:
  // `ml.get_key(LLM_KV_CONTEXT_LENGTH, hparams.n_ctx_train)`, no default).
  const context = need("context_length", num(key("context_length")), LIMITS.context);
  const embType = tensor("token_embd.weight")?.typeName;
  const ff = numOrMax(key("feed_forward_length")) ?? 0;
  const allMoe = moe !== null && moe.moeLayers.every(Boolean);
  const arch: ModelArch = {
    modelType,
    architecture: null,
    hiddenSize,
    numLayers,
    vocabSize: need("vocab_size (or tokenizer.ggml.tokens)", vocabSize, LIMITS.vocab),
    numHeads,
    numKvHeads: mla ? numHeads : numKvHeads,
    headDim: mla ? mla.qkNopeHeadDim + mla.qkRopeHeadDim : headDim,
    vHeadDim: mla ? mla.vHeadDim : vHeadDim,
    intermediateSize: allMoe ? 0 : ff, // no dense MLP when every layer is MoE (as for Mixtral configs)
    tieWordEmbeddings: !has("output.weight"),
    qkvBias: b0("attn_q.bias") || b0("attn_qkv.bias"),
    oBias: b0("attn_output.bias"),
    mlpBias: b0("ffn_up.bias") || b0("ffn_down.bias"),
    mlpGated:
      [...tensorNames].some((n) => /^blk\.\d+\.ffn_gate(_exps|_up_exps)?\.weight$/.test(n)) ||
      archName === "phi3",
    normKind: b0("attn_norm.bias") ? "layer" : "rms",
    normsPerLayer,
    qkNorm: b0("attn_q_norm.weight"),
    attentionSinks: b0("attn_sinks.weight") || b0("attn_sinks"),
    moe,
    mla,
    layerTypes,
    slidingWindow: window && layerTypes.includes("sliding") ? window : null,
    maxPositionEmbeddings: context,
    dtype: embType === "F16" ? "float16" : embType === "F32" ? "float32" : "bfloat16",
    quantization: null,
    vision: null,
    mtpLayers: num(key("nextn_predict_layers")) ?? 0,
  };
  return validateArch(arch, label, names, LIMITS.ggufLayers);
}
