import { describe, expect, it } from "vitest";
import { models } from "../../src/catalog/index.js";
import { UserError } from "../../src/errors.js";
import { FEATURE_RULES, ggufUnmodelledFeature } from "../../src/models/features.js";
import { parseHfConfig } from "../../src/models/hfconfig.js";
import { countParams } from "../../src/sizing/inventory.js";

// A plain Llama 3.1 8B config: every key below is added to it alone. The result must be a model or a
// one-line refusal naming the feature, never a silent change of nothing.
const plain = {
  model_type: "llama",
  architectures: ["LlamaForCausalLM"],
  hidden_size: 4096,
  intermediate_size: 14336,
  num_hidden_layers: 32,
  num_attention_heads: 32,
  num_key_value_heads: 8,
  vocab_size: 128256,
  max_position_embeddings: 131072,
  torch_dtype: "bfloat16",
};
const plainCount = countParams(parseHfConfig(plain)).total;

/** The refusal for `extra` added to the plain config, or null when it parses. */
function refusal(extra: Record<string, unknown>, base: Record<string, unknown> = plain): string | null {
  try {
    parseHfConfig({ ...base, ...extra }, "config.json");
    return null;
  } catch (e) {
    if (!(e instanceof UserError)) throw e;
    return e.message;
  }
}

describe("config keys that change the layers or the cache are modelled or refused by name", () => {
  // [key added to the plain llama config, value, the feature the refusal must name]
  const refused: [string, unknown, RegExp][] = [
    [
      "layer_types",
      Array.from({ length: 32 }, () => "linear_attention"),
      /"linear_attention" layers \(layer_types\)/,
    ],
    ["layer_types", Array.from({ length: 32 }, () => "rwkv"), /layers of kind "rwkv" \(layer_types\)/],
    ["full_attention_interval", 4, /hybrid linear\/full attention layers \(full_attention_interval\)/],
    ["linear_num_value_heads", 32, /Gated DeltaNet-style linear-attention layers \(linear_num_value_heads\)/],
    ["linear_conv_kernel_dim", 4, /linear-attention layers \(linear_conv_kernel_dim\)/],
    ["linear_attn_config", { kda_layers: [1] }, /linear-attention layers \(linear_attn_config\)/],
    ["attn_output_gate", true, /gated attention outputs \(attn_output_gate\)/],
    ["mamba_d_state", 128, /Mamba \/ state-space layers \(mamba_d_state\)/],
    ["ssm_state_size", 128, /Mamba \/ state-space layers \(ssm_state_size\)/],
    ["hybrid_override_pattern", "M*M*", /Mamba \/ state-space layers \(hybrid_override_pattern\)/],
    ["mamba_ssm_dtype", "float32", /recurrent state dtypes \(mamba_ssm_dtype\)/],
    ["attn_layer_period", 8, /Jamba-style hybrid layer patterns \(attn_layer_period\)/],
    ["layers_block_type", ["mamba"], /Jamba-style hybrid layer patterns \(layers_block_type\)/],
    ["index_n_heads", 64, /DeepSeek sparse-attention indexer \(index_n_heads\)/],
    ["index_topk", 2048, /DeepSeek sparse-attention indexer \(index_topk\)/],
    ["attention_chunk_size", 8192, /chunked local attention \(attention_chunk_size\)/],
    ["interleave_moe_layer_step", 2, /interleaved MoE \/ dense layers \(interleave_moe_layer_step\)/],
    ["intermediate_size_mlp", 16384, /\(intermediate_size_mlp\)/],
    ["first_k_dense_replace", 3, /leading dense layers before the MoE layers \(first_k_dense_replace\)/],
    ["moe_layer_freq", 2, /MoE layers every n-th layer \(moe_layer_freq\)/],
    ["decoder_sparse_step", 2, /dense layers among the MoE layers \(decoder_sparse_step\)/],
    ["n_shared_experts", 1, /shared experts \(n_shared_experts\)/],
    ["shared_expert_intermediate_size", 512, /shared experts \(shared_expert_intermediate_size\)/],
    ["shared_intermediate_size", 1024, /shared MLPs beside the experts \(shared_intermediate_size\)/],
    ["use_qk_norm", true, /q\/k norms \(use_qk_norm\)/],
    ["attn_type_list", [0, 1], /per-layer attention kinds \(attn_type_list\)/],
    ["cross_attention_layers", [3, 8], /cross-attention layers \(cross_attention_layers\)/],
    ["moe_latent_size", 1024, /latent MoE projections \(moe_latent_size\)/],
    ["hidden_size_per_layer_input", 256, /per-layer embeddings .* \(hidden_size_per_layer_input\)/],
    ["num_kv_shared_layers", 10, /shared-KV layers \(num_kv_shared_layers\)/],
    ["global_head_dim", 512, /Gemma 4 global attention and MoE layers \(global_head_dim\)/],
    ["attention_k_eq_v", true, /Gemma 4 .* \(attention_k_eq_v\)/],
    ["vision_config", { hidden_size: 1024 }, /vision towers of model_type llama \(vision_config\)/],
    ["audio_config", { d_model: 1280 }, /audio towers \(audio_config\)/],
  ];
  for (const [key, value, feature] of refused) {
    it(`${key}: refused, naming the feature`, () => {
      const msg = refusal({ [key]: value });
      expect(msg).toMatch(feature);
      expect(msg).toMatch(/are not modelled yet \(model_type llama\)$/);
      expect(msg!.split("\n")).toHaveLength(1);
    });
  }

  // Keys that change no weight and no cache: modelled (the same count as without them).
  const harmless: [string, unknown][] = [
    ["no_rope_layers", Array.from({ length: 32 }, (_, i) => ((i + 1) % 4 ? 1 : 0))],
    ["no_rope_layer_interval", 4],
    ["layer_types", Array.from({ length: 32 }, () => "full_attention")],
    // a key present with its feature off is not the feature
    ["attention_chunk_size", null],
    ["index_topk", 0],
    ["mlp_only_layers", []],
  ];
  for (const [key, value] of harmless) {
    it(`${key}: modelled, no change to a plain model`, () => {
      expect(refusal({ [key]: value })).toBeNull();
      expect(countParams(parseHfConfig({ ...plain, [key]: value })).total).toBe(plainCount);
    });
  }

  it("every rule is exercised by the tables above", () => {
    const keys = [...refused, ...harmless].map(([k]) => k);
    for (const rule of FEATURE_RULES) {
      const covered = keys.some((k) => (typeof rule.key === "string" ? k === rule.key : rule.key.test(k)));
      expect(covered, String(rule.key)).toBe(true);
    }
  });

  it("an unknown model_type carrying a hybrid key is refused; the family that has it is modelled", () => {
    expect(refusal({ model_type: "falcon_h1", mamba_d_ssm: 1024 })).toMatch(
      /Mamba \/ state-space layers \(mamba_d_ssm\) are not modelled yet \(model_type falcon_h1\)/,
    );
    const next = models.find((m) => m.id === "qwen3-next-80b-a3b")!;
    expect(() => parseHfConfig(next.config)).not.toThrow();
  });

  it("a modelled family with a value it does not use is refused: Nemotron-H MoE layers ('E')", () => {
    const nano = models.find((m) => m.id === "nemotron-nano-9b-v2")!.config;
    const pattern = String(nano.hybrid_override_pattern).replace(/-/, "E");
    expect(refusal({ hybrid_override_pattern: pattern }, nano)).toMatch(
      /Nemotron-H layer kinds other than .* \("E" in hybrid_override_pattern\)/,
    );
  });

  it("MiniMax-M2's attn_type_list of all 1 (softmax) is modelled; a 0 (lightning attention) is refused", () => {
    const m2 = models.find((m) => m.id === "minimax-m2")!.config;
    expect(refusal({}, m2)).toBeNull();
    const list = (m2.attn_type_list as number[]).map((x, i) => (i === 0 ? 0 : x));
    expect(refusal({ attn_type_list: list }, m2)).toMatch(/MiniMax lightning \(linear\) attention layers/);
  });

  it("Gemma 4 26B-A4B's published config.json is refused by name, not mis-sized", () => {
    // google/gemma-4-26B-A4B-it config.json (text_config keys), as bundled by NVIDIA aiconfigurator:
    // https://github.com/ai-dynamo/aiconfigurator/blob/095f58a51c4ca8e61b66ec108d86f223f8d559ce/aic-core/src/aiconfigurator_core/model_configs/
    const gemma4 = {
      architectures: ["Gemma4ForConditionalGeneration"],
      model_type: "gemma4",
      text_config: {
        model_type: "gemma4_text",
        attention_k_eq_v: true,
        enable_moe_block: true,
        global_head_dim: 512,
        head_dim: 256,
        hidden_size: 2816,
        hidden_size_per_layer_input: 0,
        intermediate_size: 2112,
        moe_intermediate_size: 704,
        num_attention_heads: 16,
        num_experts: 128,
        num_global_key_value_heads: 2,
        num_hidden_layers: 30,
        num_key_value_heads: 8,
        sliding_window: 1024,
        top_k_experts: 8,
        vocab_size: 262144,
        vocab_size_per_layer_input: 262144,
      },
      vision_config: { model_type: "gemma4_vision", hidden_size: 1152 },
    };
    // the first of its unmodelled keys in the rules' order names the refusal
    expect(refusal({}, gemma4)).toBe(
      "config.json: Gemma 3n / Gemma 4 per-layer embeddings and shared-KV layers (vocab_size_per_layer_input) are not modelled yet (model_type gemma4_text)",
    );
  });
});

describe("GGUF files of models llama.cpp keeps a recurrent state for", () => {
  it("names the first state-space tensor, RWKV's time mix, an indexer and Llama 4's chunked attention", () => {
    expect(ggufUnmodelledFeature("qwen3next", ["token_embd.weight", "blk.0.ssm_conv1d.weight"])).toBe(
      "recurrent / state-space layers (tensor blk.0.ssm_conv1d.weight)",
    );
    expect(ggufUnmodelledFeature("rwkv7", ["blk.0.time_mix_key.weight"])).toMatch(/RWKV time-mix/);
    expect(ggufUnmodelledFeature("deepseek32", ["blk.0.indexer.k_norm.weight"])).toMatch(/indexer/);
    expect(ggufUnmodelledFeature("llama4", ["blk.0.attn_q.weight"])).toMatch(/Llama 4 chunked attention/);
    expect(ggufUnmodelledFeature("llama", ["blk.0.attn_q.weight", "blk.0.ffn_up.weight"])).toBeNull();
  });
});
