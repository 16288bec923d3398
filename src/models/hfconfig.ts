/**
 * Hugging Face config.json -> ModelArch. Pure: takes the parsed JSON, returns data or throws UserError.
 *
 * Real configs leave out whatever their transformers config class defaults, so each family's
 * defaults that matter for sizing are applied here, each with the class it comes from
 * (transformers `models/<family>/configuration_<family>.py` and `modeling_<family>.py`).
 */
import { UserError } from "../errors.js";
import type { CheckpointQuant, LayerAttention, MlaArch, ModelArch, MoeArch, VisionArch } from "./arch.js";
import { assertModelled } from "./features.js";
import { extendArch, HYBRID_FAMILY_DEFAULTS } from "./hfconfig-hybrid.js";

type Json = Record<string, unknown>;

const isObj = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);

function pickNum(c: Json, ...keys: string[]): number | undefined {
  for (const k of keys) {
    const v = c[k];
    if (typeof v === "number" && Number.isFinite(v)) return v;
  }
  return undefined;
}
function pickBool(c: Json, ...keys: string[]): boolean | undefined {
  for (const k of keys) {
    const v = c[k];
    if (typeof v === "boolean") return v;
  }
  return undefined;
}

/**
 * Defaults of the config classes for fields that configs commonly omit. Only what changes sizing.
 * Sources: transformers configuration_<family>.py (v4.5x), and for remote-code families the
 * configuration file in the model repo (chatglm3-6b/configuration_chatglm.py, Baichuan2).
 */
const FAMILY_DEFAULTS: Record<string, Json> = {
  llama: { tie_word_embeddings: false, attention_bias: false, mlp_bias: false },
  mistral: { tie_word_embeddings: false, sliding_window: 4096 },
  mixtral: { tie_word_embeddings: false, num_local_experts: 8, num_experts_per_tok: 2, sliding_window: null },
  qwen2: { tie_word_embeddings: false, use_sliding_window: false, sliding_window: 4096 },
  qwen2_moe: {
    tie_word_embeddings: false,
    use_sliding_window: false,
    decoder_sparse_step: 1,
    mlp_only_layers: [],
  },
  qwen3: { tie_word_embeddings: false, attention_bias: false, head_dim: 128, use_sliding_window: false },
  qwen3_moe: {
    tie_word_embeddings: false,
    attention_bias: false,
    head_dim: 128,
    use_sliding_window: false,
    num_experts: 128,
    num_experts_per_tok: 8,
    moe_intermediate_size: 768,
    decoder_sparse_step: 1,
    mlp_only_layers: [],
  },
  gemma: { tie_word_embeddings: true, head_dim: 256 },
  gemma2: { tie_word_embeddings: true, head_dim: 256, sliding_window: 4096 },
  gemma3_text: {
    tie_word_embeddings: true,
    head_dim: 256,
    vocab_size: 262208,
    sliding_window: 4096,
    sliding_window_pattern: 6,
    max_position_embeddings: 131072,
    hidden_size: 2304,
    intermediate_size: 9216,
    num_hidden_layers: 26,
    num_attention_heads: 8,
    num_key_value_heads: 4,
  },
  phi3: { tie_word_embeddings: false },
  falcon: {
    tie_word_embeddings: true,
    bias: false,
    parallel_attn: true,
    new_decoder_architecture: false,
    max_position_embeddings: 2048,
  },
  chatglm: { tie_word_embeddings: false, add_qkv_bias: false, add_bias_linear: false, rmsnorm: true },
  baichuan: { tie_word_embeddings: false },
  deepseek_v2: {
    tie_word_embeddings: false,
    first_k_dense_replace: 0,
    moe_layer_freq: 1,
    n_shared_experts: null,
  },
  deepseek_v3: {
    tie_word_embeddings: false,
    first_k_dense_replace: 3,
    moe_layer_freq: 1,
    n_shared_experts: 1,
  },
  gpt_oss: { tie_word_embeddings: false, attention_bias: true, head_dim: 64, sliding_window: 128 },
};

/** SigLIP vision config defaults (transformers SiglipVisionConfig). */
const SIGLIP_DEFAULTS: Json = {
  hidden_size: 768,
  intermediate_size: 3072,
  num_hidden_layers: 12,
  patch_size: 16,
  image_size: 224,
  num_channels: 3,
};

function malformed(label: string, what: string): UserError {
  return new UserError(
    `${label}: ${what}`,
    "expected a Hugging Face config.json of a causal language model (hidden_size, num_hidden_layers, num_attention_heads, vocab_size)",
  );
}

function requirePositiveInt(label: string, name: string, v: number | undefined): number {
  if (v === undefined) throw malformed(label, `missing ${name}`);
  if (!Number.isInteger(v) || v <= 0) throw malformed(label, `${name} must be a positive integer, got ${v}`);
  return v;
}

function parseDtype(v: unknown): ModelArch["dtype"] {
  switch (v) {
    case "float32":
    case "fp32":
      return "float32";
    case "float16":
    case "fp16":
    case "half":
      return "float16";
    default:
      return "bfloat16";
  }
}

function strList(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : [];
}

/** quantization_config -> how the checkpoint stores its weights. */
export function parseQuantization(q: unknown, label: string): CheckpointQuant | null {
  if (!isObj(q)) return null;
  const method = String(q.quant_method ?? "").toLowerCase();
  const skip = strList(q.modules_to_not_convert ?? q.ignored_layers ?? q.ignore ?? q.llm_int8_skip_modules);
  switch (method) {
    case "awq":
      return {
        method: "awq",
        bits: pickNum(q, "bits", "w_bit") ?? 4,
        groupSize: pickNum(q, "group_size", "q_group_size") ?? 128,
        zeroPoint: pickBool(q, "zero_point") ?? true,
        skip,
      };
    case "gptq":
      return {
        method: "gptq",
        bits: pickNum(q, "bits") ?? 4,
        groupSize: pickNum(q, "group_size") ?? 128,
        descAct: pickBool(q, "desc_act") ?? false,
        skip,
      };
    case "fp8": {
      const b = q.weight_block_size;
      const block =
        Array.isArray(b) && b.length === 2 && b.every((x) => typeof x === "number")
          ? (b as [number, number])
          : null;
      return { method: "fp8", blockSize: block, skip };
    }
    case "compressed-tensors": {
      const groups = isObj(q.config_groups) ? Object.values(q.config_groups) : [];
      const g = groups.find(isObj);
      const w = g && isObj(g.weights) ? g.weights : undefined;
      if (!w) throw malformed(label, "compressed-tensors quantization_config has no config_groups.*.weights");
      const bits = pickNum(w, "num_bits");
      const type = String(w.type ?? "int");
      const strategy = String(w.strategy ?? "channel");
      if (type === "float" && bits === 8) {
        const s = strategy === "tensor" || strategy === "block" ? strategy : "channel";
        return { method: "compressed-tensors-fp8", strategy: s, skip };
      }
      if (type === "int" && bits === 4) {
        return { method: "compressed-tensors-w4a16", groupSize: pickNum(w, "group_size") ?? 128, skip };
      }
      throw new UserError(
        `${label}: compressed-tensors scheme ${type}${bits} (${strategy}) is not supported yet`,
        "supported: FP8 (float, 8 bits) and W4A16 (int, 4 bits)",
      );
    }
    case "mxfp4":
      return { method: "mxfp4", skip };
    case "bitsandbytes":
      if (q.load_in_8bit === true) return { method: "bitsandbytes-8bit", skip };
      return {
        method: "bitsandbytes-4bit",
        quantType: q.bnb_4bit_quant_type === "fp4" ? "fp4" : "nf4",
        doubleQuant: q.bnb_4bit_use_double_quant === true,
        skip,
      };
    default:
      throw new UserError(
        `${label}: quantization method "${method || "(none)"}" is not supported`,
        "supported: awq, gptq, fp8, compressed-tensors, mxfp4, bitsandbytes",
      );
  }
}

function parseVision(v: unknown): VisionArch | null {
  if (!isObj(v)) return null;
  const c = { ...SIGLIP_DEFAULTS, ...v };
  return {
    hiddenSize: pickNum(c, "hidden_size")!,
    intermediateSize: pickNum(c, "intermediate_size")!,
    numLayers: pickNum(c, "num_hidden_layers")!,
    patchSize: pickNum(c, "patch_size")!,
    imageSize: pickNum(c, "image_size")!,
    numChannels: pickNum(c, "num_channels")!,
    projector: "gemma3",
  };
}

/** Which layers use sliding-window attention, from the config's own description. */
function layerTypes(
  modelType: string,
  c: Json,
  numLayers: number,
): { types: LayerAttention[]; window: number | null } {
  const window = pickNum(c, "sliding_window") ?? null;
  const all = (t: LayerAttention): LayerAttention[] => Array.from({ length: numLayers }, () => t);
  const explicit = c.layer_types;
  if (Array.isArray(explicit) && explicit.length === numLayers) {
    const types = explicit.map((t) => (t === "sliding_attention" ? "sliding" : "full")) as LayerAttention[];
    return { types, window: types.includes("sliding") ? window : null };
  }
  if (window === null) return { types: all("full"), window: null };
  switch (modelType) {
    case "gemma2": // Gemma2DecoderLayer: is_sliding = not bool(layer_idx % 2)
      return { types: all("full").map((_, i) => (i % 2 === 0 ? "sliding" : "full")), window };
    case "gemma3_text": {
      // Gemma3: every `sliding_window_pattern`-th layer is global, the rest local.
      const p = pickNum(c, "sliding_window_pattern") ?? 6;
      return { types: all("full").map((_, i) => ((i + 1) % p === 0 ? "full" : "sliding")), window };
    }
    case "gpt_oss": // alternating, starting with sliding
      return { types: all("full").map((_, i) => (i % 2 === 0 ? "sliding" : "full")), window };
    case "qwen2":
    case "qwen2_moe":
    case "qwen3":
    case "qwen3_moe": {
      if (c.use_sliding_window !== true) return { types: all("full"), window: null };
      const from = pickNum(c, "max_window_layers") ?? numLayers;
      return { types: all("full").map((_, i) => (i >= from ? "sliding" : "full")), window };
    }
    case "mistral":
    case "mixtral":
    case "phi3":
      return { types: all("sliding"), window };
    default:
      return { types: all("full"), window: null };
  }
}

function parseMoe(modelType: string, c: Json, numLayers: number, label: string): MoeArch | null {
  const numExperts = pickNum(c, "num_local_experts", "num_experts", "n_routed_experts", "moe_num_experts");
  if (!numExperts || numExperts <= 1) return null;
  const k = requirePositiveInt(
    label,
    "num_experts_per_tok",
    pickNum(c, "num_experts_per_tok", "experts_per_token", "moe_top_k"),
  );
  const expertInter = pickNum(c, "moe_intermediate_size") ?? pickNum(c, "intermediate_size");
  const layers = Array.from({ length: numLayers }, (_, i) => i);
  let moeLayers: boolean[];
  let shared = 0;
  let sharedGate = false;
  if (modelType.startsWith("deepseek")) {
    const firstK = pickNum(c, "first_k_dense_replace") ?? 0;
    const freq = pickNum(c, "moe_layer_freq") ?? 1;
    moeLayers = layers.map((i) => i >= firstK && i % freq === 0);
    shared = (pickNum(c, "n_shared_experts") ?? 0) * (expertInter ?? 0);
  } else if (modelType === "qwen2_moe" || modelType === "qwen3_moe") {
    const step = pickNum(c, "decoder_sparse_step") ?? 1;
    const only = new Set(Array.isArray(c.mlp_only_layers) ? (c.mlp_only_layers as number[]) : []);
    moeLayers = layers.map((i) => !only.has(i) && (i + 1) % step === 0);
    shared = pickNum(c, "shared_expert_intermediate_size") ?? 0;
    sharedGate = shared > 0;
  } else {
    moeLayers = layers.map(() => true);
  }
  return {
    numExperts,
    expertsPerToken: k,
    expertIntermediateSize: requirePositiveInt(label, "moe_intermediate_size", expertInter),
    sharedIntermediateSize: shared,
    sharedExpertGate: sharedGate,
    routerBias: modelType === "gpt_oss",
    expertBias: modelType === "gpt_oss",
    scoreCorrectionBias: modelType === "deepseek_v3" || c.topk_method === "noaux_tc",
    moeLayers,
  };
}

function parseMla(c: Json, label: string): MlaArch | null {
  const kvLoraRank = pickNum(c, "kv_lora_rank");
  if (kvLoraRank === undefined) return null;
  const q = c.q_lora_rank;
  return {
    qLoraRank: typeof q === "number" ? q : null,
    kvLoraRank,
    qkNopeHeadDim: requirePositiveInt(label, "qk_nope_head_dim", pickNum(c, "qk_nope_head_dim")),
    qkRopeHeadDim: requirePositiveInt(label, "qk_rope_head_dim", pickNum(c, "qk_rope_head_dim")),
    vHeadDim: requirePositiveInt(label, "v_head_dim", pickNum(c, "v_head_dim")),
  };
}

/**
 * Parse a config.json object. `label` names it in errors (a path or a model id).
 */
export function parseHfConfig(raw: unknown, label = "config.json"): ModelArch {
  if (!isObj(raw)) throw malformed(label, "not a JSON object");
  // Multimodal configs nest the language model under text_config (Gemma 3, Llava, Mistral 3 ...).
  const nested = isObj(raw.text_config) ? raw.text_config : isObj(raw.llm_config) ? raw.llm_config : null;
  const top = raw;
  const textRaw: Json = nested ? { torch_dtype: top.torch_dtype, ...nested } : top;
  let modelType = String(textRaw.model_type ?? top.model_type ?? "");
  if (modelType === "gemma3" && nested) modelType = "gemma3_text";
  if (modelType === "RefinedWebModel" || modelType === "RefinedWeb") modelType = "falcon";
  if (modelType.startsWith("baichuan")) modelType = "baichuan";
  // Kimi K2 is DeepSeek-V3's network ("architectures": ["DeepseekV3ForCausalLM"]).
  if (modelType === "kimi_k2") modelType = "deepseek_v3";
  const c: Json = { ...(FAMILY_DEFAULTS[modelType] ?? HYBRID_FAMILY_DEFAULTS[modelType] ?? {}), ...textRaw };
  // Layer kinds and caches llmdeploy does not model are refused here, before any sizing.
  assertModelled(modelType, c, top, label);
  const archs = strList(top.architectures);

  const hiddenSize = requirePositiveInt(label, "hidden_size", pickNum(c, "hidden_size", "n_embd", "d_model"));
  const numLayers = requirePositiveInt(
    label,
    "num_hidden_layers",
    pickNum(c, "num_hidden_layers", "num_layers", "n_layer", "n_layers"),
  );
  const numHeads = requirePositiveInt(
    label,
    "num_attention_heads",
    pickNum(c, "num_attention_heads", "n_head", "num_heads"),
  );
  const vocabSize = requirePositiveInt(label, "vocab_size", pickNum(c, "padded_vocab_size", "vocab_size"));

  let numKvHeads: number;
  if (modelType === "chatglm") {
    numKvHeads =
      c.multi_query_attention === true ? (pickNum(c, "multi_query_group_num") ?? numHeads) : numHeads;
  } else if (modelType === "falcon") {
    // FalconConfig: new_decoder_architecture uses num_kv_heads; otherwise multi_query -> 1 KV head.
    numKvHeads =
      c.new_decoder_architecture === true
        ? (pickNum(c, "num_kv_heads") ?? numHeads)
        : c.multi_query === false
          ? numHeads
          : 1;
  } else {
    numKvHeads = pickNum(c, "num_key_value_heads", "num_kv_heads", "multi_query_group_num") ?? numHeads;
  }
  if (numHeads % numKvHeads !== 0) {
    throw malformed(
      label,
      `num_attention_heads (${numHeads}) is not a multiple of num_key_value_heads (${numKvHeads})`,
    );
  }

  const headDimRaw = pickNum(c, "head_dim", "kv_channels");
  const headDim = headDimRaw ?? hiddenSize / numHeads;
  if (!Number.isInteger(headDim)) {
    throw malformed(
      label,
      `hidden_size ${hiddenSize} is not divisible by ${numHeads} heads and no head_dim is given`,
    );
  }

  const mla = parseMla(c, label);
  const moe = parseMoe(modelType, c, numLayers, label);

  let intermediateSize = pickNum(c, "intermediate_size", "ffn_hidden_size", "n_inner") ?? 0;
  if (modelType === "falcon" && intermediateSize === 0) intermediateSize = 4 * hiddenSize;
  if (moe && moe.moeLayers.every(Boolean) && pickNum(c, "moe_intermediate_size") === undefined) {
    intermediateSize = 0; // Mixtral/gpt-oss: intermediate_size is the expert size, no dense MLP.
  }
  if (!moe && intermediateSize <= 0) throw malformed(label, "missing intermediate_size");

  const attnBias = pickBool(c, "attention_bias");
  let qkvBias = attnBias ?? false;
  let oBias = attnBias ?? false;
  let mlpBias = pickBool(c, "mlp_bias") ?? false;
  switch (modelType) {
    case "qwen2":
    case "qwen2_moe":
    case "qwen2_vl":
      qkvBias = true; // Qwen2Attention: q/k/v Linear(bias=True), o_proj bias=False
      oBias = false;
      break;
    case "chatglm":
      qkvBias = c.add_bias_linear === true || c.add_qkv_bias === true;
      oBias = mlpBias = c.add_bias_linear === true;
      break;
    case "falcon":
      qkvBias = oBias = mlpBias = c.bias === true;
      break;
  }

  let normKind: ModelArch["normKind"] = "rms";
  let normsPerLayer = 2;
  if (modelType === "falcon") {
    normKind = "layer";
    normsPerLayer = c.new_decoder_architecture === true ? 2 : c.parallel_attn === false ? 2 : 1;
  } else if (modelType === "chatglm" && c.rmsnorm === false) {
    normKind = "layer";
  } else if (modelType === "gemma2" || modelType === "gemma3_text") {
    normsPerLayer = 4; // input, post_attention, pre_feedforward, post_feedforward
  }

  const { types, window } = layerTypes(modelType, c, numLayers);
  const tie = pickBool(c, "tie_word_embeddings") ?? pickBool(top, "tie_word_embeddings") ?? false;
  const maxPos =
    pickNum(
      c,
      "max_position_embeddings",
      "seq_length",
      "model_max_length",
      "max_sequence_length",
      "n_positions",
    ) ??
    pickNum(top, "max_position_embeddings") ??
    4096;

  const generic: ModelArch = {
    modelType,
    architecture: archs[0] ?? null,
    hiddenSize,
    numLayers,
    vocabSize,
    numHeads,
    numKvHeads: mla ? numHeads : numKvHeads,
    headDim: mla ? mla.qkNopeHeadDim + mla.qkRopeHeadDim : headDim,
    vHeadDim: mla ? mla.vHeadDim : headDim,
    intermediateSize,
    tieWordEmbeddings: tie,
    qkvBias,
    oBias,
    mlpBias,
    mlpGated:
      modelType !== "falcon" && !String(c.hidden_act ?? c.activation_function ?? "").startsWith("gelu_new"),
    normKind,
    normsPerLayer,
    qkNorm: modelType === "qwen3" || modelType === "qwen3_moe" || modelType === "gemma3_text",
    attentionSinks: modelType === "gpt_oss",
    moe,
    mla,
    layerTypes: types,
    slidingWindow: window,
    maxPositionEmbeddings: maxPos,
    dtype: parseDtype(top.torch_dtype ?? c.torch_dtype ?? top.dtype),
    quantization: parseQuantization(top.quantization_config ?? c.quantization_config, label),
    vision: modelType === "gemma3_text" && nested ? parseVision(top.vision_config) : null,
    mtpLayers: pickNum(c, "num_nextn_predict_layers") ?? 0,
  };
  return extendArch(generic, c, top, label);
}
