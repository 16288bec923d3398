/**
 * Catalog data, part A: Llama 2 / 3.1 / 3.2 / 3.3, Mistral 7B v0.3, Mistral Small 24B, Mixtral 8x7B / 8x22B,
 * Yi-34B, Falcon-7B, Baichuan2 7B / 13B, ChatGLM3-6B.
 *
 * `config` holds the architecture fields of each checkpoint's config.json as the file has them (token ids,
 * dropout, auto_map, transformers_version and the like are left out; keys the file does not have are not
 * added). How each published count was read, and every family quirk the counting engine must honour, is in
 * docs/research/models-part-a.md.
 */
import type { ModelEntry } from "../types.js";

const hubConfig = (id: string) => ({ url: `https://huggingface.co/${id}/blob/main/config.json` });
const hubApi = (id: string) => `https://huggingface.co/api/models/${id}?expand[]=safetensors`;
const KERAS_HUB =
  "https://github.com/keras-team/keras-hub/blob/71453d08f59edc90d276e999319fc51e61cbf82c/keras_hub/src/models";

/** Llama 3.1 / 3.3 rope_scaling block (identical in the 8B, 70B and 405B configs). */
const llama31Rope = {
  factor: 8.0,
  high_freq_factor: 4.0,
  low_freq_factor: 1.0,
  original_max_position_embeddings: 8192,
  rope_type: "llama3",
};

/**
 * Llama 3.1 70B and Llama 3.3 70B ship the same config.json architecture fields (3.3 is a post-training
 * update of the same network): one object, verbatim from both Hub configs.
 */
const llama70bConfig = {
  architectures: ["LlamaForCausalLM"],
  attention_bias: false,
  hidden_act: "silu",
  hidden_size: 8192,
  intermediate_size: 28672,
  max_position_embeddings: 131072,
  mlp_bias: false,
  model_type: "llama",
  num_attention_heads: 64,
  num_hidden_layers: 80,
  num_key_value_heads: 8,
  pretraining_tp: 1,
  rms_norm_eps: 1e-5,
  rope_scaling: llama31Rope,
  rope_theta: 500000.0,
  tie_word_embeddings: false,
  torch_dtype: "bfloat16",
  vocab_size: 128256,
};

/** Llama 3.2 1B / 3B rope_scaling block. */
const llama32Rope = { ...llama31Rope, factor: 32.0 };

export const modelsA: ModelEntry[] = [
  // ---------------------------------------------------------------- Llama 2
  {
    id: "llama-2-7b",
    name: "Llama 2 7B Chat",
    hfId: "meta-llama/Llama-2-7b-chat-hf",
    otherHfIds: ["meta-llama/Llama-2-7b-hf"],
    aliases: ["llama2-7b", "llama-2-7b-chat", "llama2-7b-chat"],
    config: {
      architectures: ["LlamaForCausalLM"],
      hidden_act: "silu",
      hidden_size: 4096,
      intermediate_size: 11008,
      max_position_embeddings: 4096,
      model_type: "llama",
      num_attention_heads: 32,
      num_hidden_layers: 32,
      num_key_value_heads: 32,
      pretraining_tp: 1,
      rms_norm_eps: 1e-5,
      rope_scaling: null,
      tie_word_embeddings: false,
      torch_dtype: "float16",
      vocab_size: 32000,
    },
    configSource: hubConfig("meta-llama/Llama-2-7b-chat-hf"),
    publishedParams: {
      value: 6738415616,
      source: {
        url: `${KERAS_HUB}/llama/llama_presets.py`,
        quote: '"llama2_instruct_7b_en": ... "params": 6738415616',
      },
      note:
        "The Hub's safetensors total for meta-llama/Llama-2-7b-hf is 6738417664 and its model.safetensors.index.json " +
        "total_size is 13476839424: the HF conversion stored 32 non-parameter buffers " +
        "model.layers.N.self_attn.rotary_emb.inv_freq of 64 F32 values each. 6738417664 - 32*64 = 6738415616; " +
        "13476839424 = 6738415616*2 (F16) + 2048*4 (F32). Both Hub figures read from public copies, not fetched live.",
    },
    released: "2023-07",
    license: "llama2",
  },
  {
    id: "llama-2-13b",
    name: "Llama 2 13B Chat",
    hfId: "meta-llama/Llama-2-13b-chat-hf",
    otherHfIds: ["meta-llama/Llama-2-13b-hf"],
    aliases: ["llama2-13b", "llama-2-13b-chat", "llama2-13b-chat"],
    config: {
      architectures: ["LlamaForCausalLM"],
      hidden_act: "silu",
      hidden_size: 5120,
      intermediate_size: 13824,
      max_position_embeddings: 4096,
      model_type: "llama",
      num_attention_heads: 40,
      num_hidden_layers: 40,
      num_key_value_heads: 40,
      pretraining_tp: 1,
      rms_norm_eps: 1e-5,
      rope_scaling: null,
      tie_word_embeddings: false,
      torch_dtype: "float16",
      vocab_size: 32000,
    },
    configSource: hubConfig("meta-llama/Llama-2-13b-chat-hf"),
    publishedParams: {
      value: 13015864320,
      source: {
        url: hubApi("meta-llama/Llama-2-13b-hf"),
        quote: "safetensors.total 13015866880 (revision 5c31dfb671ce7cfe2d7bb7c04375e44c55e815b1)",
      },
      note:
        "Hub total minus the 40 stored rotary_emb.inv_freq buffers (64 F32 values each, not parameters): " +
        "13015866880 - 40*64 = 13015864320. The Hub figure was read from a public record of the API answer, not " +
        "fetched live; 13015864320 itself also appears in public code as the count of Llama-2-13b-chat-hf.",
    },
    released: "2023-07",
    license: "llama2",
  },
  {
    id: "llama-2-70b",
    name: "Llama 2 70B Chat",
    hfId: "meta-llama/Llama-2-70b-chat-hf",
    otherHfIds: ["meta-llama/Llama-2-70b-hf"],
    aliases: ["llama2-70b", "llama-2-70b-chat", "llama2-70b-chat"],
    config: {
      architectures: ["LlamaForCausalLM"],
      hidden_act: "silu",
      hidden_size: 8192,
      intermediate_size: 28672,
      max_position_embeddings: 4096,
      model_type: "llama",
      num_attention_heads: 64,
      num_hidden_layers: 80,
      num_key_value_heads: 8,
      pretraining_tp: 1,
      rms_norm_eps: 1e-5,
      rope_scaling: null,
      tie_word_embeddings: false,
      torch_dtype: "float16",
      vocab_size: 32000,
    },
    configSource: hubConfig("meta-llama/Llama-2-70b-chat-hf"),
    publishedParams: {
      value: 68976648192,
      source: {
        url: hubApi("meta-llama/Llama-2-70b-hf"),
        quote: "safetensors.total 68976653312 (revision 3aba440b59558f995867ba6e1f58f21d0336b5bb)",
      },
      note:
        "Hub total minus the 80 stored rotary_emb.inv_freq buffers (64 F32 values each): 68976653312 - 80*64 = " +
        "68976648192. Hub figure read from a public record of the API answer, not fetched live; 68976648192 also " +
        "appears in Together's fine-tuning client as the count of llama-2-70b-chat.",
    },
    released: "2023-07",
    license: "llama2",
  },
  // ---------------------------------------------------------------- Llama 3.1 / 3.2 / 3.3
  {
    id: "llama-3.1-8b",
    name: "Llama 3.1 8B Instruct",
    hfId: "meta-llama/Llama-3.1-8B-Instruct",
    otherHfIds: ["meta-llama/Meta-Llama-3.1-8B-Instruct", "meta-llama/Llama-3.1-8B"],
    aliases: ["llama3.1-8b", "llama-3.1-8b-instruct", "llama3.1-8b-instruct"],
    config: {
      architectures: ["LlamaForCausalLM"],
      attention_bias: false,
      hidden_act: "silu",
      hidden_size: 4096,
      intermediate_size: 14336,
      max_position_embeddings: 131072,
      mlp_bias: false,
      model_type: "llama",
      num_attention_heads: 32,
      num_hidden_layers: 32,
      num_key_value_heads: 8,
      pretraining_tp: 1,
      rms_norm_eps: 1e-5,
      rope_scaling: llama31Rope,
      rope_theta: 500000.0,
      tie_word_embeddings: false,
      torch_dtype: "bfloat16",
      vocab_size: 128256,
    },
    configSource: hubConfig("meta-llama/Llama-3.1-8B-Instruct"),
    publishedParams: {
      value: 8030261248,
      source: {
        url: `${KERAS_HUB}/llama3/llama3_presets.py`,
        quote: '"llama3.1_instruct_8b": ... "params": 8030261248',
      },
      note:
        "Same figure as the Hub's safetensors total for meta-llama/Llama-3.1-8B-Instruct and Llama-3.1-8B " +
        "(8030261248, read from public records of the API answer). No buffers stored: index total_size " +
        "16060522496 = 8030261248*2 (all BF16).",
    },
    released: "2024-07",
    license: "llama3.1",
  },
  {
    id: "llama-3.1-70b",
    name: "Llama 3.1 70B Instruct",
    hfId: "meta-llama/Llama-3.1-70B-Instruct",
    otherHfIds: ["meta-llama/Meta-Llama-3.1-70B-Instruct", "meta-llama/Llama-3.1-70B"],
    aliases: ["llama3.1-70b", "llama-3.1-70b-instruct", "llama3.1-70b-instruct"],
    config: llama70bConfig,
    configSource: hubConfig("meta-llama/Llama-3.1-70B-Instruct"),
    publishedParams: {
      value: 70553706496,
      source: {
        url: hubApi("meta-llama/Llama-3.1-70B"),
        quote: "safetensors.total 70553706496 (revision 349b2ddb53ce8f2849a6c168a81980ab25258dac)",
      },
      note:
        "Read from a public record of the Hub API answer for the base checkpoint (same architecture as the " +
        "Instruct one); not fetched live. Llama-3.3-70B-Instruct, same shape, has the same Hub total.",
    },
    released: "2024-07",
    license: "llama3.1",
  },
  {
    id: "llama-3.1-405b",
    name: "Llama 3.1 405B Instruct",
    hfId: "meta-llama/Llama-3.1-405B-Instruct",
    otherHfIds: ["meta-llama/Meta-Llama-3.1-405B-Instruct", "meta-llama/Llama-3.1-405B"],
    aliases: ["llama3.1-405b", "llama-3.1-405b-instruct", "llama3.1-405b-instruct"],
    config: {
      architectures: ["LlamaForCausalLM"],
      attention_bias: false,
      hidden_act: "silu",
      hidden_size: 16384,
      intermediate_size: 53248,
      max_position_embeddings: 131072,
      mlp_bias: false,
      model_type: "llama",
      num_attention_heads: 128,
      num_hidden_layers: 126,
      num_key_value_heads: 8,
      pretraining_tp: 1,
      rms_norm_eps: 1e-5,
      rope_scaling: llama31Rope,
      rope_theta: 500000.0,
      tie_word_embeddings: false,
      torch_dtype: "bfloat16",
      vocab_size: 128256,
    },
    configSource: hubConfig("meta-llama/Llama-3.1-405B-Instruct"),
    publishedParams: {
      value: 405853388800,
      source: {
        url: hubApi("meta-llama/Llama-3.1-405B"),
        quote: "safetensors.total 405853388800 (revision b906e4dc842aa489c962f9db26554dcfdde901fe)",
      },
      note:
        "Read from a public record of the Hub API answer for the base BF16 checkpoint (same architecture as the " +
        "Instruct one); not fetched live.",
    },
    released: "2024-07",
    license: "llama3.1",
  },
  {
    id: "llama-3.2-1b",
    name: "Llama 3.2 1B Instruct",
    hfId: "meta-llama/Llama-3.2-1B-Instruct",
    otherHfIds: ["meta-llama/Llama-3.2-1B"],
    aliases: ["llama3.2-1b", "llama-3.2-1b-instruct", "llama3.2-1b-instruct"],
    config: {
      architectures: ["LlamaForCausalLM"],
      attention_bias: false,
      head_dim: 64,
      hidden_act: "silu",
      hidden_size: 2048,
      intermediate_size: 8192,
      max_position_embeddings: 131072,
      mlp_bias: false,
      model_type: "llama",
      num_attention_heads: 32,
      num_hidden_layers: 16,
      num_key_value_heads: 8,
      pretraining_tp: 1,
      rms_norm_eps: 1e-5,
      rope_scaling: llama32Rope,
      rope_theta: 500000.0,
      tie_word_embeddings: true,
      torch_dtype: "bfloat16",
      vocab_size: 128256,
    },
    configSource: hubConfig("meta-llama/Llama-3.2-1B-Instruct"),
    publishedParams: {
      value: 1235814400,
      source: {
        url: hubApi("meta-llama/Llama-3.2-1B-Instruct"),
        quote: "safetensors.total 1235814400",
      },
      note:
        "Read from a public record of the Hub API answer, not fetched live; GPTQModel's parameter-count test pins " +
        "the same LLAMA_3_2_1B_PARAMETER_COUNT = 1235814400. Embeddings are tied (one 128256x2048 matrix); " +
        "KerasHub's preset lists 1498482688 because it stores an untied head (1235814400 + 262668288).",
    },
    released: "2024-09",
    license: "llama3.2",
  },
  {
    id: "llama-3.2-3b",
    name: "Llama 3.2 3B Instruct",
    hfId: "meta-llama/Llama-3.2-3B-Instruct",
    otherHfIds: ["meta-llama/Llama-3.2-3B"],
    aliases: ["llama3.2-3b", "llama-3.2-3b-instruct", "llama3.2-3b-instruct"],
    config: {
      architectures: ["LlamaForCausalLM"],
      attention_bias: false,
      head_dim: 128,
      hidden_act: "silu",
      hidden_size: 3072,
      intermediate_size: 8192,
      max_position_embeddings: 131072,
      mlp_bias: false,
      model_type: "llama",
      num_attention_heads: 24,
      num_hidden_layers: 28,
      num_key_value_heads: 8,
      pretraining_tp: 1,
      rms_norm_eps: 1e-5,
      rope_scaling: llama32Rope,
      rope_theta: 500000.0,
      tie_word_embeddings: true,
      torch_dtype: "bfloat16",
      vocab_size: 128256,
    },
    configSource: hubConfig("meta-llama/Llama-3.2-3B-Instruct"),
    publishedParams: {
      value: 3212749824,
      source: {
        url: hubApi("meta-llama/Llama-3.2-3B-Instruct"),
        quote:
          "safetensors.total 3212749824 (parameters.BF16 = 3212749824, revision 0cb88a4f764b7a12671c53f0838cd831a0843b95)",
      },
      note: "Read from public records of the Hub API answer, not fetched live. Embeddings tied.",
    },
    released: "2024-09",
    license: "llama3.2",
  },
  {
    id: "llama-3.3-70b",
    name: "Llama 3.3 70B Instruct",
    hfId: "meta-llama/Llama-3.3-70B-Instruct",
    aliases: ["llama3.3-70b", "llama-3.3-70b-instruct", "llama3.3-70b-instruct"],
    config: llama70bConfig,
    configSource: hubConfig("meta-llama/Llama-3.3-70B-Instruct"),
    publishedParams: {
      value: 70553706496,
      source: {
        url: hubApi("meta-llama/Llama-3.3-70B-Instruct"),
        quote: "safetensors.total 70553706496",
      },
      note: "Read from public records of the Hub API answer (several agree), not fetched live. All tensors BF16.",
    },
    released: "2024-12",
    license: "llama3.3",
  },
  // ---------------------------------------------------------------- Mistral / Mixtral
  {
    id: "mistral-7b-v0.3",
    name: "Mistral 7B Instruct v0.3",
    hfId: "mistralai/Mistral-7B-Instruct-v0.3",
    otherHfIds: ["mistralai/Mistral-7B-v0.3"],
    aliases: ["mistral-7b", "mistral-7b-instruct", "mistral-7b-instruct-v0.3"],
    config: {
      architectures: ["MistralForCausalLM"],
      hidden_act: "silu",
      hidden_size: 4096,
      intermediate_size: 14336,
      max_position_embeddings: 32768,
      model_type: "mistral",
      num_attention_heads: 32,
      num_hidden_layers: 32,
      num_key_value_heads: 8,
      rms_norm_eps: 1e-5,
      rope_theta: 1000000.0,
      sliding_window: null,
      tie_word_embeddings: false,
      torch_dtype: "bfloat16",
      vocab_size: 32768,
    },
    configSource: hubConfig("mistralai/Mistral-7B-Instruct-v0.3"),
    publishedParams: {
      value: 7248023552,
      source: {
        url: `${KERAS_HUB}/mistral/mistral_presets.py`,
        quote: '"mistral_0.3_instruct_7b_en": ... "params": 7248023552',
      },
      note:
        "Same figure as the Hub's safetensors total for Mistral-7B-Instruct-v0.3 and Mistral-7B-v0.3 (read from a " +
        "public record of the API answer). v0.1/v0.2 (vocab 32000) have 7241732096: the 768 extra vocab rows x " +
        "4096 x 2 (embed + head) = 6291456.",
    },
    released: "2024-05",
    license: "apache-2.0",
  },
  {
    id: "mistral-small-24b",
    name: "Mistral Small 24B Instruct 2501",
    hfId: "mistralai/Mistral-Small-24B-Instruct-2501",
    otherHfIds: ["mistralai/Mistral-Small-24B-Base-2501"],
    aliases: ["mistral-small", "mistral-small-3", "mistral-small-2501", "mistral-small-24b-instruct-2501"],
    config: {
      architectures: ["MistralForCausalLM"],
      head_dim: 128,
      hidden_act: "silu",
      hidden_size: 5120,
      intermediate_size: 32768,
      max_position_embeddings: 32768,
      model_type: "mistral",
      num_attention_heads: 32,
      num_hidden_layers: 40,
      num_key_value_heads: 8,
      rms_norm_eps: 1e-5,
      rope_theta: 100000000.0,
      sliding_window: null,
      tie_word_embeddings: false,
      torch_dtype: "bfloat16",
      vocab_size: 131072,
    },
    configSource: hubConfig("mistralai/Mistral-Small-24B-Instruct-2501"),
    publishedParams: {
      value: 23572403200,
      source: {
        url: `${KERAS_HUB}/mistral/mistral_presets.py`,
        quote: '"magistral_small_2506_en": ... "params": 23572403200',
      },
      note:
        "Exact for the identical architecture, not read for this repo itself: KerasHub's Magistral Small 2506 and " +
        "Devstral Small 1.1 presets (both Mistral Small 24B fine-tunes, same config shape) list 23572403200, as " +
        "does llama.cpp's n_params for Mistral Small 24B GGUFs and a provider listing of this model created " +
        "2025-01-30. Derivation from the config gives the same: see docs/research/models-part-a.md.",
    },
    released: "2025-01",
    license: "apache-2.0",
  },
  {
    id: "mixtral-8x7b",
    name: "Mixtral 8x7B Instruct v0.1",
    hfId: "mistralai/Mixtral-8x7B-Instruct-v0.1",
    otherHfIds: ["mistralai/Mixtral-8x7B-v0.1"],
    aliases: ["mixtral", "mixtral-8x7b-instruct", "mixtral-8x7b-instruct-v0.1"],
    config: {
      architectures: ["MixtralForCausalLM"],
      hidden_act: "silu",
      hidden_size: 4096,
      intermediate_size: 14336,
      max_position_embeddings: 32768,
      model_type: "mixtral",
      num_attention_heads: 32,
      num_experts_per_tok: 2,
      num_hidden_layers: 32,
      num_key_value_heads: 8,
      num_local_experts: 8,
      rms_norm_eps: 1e-5,
      rope_theta: 1000000.0,
      sliding_window: null,
      tie_word_embeddings: false,
      torch_dtype: "bfloat16",
      vocab_size: 32000,
    },
    configSource: hubConfig("mistralai/Mixtral-8x7B-Instruct-v0.1"),
    publishedParams: {
      value: 46702792704,
      source: {
        url: `${KERAS_HUB}/mixtral/mixtral_presets.py`,
        quote: '"mixtral_8_instruct_7b_en": ... "params": 46702792704',
      },
      note: "Includes the 32 router (gate) matrices of 8x4096. All tensors BF16.",
    },
    released: "2023-12",
    license: "apache-2.0",
  },
  {
    id: "mixtral-8x22b",
    name: "Mixtral 8x22B Instruct v0.1",
    hfId: "mistralai/Mixtral-8x22B-Instruct-v0.1",
    aliases: ["mixtral-8x22b-instruct", "mixtral-8x22b-instruct-v0.1"],
    config: {
      architectures: ["MixtralForCausalLM"],
      hidden_act: "silu",
      hidden_size: 6144,
      intermediate_size: 16384,
      max_position_embeddings: 65536,
      model_type: "mixtral",
      num_attention_heads: 48,
      num_experts_per_tok: 2,
      num_hidden_layers: 56,
      num_key_value_heads: 8,
      num_local_experts: 8,
      rms_norm_eps: 1e-5,
      rope_theta: 1000000.0,
      sliding_window: null,
      tie_word_embeddings: false,
      torch_dtype: "bfloat16",
      vocab_size: 32768,
    },
    configSource: hubConfig("mistralai/Mixtral-8x22B-Instruct-v0.1"),
    publishedParams: {
      value: 140630071296,
      source: {
        url: hubApi("mistralai/Mixtral-8x22B-Instruct-v0.1"),
        quote:
          "safetensors total 140630071296 (as a public model catalog records it, total_parameters_source: safetensors)",
      },
      note:
        "Read from a public model-catalog record that takes the count from the Hub's safetensors metadata; not " +
        "fetched live. The base mistralai/Mixtral-8x22B-v0.1 has vocab 32000 and 140620634112 parameters " +
        "(768 rows x 6144 x 2 = 9437184 fewer), so it is not listed as an identical config.",
    },
    released: "2024-04",
    license: "apache-2.0",
  },
  // ---------------------------------------------------------------- Yi
  {
    id: "yi-34b",
    name: "Yi 34B Chat",
    hfId: "01-ai/Yi-34B-Chat",
    otherHfIds: ["01-ai/Yi-34B"],
    aliases: ["yi-34b-chat"],
    config: {
      architectures: ["LlamaForCausalLM"],
      hidden_act: "silu",
      hidden_size: 7168,
      intermediate_size: 20480,
      max_position_embeddings: 4096,
      model_type: "llama",
      num_attention_heads: 56,
      num_hidden_layers: 60,
      num_key_value_heads: 8,
      pretraining_tp: 1,
      rms_norm_eps: 1e-5,
      rope_scaling: null,
      rope_theta: 5000000.0,
      tie_word_embeddings: false,
      torch_dtype: "bfloat16",
      vocab_size: 64000,
    },
    configSource: hubConfig("01-ai/Yi-34B-Chat"),
    publishedParams: {
      value: 34388917248,
      source: {
        url: hubApi("01-ai/Yi-34B-Chat"),
        quote:
          "safetensors total 34388917248 (as a public model catalog records it, total_parameters_source: safetensors)",
      },
      note:
        "Read from a public model-catalog record that takes the count from the Hub's safetensors metadata; not " +
        "fetched live. The same 34388917248 is recorded for Yi-1.5-34B and Yi-34B fine-tunes (same shape).",
    },
    released: "2023-11",
    license: "apache-2.0",
  },
  // ---------------------------------------------------------------- Falcon
  {
    id: "falcon-7b",
    name: "Falcon 7B Instruct",
    hfId: "tiiuae/falcon-7b-instruct",
    otherHfIds: ["tiiuae/falcon-7b"],
    aliases: ["falcon-7b-instruct"],
    config: {
      alibi: false,
      apply_residual_connection_post_layernorm: false,
      architectures: ["FalconForCausalLM"],
      bias: false,
      hidden_size: 4544,
      layer_norm_epsilon: 1e-5,
      model_type: "falcon",
      multi_query: true,
      new_decoder_architecture: false,
      num_attention_heads: 71,
      num_hidden_layers: 32,
      parallel_attn: true,
      torch_dtype: "bfloat16",
      vocab_size: 65024,
    },
    configSource: hubConfig("tiiuae/falcon-7b-instruct"),
    publishedParams: {
      value: 6921720704,
      source: {
        url: "https://github.com/vllm-project/vllm/pull/3590",
        quote:
          "This bug didn't appear on Falcon-7B since the checkpoint has duplicated weights for word embeddings and LM head.",
      },
      note:
        "Derived from the architecture; no source prints 6921720704. The model ties lm_head to the word embeddings " +
        "(transformers FalconForCausalLM), but the Falcon-7B checkpoint stores lm_head.weight as a separate copy, so " +
        "checkpoint-based totals count it twice: a public record gives 7217189760 for tiiuae/falcon-7b " +
        "(= 6921720704 + 65024*4544). Unique parameters: 32 x (4544*(4544+2*64) fused QKV + 4544^2 dense + " +
        "2*4544*18176 MLP + 2*4544 LayerNorm) + 65024*4544 embedding + 2*4544 ln_f = 6921720704.",
    },
    released: "2023-05",
    license: "apache-2.0",
  },
  // ---------------------------------------------------------------- Baichuan2
  {
    id: "baichuan2-7b",
    name: "Baichuan2 7B Chat",
    hfId: "baichuan-inc/Baichuan2-7B-Chat",
    otherHfIds: ["baichuan-inc/Baichuan2-7B-Base"],
    aliases: ["baichuan2-7b-chat"],
    config: {
      architectures: ["BaichuanForCausalLM"],
      hidden_act: "silu",
      hidden_size: 4096,
      intermediate_size: 11008,
      max_position_embeddings: 4096,
      model_max_length: 4096,
      model_type: "baichuan",
      num_attention_heads: 32,
      num_hidden_layers: 32,
      rms_norm_eps: 1e-6,
      tie_word_embeddings: false,
      torch_dtype: "bfloat16",
      vocab_size: 125696,
    },
    configSource: hubConfig("baichuan-inc/Baichuan2-7B-Chat"),
    publishedParams: {
      value: 7505973248,
      source: {
        url: "https://arxiv.org/abs/2309.10305",
        quote:
          "a series of large-scale multilingual language models containing 7 billion and 13 billion parameters",
      },
      note:
        "Derived from the architecture; only the rounded '7 billion' is published. The repo ships pytorch_model.bin " +
        "only, so the Hub shows no safetensors total. 32 x (W_pack 3*4096^2 + o_proj 4096^2 + 3*4096*11008 MLP + " +
        "2*4096 RMSNorm) + 125696*4096 embed + 125696*4096 NormHead + 4096 final norm = 7505973248.",
    },
    released: "2023-09",
    license: "baichuan2",
  },
  {
    id: "baichuan2-13b",
    name: "Baichuan2 13B Chat",
    hfId: "baichuan-inc/Baichuan2-13B-Chat",
    otherHfIds: ["baichuan-inc/Baichuan2-13B-Base"],
    aliases: ["baichuan2-13b-chat"],
    config: {
      architectures: ["BaichuanForCausalLM"],
      hidden_act: "silu",
      hidden_size: 5120,
      intermediate_size: 13696,
      model_max_length: 4096,
      model_type: "baichuan",
      num_attention_heads: 40,
      num_hidden_layers: 40,
      rms_norm_eps: 1e-6,
      tie_word_embeddings: false,
      torch_dtype: "bfloat16",
      vocab_size: 125696,
    },
    configSource: hubConfig("baichuan-inc/Baichuan2-13B-Chat"),
    publishedParams: {
      value: 13896668160,
      source: {
        url: "https://arxiv.org/abs/2309.10305",
        quote:
          "a series of large-scale multilingual language models containing 7 billion and 13 billion parameters",
      },
      note:
        "Derived from the architecture; only the rounded '13 billion' is published and the repo ships .bin shards " +
        "only (no Hub safetensors total). 40 x (W_pack 3*5120^2 + o_proj 5120^2 + 3*5120*13696 MLP + 2*5120 " +
        "RMSNorm) + 125696*5120 embed + 125696*5120 NormHead + 5120 final norm = 13896668160. ALiBi: no rotary " +
        "buffers, no position parameters.",
    },
    released: "2023-09",
    license: "baichuan2",
  },
  // ---------------------------------------------------------------- ChatGLM3
  {
    id: "chatglm3-6b",
    name: "ChatGLM3 6B",
    hfId: "THUDM/chatglm3-6b",
    otherHfIds: ["zai-org/chatglm3-6b"],
    aliases: ["chatglm3"],
    config: {
      add_bias_linear: false,
      add_qkv_bias: true,
      apply_residual_connection_post_layernorm: false,
      architectures: ["ChatGLMModel"],
      ffn_hidden_size: 13696,
      hidden_size: 4096,
      kv_channels: 128,
      layernorm_epsilon: 1e-5,
      model_type: "chatglm",
      multi_query_attention: true,
      multi_query_group_num: 2,
      num_attention_heads: 32,
      num_layers: 28,
      original_rope: true,
      padded_vocab_size: 65024,
      post_layer_norm: true,
      rmsnorm: true,
      seq_length: 8192,
      tie_word_embeddings: false,
      torch_dtype: "float16",
      vocab_size: 65024,
    },
    configSource: hubConfig("THUDM/chatglm3-6b"),
    publishedParams: {
      value: 6243584000,
      source: {
        url: "https://huggingface.co/THUDM/chatglm3-6b/blob/main/modeling_chatglm.py",
        quote:
          'self.rotary_pos_emb = RotaryEmbedding(rotary_dim // 2, ...) / self.register_buffer("inv_freq", inv_freq)',
      },
      note:
        "6243584000 is printed by a public load log of chatglm3-6b: 'has 6243584032 parameters, 6243584000 " +
        "(100.00%) are trainable' (the 32 extra values are the inv_freq buffer: rotary_dim = kv_channels 128, " +
        "RotaryEmbedding(64) -> 32 values, registered persistent, so stored in the checkpoint). The same " +
        "6243584032 stored values show in chatglm2-6b's (identical shape) index total_size 12487168064 = " +
        "6243584032*2 (all F16). Neither read from the Hub live; the architecture gives exactly 6243584000.",
    },
    released: "2023-10",
    license: "chatglm3",
  },
];
