import { describe, expect, it } from "vitest";
import { models } from "../../src/catalog/index.js";
import { UserError } from "../../src/errors.js";
import { parseHfConfig } from "../../src/models/hfconfig.js";
import { countParams } from "../../src/sizing/inventory.js";

// Configs as the Hub publishes them (architecture fields only).
const llama31_8b = {
  architectures: ["LlamaForCausalLM"],
  model_type: "llama",
  hidden_size: 4096,
  intermediate_size: 14336,
  num_hidden_layers: 32,
  num_attention_heads: 32,
  num_key_value_heads: 8,
  vocab_size: 128256,
  max_position_embeddings: 131072,
  torch_dtype: "bfloat16",
};

describe("parseHfConfig: family defaults", () => {
  it("reads a Llama config as it is", () => {
    const a = parseHfConfig(llama31_8b);
    expect(a).toMatchObject({
      numLayers: 32,
      numKvHeads: 8,
      headDim: 128,
      tieWordEmbeddings: false,
      qkvBias: false,
    });
    expect(a.layerTypes.every((t) => t === "full")).toBe(true);
  });

  it("Qwen2 has q/k/v bias although its config never says so, and no o_proj bias", () => {
    const a = parseHfConfig({ ...llama31_8b, model_type: "qwen2" });
    expect(a.qkvBias).toBe(true);
    expect(a.oBias).toBe(false);
  });

  it("Gemma ties embeddings by default and uses head_dim 256 even when hidden/heads differs", () => {
    const a = parseHfConfig({
      model_type: "gemma2",
      hidden_size: 3584,
      intermediate_size: 14336,
      num_hidden_layers: 42,
      num_attention_heads: 16,
      num_key_value_heads: 8,
      vocab_size: 256000,
      sliding_window: 4096,
      max_position_embeddings: 8192,
    });
    expect(a.tieWordEmbeddings).toBe(true);
    expect(a.headDim).toBe(256);
    expect(a.normsPerLayer).toBe(4);
    // Gemma2DecoderLayer: even layers slide
    expect(a.layerTypes.slice(0, 4)).toEqual(["sliding", "full", "sliding", "full"]);
  });

  it("Falcon's old key names and multi-query attention", () => {
    const a = parseHfConfig({
      model_type: "RefinedWebModel",
      hidden_size: 4544,
      n_layer: 32,
      n_head: 71,
      multi_query: true,
      parallel_attn: true,
      bias: false,
      vocab_size: 65024,
    });
    expect(a).toMatchObject({
      modelType: "falcon",
      numLayers: 32,
      numHeads: 71,
      numKvHeads: 1,
      headDim: 64,
      intermediateSize: 18176,
      normsPerLayer: 1,
      normKind: "layer",
      mlpGated: false,
    });
  });

  it("ChatGLM's num_layers / multi_query_group_num / padded_vocab_size / kv_channels", () => {
    const a = parseHfConfig({
      model_type: "chatglm",
      hidden_size: 4096,
      num_layers: 28,
      ffn_hidden_size: 13696,
      kv_channels: 128,
      num_attention_heads: 32,
      multi_query_attention: true,
      multi_query_group_num: 2,
      padded_vocab_size: 65024,
      vocab_size: 65024,
      add_qkv_bias: true,
      add_bias_linear: false,
      seq_length: 8192,
    });
    expect(a).toMatchObject({
      numLayers: 28,
      numKvHeads: 2,
      headDim: 128,
      vocabSize: 65024,
      qkvBias: true,
      oBias: false,
      maxPositionEmbeddings: 8192,
    });
  });

  it("reads the language model out of a multimodal config's text_config", () => {
    const a = parseHfConfig({
      model_type: "gemma3",
      torch_dtype: "bfloat16",
      text_config: {
        model_type: "gemma3_text",
        hidden_size: 5376,
        intermediate_size: 21504,
        num_hidden_layers: 62,
        num_attention_heads: 32,
        num_key_value_heads: 16,
        sliding_window: 1024,
      },
      vision_config: {
        model_type: "siglip_vision_model",
        hidden_size: 1152,
        intermediate_size: 4304,
        num_hidden_layers: 27,
        num_attention_heads: 16,
        patch_size: 14,
        image_size: 896,
      },
    });
    expect(a).toMatchObject({
      modelType: "gemma3_text",
      numLayers: 62,
      headDim: 256,
      vocabSize: 262208,
      qkNorm: true,
    });
    expect(a.vision?.numLayers).toBe(27);
    // 5 local layers then 1 global
    expect(a.layerTypes.slice(0, 6)).toEqual(["sliding", "sliding", "sliding", "sliding", "sliding", "full"]);
  });

  it("reads quantization_config", () => {
    expect(
      parseHfConfig({
        ...llama31_8b,
        quantization_config: { quant_method: "awq", bits: 4, group_size: 128, zero_point: true },
      }).quantization,
    ).toMatchObject({ method: "awq", groupSize: 128 });
    expect(
      parseHfConfig({
        ...llama31_8b,
        quantization_config: { quant_method: "fp8", weight_block_size: [128, 128] },
      }).quantization,
    ).toMatchObject({ method: "fp8", blockSize: [128, 128] });
    expect(
      parseHfConfig({
        ...llama31_8b,
        quantization_config: {
          quant_method: "compressed-tensors",
          config_groups: { group_0: { weights: { num_bits: 8, type: "float", strategy: "channel" } } },
          ignore: ["lm_head"],
        },
      }).quantization,
    ).toMatchObject({ method: "compressed-tensors-fp8", strategy: "channel", skip: ["lm_head"] });
    expect(
      parseHfConfig({
        ...llama31_8b,
        quantization_config: {
          quant_method: "bitsandbytes",
          load_in_4bit: true,
          bnb_4bit_quant_type: "nf4",
          bnb_4bit_use_double_quant: true,
        },
      }).quantization,
    ).toMatchObject({ method: "bitsandbytes-4bit", doubleQuant: true });
  });

  it("takes an explicit head_dim that differs from hidden/heads (Qwen3)", () => {
    const a = parseHfConfig({
      ...llama31_8b,
      model_type: "qwen3",
      hidden_size: 2560,
      num_attention_heads: 32,
      head_dim: 128,
    });
    expect(a.headDim).toBe(128);
  });
});

describe("parseHfConfig: malformed input is a UserError with a hint", () => {
  const cases: [string, unknown, RegExp][] = [
    ["not an object", [1, 2], /not a JSON object/],
    ["no hidden size", { model_type: "llama", num_hidden_layers: 2 }, /missing hidden_size/],
    [
      "heads vs kv heads",
      { ...llama31_8b, num_key_value_heads: 5 },
      /num_key_value_heads is 5; it must be a positive divisor of num_attention_heads \(32\)/,
    ],
    ["negative layers", { ...llama31_8b, num_hidden_layers: -1 }, /positive integer/],
    ["unknown quant", { ...llama31_8b, quantization_config: { quant_method: "hqq" } }, /not supported/],
  ];
  for (const [name, cfg, re] of cases) {
    it(name, () => {
      let err: unknown;
      try {
        parseHfConfig(cfg, "x/config.json");
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(UserError);
      expect((err as UserError).message).toMatch(re);
      expect((err as UserError).hint).toBeTruthy();
    });
  }
});

// The catalog's config.json fields of a model (the same public config the hand working uses).
const catalogArch = (id: string) => parseHfConfig(models.find((m) => m.id === id)!.config, id);

describe("countParams: worked by hand", () => {
  it("Llama 3.1 8B = 8,030,261,248", () => {
    // embed 128256×4096 = 525,336,576; lm_head the same (untied)
    // per layer: q 4096² = 16,777,216; k,v 1024×4096 = 4,194,304 each; o 16,777,216;
    //   gate/up/down 3 × 14336×4096 = 176,160,768; 2 norms 8,192 -> 218,112,000
    // 32 layers = 6,979,584,000; + 2 × 525,336,576 + final norm 4,096 = 8,030,261,248
    expect(countParams(parseHfConfig(llama31_8b)).total).toBe(8_030_261_248);
  });

  it("Falcon-7B = 6,921,720,704 (fused multi-query QKV, one LayerNorm per layer, tied)", () => {
    // per layer: qkv 4544×(4544+2×64) = 21,229,568; dense 4544² = 20,647,936;
    //   mlp 2 × 4544×18176 = 165,183,488; LayerNorm w+b 9,088 -> 207,070,080; × 32 = 6,626,242,560
    // + embedding 65024×4544 = 295,469,056 (tied lm_head) + ln_f 9,088
    const a = catalogArch("falcon-7b");
    expect(countParams(a).total).toBe(6_921_720_704);
  });

  it("ChatGLM3-6B = 6,243,584,000 (QKV bias, SwiGLU, untied output layer)", () => {
    // per layer: qkv 4096×4608 + bias 4608 = 18,878,976; dense 4096² = 16,777,216;
    //   h_to_4h 4096×27392 = 112,197,632; 4h_to_h 13696×4096 = 56,098,816; 2 RMSNorms 8,192 -> 203,960,832
    // × 28 = 5,710,903,296; + embedding and output 2 × 65024×4096 = 532,676,608; + final norm 4,096
    const a = catalogArch("chatglm3-6b");
    expect(countParams(a).total).toBe(6_243_584_000);
  });
});
