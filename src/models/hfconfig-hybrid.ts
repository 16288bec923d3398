/**
 * The architectures of 2025-2026 on top of parseHfConfig's generic reading: Gated DeltaNet hybrids
 * (Qwen3-Next, Qwen3.5 / 3.6), Mamba-2 hybrids (Nemotron-H, Granite-4.0-H), DeepSeek-V3.2's sparse
 * attention indexer, Llama 4 (chunked attention, interleaved MoE), GLM-4.5 / 4.6, MiniMax-M2, Qwen3-VL,
 * and the vision towers of Qwen3-VL / Qwen3.5, Llama 4 and Mistral 3 (Pixtral).
 *
 * Pure: the merged text config (family defaults + config.json) in, a completed ModelArch out, or a
 * UserError. Which keys are modelled at all is decided first, by src/models/features.ts.
 */
import { UserError } from "../errors.js";
import type {
  GatedDeltaNetArch,
  LayerAttention,
  Mamba2Arch,
  ModelArch,
  MoeArch,
  VisionTowerArch,
} from "./arch.js";

type Json = Record<string, unknown>;

const isObj = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);
const num = (c: Json, ...keys: string[]): number | undefined => {
  for (const k of keys) {
    const v = c[k];
    if (typeof v === "number" && Number.isFinite(v)) return v;
  }
  return undefined;
};

function bad(label: string, what: string): UserError {
  return new UserError(`${label}: ${what}`, "check the config.json against the model's published one");
}

function need(label: string, c: Json, ...keys: string[]): number {
  const v = num(c, ...keys);
  if (v === undefined) throw bad(label, `missing ${keys[0]}`);
  if (!Number.isInteger(v) || v <= 0) throw bad(label, `${keys[0]} must be a positive integer, got ${v}`);
  return v;
}

/**
 * Defaults of the config classes for fields these families' configs may leave out. Sources:
 * - qwen3_next: transformers Qwen3NextConfig (configuration_qwen3_next.py, commit 008e5743):
 *   "interval_pattern = kwargs.pop("full_attention_interval", 4)", linear_conv_kernel_dim 4,
 *   linear_key_head_dim 128, linear_value_head_dim 128, linear_num_key_heads 16,
 *   linear_num_value_heads 32, decoder_sparse_step 1, tie_word_embeddings False, head_dim 256.
 * - qwen3_5_text / qwen3_5_moe_text: Qwen3_5TextConfig (configuration_qwen3_5.py, same commit), the
 *   same layer rule.
 * - nemotron_h: vLLM's NemotronHConfig docstring (vllm/transformers_utils/configs/nemotron_h.py, as
 *   copied in https://github.com/jiayingsong2023/litevLLM/blob/09ede94319c8acd0c50e59c0f142bfc4d61efee7/vllm/transformers_utils/configs/nemotron_h.py):
 *   "tie_word_embeddings ... defaults to `False`", "mlp_hidden_act ... defaults to "relu2"",
 *   "attention_bias ... `False`", "mlp_bias ... `False`", "use_bias ... `False`",
 *   "mamba_conv_bias ... defaults to `True`".
 * - granitemoehybrid: GraniteMoeHybridConfig.__init__ (transformers
 *   src/transformers/models/granitemoehybrid/configuration_granitemoehybrid.py, commit 008f5c8c):
 *   num_local_experts=8, num_experts_per_tok=2, shared_intermediate_size=1024, mamba_n_heads=128,
 *   mamba_n_groups=1, mamba_d_state=256, mamba_d_head="auto", mamba_d_conv=4, mamba_expand=2,
 *   mamba_conv_bias=True, mamba_proj_bias=False, tie_word_embeddings=False, attention_bias=False.
 * - llama4_text: transformers Llama4TextConfig (configuration_llama4.py, commit 008e5743):
 *   "attention_chunk_size: int | None = 8192", interleave_moe_layer_step 1, no_rope_layer_interval 4,
 *   use_qk_norm True, attention_bias False, tie_word_embeddings False, head_dim 128.
 * - deepseek_v32: DeepSeek-V3's (the same network plus the indexer).
 */
export const HYBRID_FAMILY_DEFAULTS: Record<string, Json> = {
  qwen3_next: {
    tie_word_embeddings: false,
    head_dim: 256,
    full_attention_interval: 4,
    linear_conv_kernel_dim: 4,
    linear_key_head_dim: 128,
    linear_value_head_dim: 128,
    linear_num_key_heads: 16,
    linear_num_value_heads: 32,
    decoder_sparse_step: 1,
  },
  qwen3_5_text: { tie_word_embeddings: false, full_attention_interval: 4 },
  qwen3_5_moe_text: { tie_word_embeddings: false, full_attention_interval: 4, decoder_sparse_step: 1 },
  qwen3_vl_text: { tie_word_embeddings: false, attention_bias: false, head_dim: 128 },
  qwen3_vl_moe_text: {
    tie_word_embeddings: false,
    attention_bias: false,
    head_dim: 128,
    decoder_sparse_step: 1,
  },
  nemotron_h: {
    tie_word_embeddings: false,
    attention_bias: false,
    mlp_bias: false,
    use_bias: false,
    use_conv_bias: true,
    mlp_hidden_act: "relu2",
  },
  granitemoehybrid: {
    tie_word_embeddings: false,
    attention_bias: false,
    num_local_experts: 8,
    num_experts_per_tok: 2,
    shared_intermediate_size: 1024,
    mamba_n_heads: 128,
    mamba_n_groups: 1,
    mamba_d_state: 256,
    mamba_d_head: "auto",
    mamba_d_conv: 4,
    mamba_expand: 2,
    mamba_conv_bias: true,
    mamba_proj_bias: false,
  },
  llama4_text: {
    tie_word_embeddings: false,
    attention_bias: false,
    head_dim: 128,
    attention_chunk_size: 8192,
    interleave_moe_layer_step: 1,
    no_rope_layer_interval: 4,
    use_qk_norm: true,
  },
  glm4_moe: { tie_word_embeddings: false },
  minimax_m2: { tie_word_embeddings: false },
  deepseek_v32: {
    tie_word_embeddings: false,
    first_k_dense_replace: 3,
    moe_layer_freq: 1,
    n_shared_experts: 1,
  },
};

const STATE_DTYPES = { float32: "float32", bfloat16: "bfloat16", float16: "float16" } as const;
function stateDtype(v: unknown): GatedDeltaNetArch["stateDtype"] {
  return typeof v === "string" && v in STATE_DTYPES ? STATE_DTYPES[v as keyof typeof STATE_DTYPES] : null;
}

/** Qwen-style MoE layer rule: not in mlp_only_layers and (i + 1) % decoder_sparse_step == 0. */
function qwenMoeLayers(c: Json, n: number): boolean[] {
  const step = num(c, "decoder_sparse_step") ?? 1;
  const only = new Set(Array.isArray(c.mlp_only_layers) ? (c.mlp_only_layers as number[]) : []);
  return Array.from({ length: n }, (_, i) => !only.has(i) && (i + 1) % step === 0);
}

/**
 * Gated DeltaNet hybrids. Layer i is full attention when (i + 1) % full_attention_interval == 0 and
 * linear attention otherwise (Qwen3NextConfig: `"linear_attention" if bool((i + 1) % interval_pattern)
 * else "full_attention"`), unless layer_types lists them. The full-attention q_proj is twice as wide
 * (vLLM: `self.total_num_heads * (1 + self.attn_output_gate)`, attn_output_gate default True) and has
 * q/k RMSNorms of head_dim. Qwen3-Next and Qwen3.5-MoE add a gated shared expert to every MoE block.
 */
function gatedDeltaNet(a: ModelArch, c: Json, label: string): ModelArch {
  const n = a.numLayers;
  const explicit = Array.isArray(c.layer_types) ? c.layer_types : null;
  if (explicit && explicit.length !== n)
    throw bad(label, `layer_types has ${explicit.length} entries for ${n} layers`);
  const interval = need(label, c, "full_attention_interval");
  const layerTypes: LayerAttention[] = explicit
    ? explicit.map((t) => (t === "linear_attention" ? "linear" : "full"))
    : Array.from({ length: n }, (_, i) => ((i + 1) % interval === 0 ? "full" : "linear"));
  const gdn: GatedDeltaNetArch = {
    numKeyHeads: need(label, c, "linear_num_key_heads"),
    numValueHeads: need(label, c, "linear_num_value_heads"),
    keyHeadDim: need(label, c, "linear_key_head_dim"),
    valueHeadDim: need(label, c, "linear_value_head_dim"),
    convKernel: need(label, c, "linear_conv_kernel_dim"),
    stateDtype: stateDtype(c.mamba_ssm_dtype),
  };
  let moe: MoeArch | null = a.moe;
  if (a.modelType !== "qwen3_5_text" && moe) {
    const shared = num(c, "shared_expert_intermediate_size") ?? 0;
    moe = {
      ...moe,
      sharedIntermediateSize: shared,
      sharedExpertGate: shared > 0,
      moeLayers: qwenMoeLayers(c, n),
    };
  }
  return {
    ...a,
    layerTypes,
    slidingWindow: null,
    gdn,
    moe,
    // every layer is MoE when no dense size applies (Qwen3-Next's intermediate_size is unused)
    intermediateSize: moe && moe.moeLayers.every(Boolean) ? 0 : a.intermediateSize,
    attnOutputGate: c.attn_output_gate !== false,
    qkNorm: true,
    qkNormShape: "head",
    mtpLayers: num(c, "mtp_num_hidden_layers") ?? 0,
  };
}

/** Mamba-2 mixer shapes shared by Nemotron-H and Granite-4.0-H. */
function mamba2(
  label: string,
  m: Omit<Mamba2Arch, "stateDtype">,
  dtype: Mamba2Arch["stateDtype"],
): Mamba2Arch {
  if (m.numHeads % m.numGroups !== 0)
    throw bad(label, `${m.numHeads} Mamba heads are not a multiple of ${m.numGroups} groups`);
  return { ...m, stateDtype: dtype };
}

/**
 * Nemotron-H: one character of hybrid_override_pattern per layer, "M" a Mamba-2 mixer, "*" attention,
 * "-" a non-gated ReLU² MLP (vLLM nemotron_h.py ALL_DECODER_LAYER_TYPES); each layer has one norm.
 * vLLM keeps the SSM state in float32 unless the config says otherwise (NemotronHForCausalLMConfig:
 * `DEFAULT_MAMBA_SSM_CACHE_DTYPE = "float32"`, "Only `float32` is known to have no accuracy issues").
 */
function nemotronH(a: ModelArch, c: Json, label: string): ModelArch {
  const pattern = typeof c.hybrid_override_pattern === "string" ? c.hybrid_override_pattern : "";
  if (pattern.length !== a.numLayers)
    throw bad(
      label,
      `hybrid_override_pattern has ${pattern.length} layers, num_hidden_layers ${a.numLayers}`,
    );
  const chars = [...pattern];
  return {
    ...a,
    layerTypes: chars.map((ch) => (ch === "M" ? "mamba" : ch === "*" ? "full" : "none")),
    ffnLayers: chars.map((ch) => (ch === "-" ? "dense" : "none")),
    slidingWindow: null,
    normsPerLayer: 1,
    mlpGated: String(c.mlp_hidden_act ?? "relu2") !== "relu2",
    qkvBias: c.attention_bias === true,
    oBias: c.attention_bias === true,
    mlpBias: c.mlp_bias === true,
    mamba: mamba2(
      label,
      {
        numHeads: need(label, c, "mamba_num_heads"),
        headDim: need(label, c, "mamba_head_dim"),
        stateSize: need(label, c, "ssm_state_size"),
        numGroups: need(label, c, "n_groups", "mamba_n_groups"),
        convKernel: need(label, c, "conv_kernel", "mamba_d_conv"),
        convBias: (c.use_conv_bias ?? c.mamba_conv_bias) !== false,
        projBias: (c.use_bias ?? c.mamba_proj_bias) === true,
      },
      stateDtype(c.mamba_ssm_cache_dtype) ?? "float32",
    ),
  };
}

/**
 * Granite-4.0-H (granitemoehybrid): layer_types "mamba" / "attention" (all Mamba when absent:
 * `layers_block_type ... else ["mamba"] * self.num_hidden_layers`); every layer also has the MoE
 * block when num_local_experts > 0 and the gated shared MLP (shared_intermediate_size). Mamba inner
 * size = mamba_expand × hidden_size, head dim "auto" = inner / mamba_n_heads. The SSM state follows
 * the model dtype: vLLM's mamba_ssm_cache_dtype default "auto" (cache.py `mamba_ssm_cache_dtype:
 * MambaDType = "auto"`), which no Granite-specific config class overrides (docs/research/hybrid-kv-cache.md §2.4).
 */
function granite(a: ModelArch, c: Json, label: string): ModelArch {
  const n = a.numLayers;
  const kinds = Array.isArray(c.layer_types) ? c.layer_types : null;
  if (kinds && kinds.length !== n)
    throw bad(label, `layer_types has ${kinds.length} entries for ${n} layers`);
  const inner = need(label, c, "mamba_expand") * a.hiddenSize;
  const heads = need(label, c, "mamba_n_heads");
  const headDim = c.mamba_d_head === "auto" ? inner / heads : need(label, c, "mamba_d_head");
  if (heads * headDim !== inner)
    throw bad(
      label,
      `mamba_n_heads × mamba_d_head (${heads} × ${headDim}) is not mamba_expand × hidden_size (${inner})`,
    );
  const shared = num(c, "shared_intermediate_size") ?? 0;
  const moe = a.moe ? { ...a.moe, sharedIntermediateSize: shared, sharedExpertGate: false } : null;
  return {
    ...a,
    layerTypes: Array.from({ length: n }, (_, i) => (kinds && kinds[i] === "attention" ? "full" : "mamba")),
    slidingWindow: null,
    moe,
    // without experts the shared MLP is the layer's only MLP
    intermediateSize: moe ? 0 : shared,
    mamba: mamba2(
      label,
      {
        numHeads: heads,
        headDim,
        stateSize: need(label, c, "mamba_d_state"),
        numGroups: need(label, c, "mamba_n_groups"),
        convKernel: need(label, c, "mamba_d_conv"),
        convBias: c.mamba_conv_bias !== false,
        projBias: c.mamba_proj_bias === true,
      },
      stateDtype(c.mamba_ssm_cache_dtype),
    ),
  };
}

/**
 * Llama 4 text: layer i uses RoPE and chunked local attention when no_rope_layers[i] is 1 (default
 * `int((i + 1) % no_rope_layer_interval != 0)`), else NoPE full attention; MoE on layers where
 * (i + 1) % interleave_moe_layer_step == 0 (or the moe_layers list), each with one shared expert of
 * the expert size; the other layers have a dense MLP of intermediate_size_mlp. The q/k norm is an
 * L2 norm without weights (vLLM llama4.py: `RMSNorm(... has_weight=False ...)`).
 */
function llama4(a: ModelArch, c: Json, label: string): ModelArch {
  const n = a.numLayers;
  const chunk = num(c, "attention_chunk_size") ?? null;
  const interval = num(c, "no_rope_layer_interval") ?? 4;
  const noRope = Array.isArray(c.no_rope_layers) ? c.no_rope_layers : null;
  const explicit = Array.isArray(c.layer_types) ? c.layer_types : null;
  const ropeLayer = (i: number) =>
    explicit ? explicit[i] === "chunked_attention" : noRope ? noRope[i] === 1 : (i + 1) % interval !== 0;
  const layerTypes: LayerAttention[] = Array.from({ length: n }, (_, i) =>
    chunk !== null && ropeLayer(i) ? "chunked" : "full",
  );
  const step = num(c, "interleave_moe_layer_step") ?? 1;
  const listed = Array.isArray(c.moe_layers) ? new Set(c.moe_layers as number[]) : null;
  const moeLayers = Array.from({ length: n }, (_, i) => (listed ? listed.has(i) : (i + 1) % step === 0));
  if (!a.moe) throw bad(label, "missing num_local_experts");
  const expert = need(label, c, "intermediate_size");
  const dense = moeLayers.every(Boolean) ? 0 : need(label, c, "intermediate_size_mlp");
  return {
    ...a,
    layerTypes,
    attentionChunkSize: chunk,
    slidingWindow: null,
    moe: { ...a.moe, expertIntermediateSize: expert, sharedIntermediateSize: expert, moeLayers },
    intermediateSize: dense,
    qkNorm: c.use_qk_norm === true,
    qkNormShape: "weightless",
  };
}

/** The vision tower of a multimodal config whose tower llmdeploy counts (null when none). */
export function visionTower(top: Json, label: string): VisionTowerArch | null {
  const v = top.vision_config;
  if (!isObj(v)) return null;
  switch (String(top.model_type ?? "")) {
    case "qwen3_vl":
    case "qwen3_vl_moe":
    case "qwen3_5":
    case "qwen3_5_moe":
      return {
        kind: "qwen3-vl",
        hiddenSize: need(label, v, "hidden_size"),
        intermediateSize: need(label, v, "intermediate_size"),
        depth: need(label, v, "depth"),
        patchSize: need(label, v, "patch_size"),
        temporalPatchSize: need(label, v, "temporal_patch_size"),
        inChannels: num(v, "in_channels") ?? 3,
        numPositionEmbeddings: need(label, v, "num_position_embeddings"),
        spatialMergeSize: need(label, v, "spatial_merge_size"),
        outHiddenSize: need(label, v, "out_hidden_size"),
        deepstackMergers: Array.isArray(v.deepstack_visual_indexes) ? v.deepstack_visual_indexes.length : 0,
      };
    case "llama4":
      return {
        kind: "llama4",
        hiddenSize: need(label, v, "hidden_size"),
        intermediateSize: need(label, v, "intermediate_size"),
        numLayers: need(label, v, "num_hidden_layers"),
        patchSize: need(label, v, "patch_size"),
        imageSize: need(label, v, "image_size"),
        numChannels: num(v, "num_channels") ?? 3,
        pixelShuffleRatio: num(v, "pixel_shuffle_ratio") ?? 0.5,
        projectorInputDim: need(label, v, "projector_input_dim"),
        projectorOutputDim: need(label, v, "projector_output_dim"),
      };
    case "mistral3":
      return {
        kind: "pixtral",
        hiddenSize: need(label, v, "hidden_size"),
        intermediateSize: need(label, v, "intermediate_size"),
        numLayers: need(label, v, "num_hidden_layers"),
        patchSize: need(label, v, "patch_size"),
        numChannels: num(v, "num_channels") ?? 3,
        spatialMergeSize: num(top, "spatial_merge_size") ?? 2,
      };
    default:
      return null;
  }
}

/**
 * Completes the generic reading of parseHfConfig for the families above. `c` is the merged text
 * config, `top` the whole config.json. Other model types come back unchanged (apart from the vision
 * tower of a multimodal wrapper).
 */
export function extendArch(a: ModelArch, c: Json, top: Json, label: string): ModelArch {
  let out: ModelArch = a;
  switch (a.modelType) {
    case "qwen3_next":
    case "qwen3_5_text":
    case "qwen3_5_moe_text":
      out = gatedDeltaNet(a, c, label);
      break;
    case "qwen3_vl_text":
    case "qwen3_vl_moe_text":
      // Qwen3's language model: q/k RMSNorms, no biases; experts without a shared expert.
      out = {
        ...a,
        qkNorm: true,
        moe: a.moe ? { ...a.moe, moeLayers: qwenMoeLayers(c, a.numLayers) } : null,
      };
      break;
    case "nemotron_h":
      out = nemotronH(a, c, label);
      break;
    case "granitemoehybrid":
      out = granite(a, c, label);
      break;
    case "llama4_text":
      out = llama4(a, c, label);
      break;
    case "deepseek_v32":
      out = {
        ...a,
        indexer: {
          numHeads: need(label, c, "index_n_heads"),
          headDim: need(label, c, "index_head_dim"),
          topK: need(label, c, "index_topk"),
        },
      };
      break;
    case "glm4_moe": {
      // Glm4MoeAttention: q/k/v Linear(bias=config.attention_bias), o_proj bias=False; per-head q/k
      // RMSNorm when use_qk_norm. The first first_k_dense_replace layers are dense; the MoE layers have
      // n_shared_experts shared experts and the router's e_score_correction_bias.
      if (!a.moe) throw bad(label, "missing n_routed_experts");
      const firstK = num(c, "first_k_dense_replace") ?? 0;
      out = {
        ...a,
        oBias: false,
        qkNorm: c.use_qk_norm === true,
        moe: {
          ...a.moe,
          sharedIntermediateSize: (num(c, "n_shared_experts") ?? 0) * a.moe.expertIntermediateSize,
          scoreCorrectionBias: true,
          moeLayers: Array.from({ length: a.numLayers }, (_, i) => i >= firstK),
        },
      };
      break;
    }
    case "minimax_m2":
      // MiniMaxM2Attention with qk_norm_type "per_layer": one RMSNorm over all q heads (heads × head_dim)
      // and one over all k heads; the router has e_score_correction_bias when use_routing_bias.
      out = {
        ...a,
        qkNorm: c.use_qk_norm === true,
        qkNormShape: "full",
        moe: a.moe ? { ...a.moe, scoreCorrectionBias: c.use_routing_bias === true } : null,
      };
      break;
  }
  const tower = visionTower(top, label);
  return tower ? { ...out, visionTower: tower } : out;
}
