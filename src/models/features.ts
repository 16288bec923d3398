/**
 * Never size what is not understood. Config keys that change which layers a model has or what it
 * caches are either modelled for the model types listed here, or refused with one line that names
 * the feature and the key ("config.json: Gated DeltaNet-style linear-attention layers
 * (linear_num_value_heads) are not modelled yet (model_type llama)"). Pure: the parsed config in, a
 * UserError out.
 *
 * Each rule says which (text) model types llmdeploy models the key for; anywhere else the key is
 * refused. A key whose value turns the feature off (null, false, 0, "", []) is not a feature.
 */
import { UserError } from "../errors.js";

type Json = Record<string, unknown>;

/** Gated DeltaNet hybrids (src/models/hfconfig-hybrid.ts). */
export const GDN_TYPES = ["qwen3_next", "qwen3_5_text", "qwen3_5_moe_text"] as const;
/** Mamba-2 hybrids. */
export const MAMBA_TYPES = ["nemotron_h", "granitemoehybrid"] as const;

interface FeatureRule {
  /** The key (exact) or keys (pattern) of the text config this rule covers. */
  key: string | RegExp;
  /** What the key turns on, as people call it. */
  feature: string;
  /** Text model types for which the feature is modelled; "any": it changes no weight or cache. */
  modelledFor: readonly string[] | "any";
  /** A refusal for a value even where the key is modelled (a value the model does not use). */
  check?: (value: unknown, modelType: string) => string | null;
}

const LAYER_KINDS: Record<string, readonly string[] | "any"> = {
  full_attention: "any",
  sliding_attention: "any",
  linear_attention: GDN_TYPES,
  chunked_attention: ["llama4_text"],
  // GraniteMoeHybridConfig: "layer_types must be a list strings in [`mamba` `attention`]"
  mamba: ["granitemoehybrid"],
  attention: ["granitemoehybrid"],
};

/** The rules, in the order they are checked. */
export const FEATURE_RULES: readonly FeatureRule[] = [
  {
    key: "layer_types",
    feature: "layer kinds",
    modelledFor: "any",
    check: (v, modelType) => {
      if (!Array.isArray(v)) return null;
      for (const kind of new Set(v.map(String))) {
        const ok = LAYER_KINDS[kind];
        if (ok === undefined) return `layers of kind "${kind}" (layer_types)`;
        if (ok !== "any" && !ok.includes(modelType)) return `"${kind}" layers (layer_types)`;
      }
      return null;
    },
  },
  { key: "full_attention_interval", feature: "hybrid linear/full attention layers", modelledFor: GDN_TYPES },
  {
    key: /^linear_/,
    feature: "Gated DeltaNet-style linear-attention layers",
    modelledFor: GDN_TYPES,
  },
  { key: "attn_output_gate", feature: "gated attention outputs", modelledFor: GDN_TYPES },
  // Qwen3.5's config names the dtype of its Gated DeltaNet state mamba_ssm_dtype.
  { key: "mamba_ssm_dtype", feature: "recurrent state dtypes", modelledFor: [...GDN_TYPES, ...MAMBA_TYPES] },
  {
    key: /^(mamba_(?!ssm_dtype$)|ssm_)|^(hybrid_override_pattern|ssm_cfg)$/,
    feature: "Mamba / state-space layers",
    modelledFor: MAMBA_TYPES,
    check: (v, modelType) =>
      modelType === "nemotron_h" && typeof v === "string" && /[^M*-]/.test(v)
        ? `Nemotron-H layer kinds other than Mamba "M", attention "*" and MLP "-" ("${v.replace(/[M*-]/g, "")}" in hybrid_override_pattern)`
        : null,
  },
  {
    key: /^(layers_block_type|attn_layer_period|attn_layer_offset|expert_layer_period|expert_layer_offset)$/,
    feature: "Jamba-style hybrid layer patterns",
    modelledFor: [],
  },
  { key: /^index_/, feature: "DeepSeek sparse-attention indexer", modelledFor: ["deepseek_v32"] },
  { key: "attention_chunk_size", feature: "chunked local attention", modelledFor: ["llama4_text"] },
  {
    key: "interleave_moe_layer_step",
    feature: "interleaved MoE / dense layers",
    modelledFor: ["llama4_text"],
  },
  {
    key: "intermediate_size_mlp",
    feature: "second dense MLP sizes of interleaved layers",
    modelledFor: ["llama4_text"],
  },
  // NoPE layers (Llama 4, SmolLM3) leave out rotary embeddings: no weight and no cache changes.
  // Llama 4 also chunks the RoPE layers, which hfconfig-hybrid.ts reads from the same key.
  {
    key: /^(no_rope_layers|no_rope_layer_interval|nope_layer_interval)$/,
    feature: "NoPE layers",
    modelledFor: "any",
  },
  {
    key: "first_k_dense_replace",
    feature: "leading dense layers before the MoE layers",
    modelledFor: ["deepseek_v2", "deepseek_v3", "deepseek_v32", "glm4_moe"],
  },
  {
    key: "moe_layer_freq",
    feature: "MoE layers every n-th layer",
    modelledFor: ["deepseek_v2", "deepseek_v3", "deepseek_v32"],
  },
  {
    key: /^(decoder_sparse_step|mlp_only_layers)$/,
    feature: "dense layers among the MoE layers",
    modelledFor: ["qwen2_moe", "qwen3_moe", "qwen3_next", "qwen3_5_moe_text", "qwen3_vl_moe_text"],
  },
  {
    key: "n_shared_experts",
    feature: "shared experts",
    modelledFor: ["deepseek_v2", "deepseek_v3", "deepseek_v32", "glm4_moe"],
  },
  {
    key: "shared_expert_intermediate_size",
    feature: "shared experts",
    modelledFor: ["qwen2_moe", "qwen3_moe", "qwen3_next", "qwen3_5_moe_text"],
  },
  {
    key: "shared_intermediate_size",
    feature: "shared MLPs beside the experts",
    modelledFor: ["granitemoehybrid"],
  },
  {
    key: "use_qk_norm",
    feature: "q/k norms",
    modelledFor: ["glm4_moe", "minimax_m2", "llama4_text"],
  },
  {
    key: "attn_type_list",
    feature: "per-layer attention kinds",
    modelledFor: ["minimax_m2"],
    check: (v) =>
      Array.isArray(v) && v.some((x) => x !== 1)
        ? "MiniMax lightning (linear) attention layers (attn_type_list entries other than 1)"
        : null,
  },
  { key: "cross_attention_layers", feature: "cross-attention layers", modelledFor: [] },
  { key: "moe_latent_size", feature: "latent MoE projections", modelledFor: [] },
  {
    key: /^(hidden_size_per_layer_input|vocab_size_per_layer_input|altup_.*|laurel_rank|num_kv_shared_layers)$/,
    feature: "Gemma 3n / Gemma 4 per-layer embeddings and shared-KV layers",
    modelledFor: [],
  },
  {
    key: /^(global_head_dim|attention_k_eq_v|num_global_key_value_heads|enable_moe_block)$/,
    feature: "Gemma 4 global attention and MoE layers",
    modelledFor: [],
  },
];

/** Top-level (multimodal) model types whose vision tower llmdeploy counts. */
const VISION_TYPES = ["gemma3", "qwen3_vl", "qwen3_vl_moe", "qwen3_5", "qwen3_5_moe", "llama4", "mistral3"];

/** A value that leaves the feature off. */
const off = (v: unknown): boolean =>
  v === null || v === undefined || v === false || v === 0 || v === "" || (Array.isArray(v) && v.length === 0);

/**
 * The first feature of this config that llmdeploy does not model, as "<feature> (<key>)", or null.
 * `c` is the text config (the language model's), `top` the whole config.json.
 */
export function unmodelledFeature(modelType: string, c: Json, top: Json): string | null {
  for (const rule of FEATURE_RULES) {
    for (const key of Object.keys(c)) {
      if (typeof rule.key === "string" ? key !== rule.key : !rule.key.test(key)) continue;
      const v = c[key];
      if (off(v) && key !== "layer_types") continue;
      if (rule.modelledFor !== "any" && !rule.modelledFor.includes(modelType))
        return `${rule.feature} (${key})`;
      const problem = rule.check?.(v, modelType) ?? null;
      if (problem) return problem;
    }
  }
  const topType = String(top.model_type ?? "");
  if (!off(top.vision_config) && !VISION_TYPES.includes(topType))
    return `vision towers of model_type ${topType || "(none)"} (vision_config)`;
  if (!off(top.audio_config)) return "audio towers (audio_config)";
  return null;
}

/**
 * The model types (config.json `model_type`, after the parser's aliases: RefinedWeb -> falcon,
 * baichuan* -> baichuan, kimi_k2 -> deepseek_v3) whose layers the parser reads: the families of
 * family-defaults.ts and hfconfig-hybrid.ts and the multimodal wrappers whose text model it unwraps.
 * Any other type may hide a layer kind (recurrent state, a non-gated MLP, cross-attention) that the
 * generic reading would size as plain attention, so it is refused by name.
 */
export const KNOWN_MODEL_TYPES: readonly string[] = [
  ...["llama", "mistral", "mixtral", "qwen2", "qwen2_moe", "qwen2_vl", "qwen3", "qwen3_moe"],
  ...["gemma", "gemma2", "gemma3", "gemma3_text", "phi3", "falcon", "chatglm", "baichuan"],
  ...["deepseek_v2", "deepseek_v3", "deepseek_v32", "gpt_oss", "glm4_moe", "minimax_m2"],
  ...["llama4", "llama4_text", "mistral3", "qwen3_next", "nemotron_h", "granitemoehybrid"],
  ...["qwen3_5", "qwen3_5_text", "qwen3_5_moe", "qwen3_5_moe_text"],
  ...["qwen3_vl", "qwen3_vl_text", "qwen3_vl_moe", "qwen3_vl_moe_text"],
];

/**
 * Throws the one-line refusal when the config has a feature llmdeploy does not model, or a
 * model_type it does not know (KNOWN_MODEL_TYPES).
 */
export function assertModelled(modelType: string, c: Json, top: Json, label: string): void {
  const hint =
    "llmdeploy refuses to size what it does not model; `llmdeploy models` lists the architectures it sizes";
  const f = unmodelledFeature(modelType, c, top);
  if (f)
    throw new UserError(`${label}: ${f} are not modelled yet (model_type ${modelType || "(none)"})`, hint);
  if (!KNOWN_MODEL_TYPES.includes(modelType)) {
    throw new UserError(
      `${label}: model_type ${modelType ? `"${modelType}"` : "(none)"} is not an architecture llmdeploy models yet`,
      hint,
    );
  }
}

/**
 * GGUF files of recurrent or state-space models (llama.cpp's ssm_* tensors: Mamba, Qwen3-Next, Nemotron-H,
 * Granite hybrids; RWKV's time_mix; a sparse-attention indexer) and Llama 4's chunked attention: llama.cpp's
 * per-slot recurrent state and chunked cache are not modelled. Returns the refusal, or null.
 */
export function ggufUnmodelledFeature(archName: string, tensorNames: Iterable<string>): string | null {
  for (const n of tensorNames) {
    if (/\.ssm_/.test(n)) return `recurrent / state-space layers (tensor ${n})`;
    if (/\.time_mix/.test(n)) return `RWKV time-mix layers (tensor ${n})`;
    if (/indexer/.test(n)) return `a sparse-attention indexer (tensor ${n})`;
  }
  if (archName === "llama4") return "Llama 4 chunked attention in llama.cpp (general.architecture llama4)";
  return null;
}
