/**
 * Hugging Face config.json -> ModelArch. Pure: takes the parsed JSON, returns data or throws UserError.
 *
 * Real configs leave out whatever their transformers config class defaults, so each family's
 * defaults that matter for sizing are applied (src/models/family-defaults.ts, each with the class it
 * comes from). Every number is checked by src/models/validate.ts: counts are bounded as soon as they
 * are read (before a per-layer list is built from them), the whole architecture before it is
 * returned; each refusal names the file and the key. Strings that reach the output (model_type,
 * architectures, quantization method) are cleaned of control characters (src/sanitize.ts).
 */
import { UserError } from "../errors.js";
import { cleanText, UNFILLED } from "../sanitize.js";
import type { LayerAttention, MlaArch, ModelArch, MoeArch, VisionArch } from "./arch.js";
import { FAMILY_DEFAULTS, SIGLIP_DEFAULTS } from "./family-defaults.js";
import { assertModelled } from "./features.js";
import { extendArch, HYBRID_FAMILY_DEFAULTS } from "./hfconfig-hybrid.js";
import { parseQuantization } from "./quantization.js";
import {
  type ArchFieldNames,
  checkCount,
  CONFIG_FIELDS,
  invalidField,
  LIMITS,
  shown,
  validateArch,
} from "./validate.js";

export { parseQuantization };

type Json = Record<string, unknown>;

const isObj = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);

/** A number read from a config, with the key it was read from. */
interface Picked {
  key: string;
  value: number;
}

/**
 * The first of `keys` that `c` sets, as a number. null counts as not set (configs write
 * `"sliding_window": null` for "no window": Mistral-7B-Instruct-v0.3's config.json,
 * https://huggingface.co/mistralai/Mistral-7B-Instruct-v0.3/blob/main/config.json, and transformers
 * MixtralConfig's default `sliding_window=None`). A key set to anything but a finite number is
 * refused, naming it, rather than skipped for a default. `prefix` names the object in errors.
 */
function pickAt(c: Json, label: string, keys: string[], prefix = ""): Picked | undefined {
  for (const key of keys) {
    const v = c[key];
    if (v === undefined || v === null) continue;
    if (typeof v !== "number" || !Number.isFinite(v))
      throw invalidField(label, `${prefix}${key} is ${shown(v)}; it must be a number`);
    return { key: prefix + key, value: v };
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

function malformed(label: string, what: string): UserError {
  return new UserError(
    `${label}: ${what}`,
    "expected a Hugging Face config.json of a causal language model (hidden_size, num_hidden_layers, num_attention_heads, vocab_size)",
  );
}

/** A required count: the first of `keys` set, an integer in [min, max]; `prefix` names its object. */
function needCount(c: Json, label: string, keys: string[], max: number, min = 1, prefix = ""): Picked {
  const p = pickAt(c, label, keys, prefix);
  if (!p)
    throw malformed(
      label,
      `missing ${prefix}${keys[0]}${keys.length > 1 ? ` (or ${keys.slice(1).join(", ")})` : ""}`,
    );
  checkCount(label, p.key, p.value, max, min);
  return p;
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
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === "string").map(cleanText) : [];
}

function parseVision(v: unknown, label: string): VisionArch | null {
  if (!isObj(v)) return null;
  const c = { ...SIGLIP_DEFAULTS, ...v };
  const n = (k: string) => needCount(c, label, [k], LIMITS.vision, 1, "vision_config.").value;
  return {
    hiddenSize: n("hidden_size"),
    intermediateSize: n("intermediate_size"),
    numLayers: n("num_hidden_layers"),
    patchSize: n("patch_size"),
    imageSize: n("image_size"),
    numChannels: n("num_channels"),
    numHeads: n("num_attention_heads"),
    projector: "gemma3",
  };
}

/** Which layers use sliding-window attention, from the config's own description. */
function layerTypes(
  modelType: string,
  c: Json,
  numLayers: number,
  label: string,
): { types: LayerAttention[]; window: Picked | null } {
  const window = pickAt(c, label, ["sliding_window"]) ?? null;
  // A window that is set must be one: no published config writes 0 or -1 for "none" (they write null).
  if (window)
    checkCount(label, window.key, window.value, LIMITS.context, 1, "null when the model has no window");
  const all = (t: LayerAttention): LayerAttention[] => Array.from({ length: numLayers }, () => t);
  const explicit = c.layer_types;
  if (Array.isArray(explicit)) {
    if (explicit.length !== numLayers)
      throw invalidField(
        label,
        `layer_types lists ${explicit.length} layers, num_hidden_layers is ${numLayers}`,
      );
    const types = explicit.map((t) => (t === "sliding_attention" ? "sliding" : "full")) as LayerAttention[];
    return { types, window: types.includes("sliding") ? window : null };
  }
  if (window === null) return { types: all("full"), window: null };
  switch (modelType) {
    case "gemma2": // Gemma2DecoderLayer: is_sliding = not bool(layer_idx % 2)
      return { types: all("full").map((_, i) => (i % 2 === 0 ? "sliding" : "full")), window };
    case "gemma3_text": {
      // Gemma3: every `sliding_window_pattern`-th layer is global, the rest local.
      const p = pickAt(c, label, ["sliding_window_pattern"]);
      const every = p ? checkCount(label, p.key, p.value, LIMITS.layers) : 6;
      return { types: all("full").map((_, i) => ((i + 1) % every === 0 ? "full" : "sliding")), window };
    }
    case "gpt_oss": // alternating, starting with sliding
      return { types: all("full").map((_, i) => (i % 2 === 0 ? "sliding" : "full")), window };
    case "qwen2":
    case "qwen2_moe":
    case "qwen3":
    case "qwen3_moe": {
      if (c.use_sliding_window !== true) return { types: all("full"), window: null };
      const p = pickAt(c, label, ["max_window_layers"]);
      const from = p ? checkCount(label, p.key, p.value, LIMITS.layers, 0) : numLayers;
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

function parseMoe(
  modelType: string,
  c: Json,
  numLayers: number,
  label: string,
  names: ArchFieldNames,
): MoeArch | null {
  const experts = pickAt(c, label, [
    "num_local_experts",
    "num_experts",
    "n_routed_experts",
    "moe_num_experts",
  ]);
  if (!experts) return null;
  // 0 or 1 expert is a dense model; anything else must be a count.
  const numExperts = checkCount(label, experts.key, experts.value, LIMITS.experts, 0);
  if (numExperts <= 1) return null;
  names.numExperts = experts.key;
  const k = needCount(c, label, ["num_experts_per_tok", "experts_per_token", "moe_top_k"], LIMITS.experts);
  names.expertsPerToken = k.key;
  const inter = pickAt(c, label, ["moe_intermediate_size", "intermediate_size"]);
  if (!inter) throw malformed(label, "missing moe_intermediate_size (or intermediate_size)");
  names.expertIntermediateSize = inter.key;
  const count = (key: string, dflt: number, min: number) => {
    const p = pickAt(c, label, [key]);
    return p ? checkCount(label, p.key, p.value, LIMITS.layers, min) : dflt;
  };
  const layers = Array.from({ length: numLayers }, (_, i) => i);
  let moeLayers: boolean[];
  let shared = 0;
  let sharedGate = false;
  if (modelType.startsWith("deepseek")) {
    const firstK = count("first_k_dense_replace", 0, 0);
    const freq = count("moe_layer_freq", 1, 1);
    moeLayers = layers.map((i) => i >= firstK && i % freq === 0);
    const nShared = pickAt(c, label, ["n_shared_experts"]);
    const n = nShared ? checkCount(label, nShared.key, nShared.value, LIMITS.experts, 0) : 0;
    shared = n * inter.value;
    names.sharedIntermediateSize = "n_shared_experts × moe_intermediate_size";
  } else if (modelType === "qwen2_moe" || modelType === "qwen3_moe") {
    const step = count("decoder_sparse_step", 1, 1);
    const onlyRaw = c.mlp_only_layers ?? [];
    if (!Array.isArray(onlyRaw) || !onlyRaw.every((x) => Number.isInteger(x)))
      throw invalidField(label, `mlp_only_layers is ${shown(onlyRaw)}; it must be a list of layer numbers`);
    const only = new Set(onlyRaw as number[]);
    moeLayers = layers.map((i) => !only.has(i) && (i + 1) % step === 0);
    shared = pickAt(c, label, ["shared_expert_intermediate_size"])?.value ?? 0;
    sharedGate = shared > 0;
  } else {
    moeLayers = layers.map(() => true);
  }
  return {
    numExperts,
    expertsPerToken: k.value,
    expertIntermediateSize: inter.value,
    sharedIntermediateSize: shared,
    sharedExpertGate: sharedGate,
    routerBias: modelType === "gpt_oss",
    expertBias: modelType === "gpt_oss",
    scoreCorrectionBias: modelType === "deepseek_v3" || c.topk_method === "noaux_tc",
    moeLayers,
  };
}

function parseMla(c: Json, label: string): MlaArch | null {
  const kvLoraRank = pickAt(c, label, ["kv_lora_rank"]);
  if (kvLoraRank === undefined) return null;
  const q = pickAt(c, label, ["q_lora_rank"]); // null: q is projected directly (DeepSeek-V2-Lite)
  const n = (k: string) => needCount(c, label, [k], LIMITS.headDim).value;
  return {
    qLoraRank: q ? q.value : null,
    kvLoraRank: kvLoraRank.value,
    qkNopeHeadDim: n("qk_nope_head_dim"),
    qkRopeHeadDim: n("qk_rope_head_dim"),
    vHeadDim: n("v_head_dim"),
  };
}

/**
 * Parse a config.json object. `label` names it in errors (a path or a model id). Throws a UserError
 * naming the key for anything missing, malformed or out of bounds (src/models/validate.ts).
 */
export function parseHfConfig(raw: unknown, label = "config.json"): ModelArch {
  if (!isObj(raw)) throw malformed(label, "not a JSON object");
  // Multimodal configs nest the language model under text_config (Gemma 3, Llava, Mistral 3 ...).
  const nested = isObj(raw.text_config) ? raw.text_config : isObj(raw.llm_config) ? raw.llm_config : null;
  const top = raw;
  const textRaw: Json = nested ? { torch_dtype: top.torch_dtype, ...nested } : top;
  const rawType = textRaw.model_type ?? top.model_type ?? "";
  if (typeof rawType !== "string")
    throw invalidField(label, `model_type is ${shown(rawType)}; it must be a string`);
  let modelType = cleanText(rawType);
  if (UNFILLED.test(modelType))
    throw invalidField(label, `model_type is ${shown(modelType)}, which is not a model type`);
  if (modelType === "gemma3" && nested) modelType = "gemma3_text";
  if (modelType === "RefinedWebModel" || modelType === "RefinedWeb") modelType = "falcon";
  if (modelType.startsWith("baichuan")) modelType = "baichuan";
  // Kimi K2 is DeepSeek-V3's network ("architectures": ["DeepseekV3ForCausalLM"]).
  if (modelType === "kimi_k2") modelType = "deepseek_v3";
  const c: Json = {
    ...(Object.hasOwn(FAMILY_DEFAULTS, modelType)
      ? FAMILY_DEFAULTS[modelType]
      : Object.hasOwn(HYBRID_FAMILY_DEFAULTS, modelType)
        ? HYBRID_FAMILY_DEFAULTS[modelType]
        : {}),
    ...textRaw,
  };
  // Layer kinds and caches llmdeploy does not model are refused here, before any sizing.
  assertModelled(modelType, c, top, label);
  const archs = strList(top.architectures);
  const badArch = archs.find((a) => UNFILLED.test(a));
  if (badArch !== undefined)
    throw invalidField(label, `architectures lists ${shown(badArch)}, which is not a model class`);
  const names: ArchFieldNames = { ...CONFIG_FIELDS };

  const hidden = needCount(c, label, ["hidden_size", "n_embd", "d_model"], LIMITS.hiddenSize);
  // Bounded here, before any per-layer list is built from it.
  const layers = needCount(
    c,
    label,
    ["num_hidden_layers", "num_layers", "n_layer", "n_layers"],
    LIMITS.layers,
  );
  const heads = needCount(c, label, ["num_attention_heads", "n_head", "num_heads"], LIMITS.heads);
  const vocab = needCount(c, label, ["padded_vocab_size", "vocab_size"], LIMITS.vocab);
  const [hiddenSize, numLayers, numHeads] = [hidden.value, layers.value, heads.value];
  Object.assign(names, {
    hiddenSize: hidden.key,
    numLayers: layers.key,
    numHeads: heads.key,
    vocabSize: vocab.key,
  });

  let kv: Picked | undefined;
  if (modelType === "chatglm") {
    kv = c.multi_query_attention === true ? pickAt(c, label, ["multi_query_group_num"]) : undefined;
  } else if (modelType === "falcon") {
    // FalconConfig: new_decoder_architecture uses num_kv_heads; otherwise multi_query -> 1 KV head.
    kv =
      c.new_decoder_architecture === true
        ? pickAt(c, label, ["num_kv_heads"])
        : c.multi_query === false
          ? undefined
          : { key: "multi_query", value: 1 };
  } else {
    kv = pickAt(c, label, ["num_key_value_heads", "num_kv_heads", "multi_query_group_num"]);
  }
  const numKvHeads = kv?.value ?? numHeads;
  if (kv) names.numKvHeads = kv.key;

  const headDimRaw = pickAt(c, label, ["head_dim", "kv_channels"]);
  if (headDimRaw) names.headDim = names.vHeadDim = headDimRaw.key;
  const headDim = headDimRaw?.value ?? hiddenSize / numHeads;
  if (!Number.isInteger(headDim)) {
    throw malformed(
      label,
      headDimRaw
        ? `${headDimRaw.key} is ${headDim}; it must be a positive integer`
        : `${hidden.key} ${hiddenSize} is not divisible by ${numHeads} heads and no head_dim is given`,
    );
  }

  const mla = parseMla(c, label);
  // MLA makes the KV head count unused (validateArch checks it otherwise), yet one that is not a
  // count means the file is not understood.
  if (kv && mla) checkCount(label, kv.key, kv.value, LIMITS.heads);
  const moe = parseMoe(modelType, c, numLayers, label, names);

  const inter = pickAt(c, label, ["intermediate_size", "ffn_hidden_size", "n_inner"]);
  if (inter) names.intermediateSize = inter.key;
  let intermediateSize = inter?.value ?? 0;
  if (modelType === "falcon" && !inter) intermediateSize = 4 * hiddenSize; // FalconMLP: 4 × hidden
  if (moe && moe.moeLayers.every(Boolean) && c.moe_intermediate_size == null) {
    intermediateSize = 0; // Mixtral/gpt-oss: intermediate_size is the expert size, no dense MLP.
  }
  if (!moe && !inter && modelType !== "falcon") throw malformed(label, "missing intermediate_size");

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

  const { types, window } = layerTypes(modelType, c, numLayers, label);
  if (window) names.slidingWindow = window.key;
  const tie = pickBool(c, "tie_word_embeddings") ?? pickBool(top, "tie_word_embeddings") ?? false;
  const POS_KEYS = [
    "max_position_embeddings",
    "seq_length",
    "model_max_length",
    "max_sequence_length",
    "n_positions",
  ];
  const maxPos = pickAt(c, label, POS_KEYS) ?? pickAt(top, label, ["max_position_embeddings"]);
  // No default: the context length bounds --max-model-len, and a guess would size the wrong model.
  if (!maxPos)
    throw new UserError(
      `${label}: missing max_position_embeddings (nor ${POS_KEYS.slice(1).join(", ")})`,
      "the model's context length is needed; add max_position_embeddings to config.json",
    );
  names.maxPositionEmbeddings = maxPos.key;
  const mtp = pickAt(c, label, ["num_nextn_predict_layers"]);

  const arch: ModelArch = {
    modelType,
    architecture: archs[0] ?? null,
    hiddenSize,
    numLayers,
    vocabSize: vocab.value,
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
    slidingWindow: window?.value ?? null,
    maxPositionEmbeddings: maxPos.value,
    dtype: parseDtype(top.torch_dtype ?? c.torch_dtype ?? top.dtype),
    quantization: parseQuantization(top.quantization_config ?? c.quantization_config, label),
    vision: modelType === "gemma3_text" && nested ? parseVision(top.vision_config, label) : null,
    mtpLayers: mtp?.value ?? 0,
  };
  return validateArch(extendArch(arch, c, top, label), label, names);
}
