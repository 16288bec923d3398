/**
 * What config.json files leave out because their transformers config class defaults it: each
 * family's defaults that matter for sizing (used by src/models/hfconfig.ts).
 */

type Json = Record<string, unknown>;

/**
 * Defaults of the config classes for fields that configs commonly omit. Only what changes sizing.
 * Sources: transformers configuration_<family>.py (v4.5x), and for remote-code families the
 * configuration file in the model repo (chatglm3-6b/configuration_chatglm.py, Baichuan2).
 */
export const FAMILY_DEFAULTS: Record<string, Json> = {
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
export const SIGLIP_DEFAULTS: Json = {
  hidden_size: 768,
  intermediate_size: 3072,
  num_hidden_layers: 12,
  patch_size: 16,
  image_size: 224,
  num_channels: 3,
  num_attention_heads: 12,
};
