import { describe, expect, it } from "vitest";
import { findGpu, models } from "../../src/catalog/index.js";
import { parseHfConfig } from "../../src/models/hfconfig.js";
import { inventory } from "../../src/sizing/inventory.js";
import { kvBytesForSequence, kvBytesPerToken, kvBytesPerTokenPerLayer } from "../../src/sizing/kv.js";
import { parallelismProblem, shardTensor, stageLayers, weightsPerStage } from "../../src/sizing/placement.js";
import {
  choosePrecision,
  ggufUseMoreBits,
  lookupPrecision,
  mxfp4Backend,
  PRECISIONS,
  tensorBytes,
  weightsBytes,
} from "../../src/sizing/weights.js";

// Catalog models: their configs are the public config.json fields (data/models/<id>.json).
const arch = (id: string) => {
  const m = models.find((x) => x.id === id)!;
  return parseHfConfig(m.config, id);
};
const llama70b = arch("llama-3.1-70b"); // 80 layers, hidden 8192, 64 heads, 8 KV heads, vocab 128256
const llama8b = arch("llama-3.1-8b"); // 32 layers, hidden 4096, 32 heads, 8 KV heads, intermediate 14336
const deepseekV3 = arch("deepseek-v3"); // 61 layers, MLA kv_lora_rank 512, qk_rope_head_dim 64
const gemma2_9b = arch("gemma-2-9b"); // 42 layers, 8 KV heads, head_dim 256, window 4096 on even layers

describe("KV cache bytes per token", () => {
  it("GQA: Llama 3.1 70B = 2 × 80 layers × 8 KV heads × 128 × 2 bytes = 327,680", () => {
    expect(kvBytesPerToken(llama70b, "auto")).toBe(327_680);
    expect(kvBytesPerToken(llama70b, "fp8")).toBe(163_840);
  });

  it("GQA under TP: 8 KV heads over 4 ranks = 2 per rank; over 16 ranks each rank keeps one (replicated)", () => {
    expect(kvBytesPerTokenPerLayer(llama70b, "auto", 4)).toBe(2 * 2 * 128 * 2);
    expect(kvBytesPerTokenPerLayer(llama70b, "auto", 16)).toBe(1 * 2 * 128 * 2);
  });

  it("MLA: DeepSeek-V3 caches the latent, 61 layers × (512 + 64) × 2 bytes = 70,272, the same on every TP rank", () => {
    expect(kvBytesPerToken(deepseekV3, "auto")).toBe(70_272);
    expect(kvBytesPerTokenPerLayer(deepseekV3, "auto", 8)).toBe(1_152);
  });

  it("sliding window: Gemma 2 9B, 21 of 42 layers capped at 4096 tokens", () => {
    // per layer per token: 8 KV heads × (256 + 256) × 2 bytes = 8,192; all 42 layers: 344,064
    expect(kvBytesPerToken(gemma2_9b, "auto")).toBe(344_064);
    // 8192-token sequence: 21 global layers × 8192 + 21 local layers × 4096, × 8,192 bytes
    expect(kvBytesForSequence(gemma2_9b, "auto", 8192)).toBe((21 * 8192 + 21 * 4096) * 8192);
    // below the window every layer grows
    expect(kvBytesForSequence(gemma2_9b, "auto", 1000)).toBe(1000 * 344_064);
  });
});

describe("weight bytes per format", () => {
  const t8 = inventory(llama8b);
  it("BF16: 2 bytes per parameter (Llama 3.1 8B: 16,060,522,496)", () => {
    expect(weightsBytes(t8, PRECISIONS.bf16!)).toBe(8_030_261_248 * 2);
  });

  it("AWQ int4 g128: packed 4-bit weights + fp16 scale and 4-bit zero per 128 inputs; embeddings and lm_head in fp16", () => {
    // Linear params per layer: 2×4096² + 2×1024×4096 + 3×14336×4096 = 218,103,808.
    // Per parameter: 0.5 byte + (2 + 0.5)/128 bytes = 0.51953125 -> 113,311,744 per layer; × 32 = 3,625,975,808
    // fp16: embed + lm_head 2 × 525,336,576 × 2 = 2,101,346,304; norms (32 × 8,192 + 4,096) × 2 = 532,480
    expect(weightsBytes(t8, PRECISIONS.int4!)).toBe(3_625_975_808 + 2_101_346_304 + 532_480);
  });

  it("FP8 per-tensor: 1 byte per linear parameter + one fp32 scale per tensor", () => {
    // 6,979,321,856 linear params + 32 × 7 × 4 bytes of scales + the 16-bit rest (2,101,878,784)
    expect(weightsBytes(t8, PRECISIONS.fp8!)).toBe(6_979_321_856 + 896 + 2_101_346_304 + 532_480);
  });

  it("GPTQ as vLLM's Marlin path holds it: qzeros freed, g_idx kept only for act-order", () => {
    const q = inventory(llama8b).find((t) => t.name === "layers.0.self_attn.q_proj.weight")!;
    // K = N = 4096: packed 4096×4096/2 = 8,388,608; fp16 scales 32 groups × 4096 × 2 = 262,144
    expect(tensorBytes(q, PRECISIONS.gptq!.format)).toBe(8_388_608 + 262_144);
    // desc_act adds g_idx and its permutation, 2 × int32 per input row: 8 × 4096 = 32,768
    expect(tensorBytes(q, { kind: "gptq", bits: 4, groupSize: 128, descAct: true })).toBe(
      8_388_608 + 262_144 + 32_768,
    );
    // group_size -1 (per channel): one scale per output row
    expect(
      tensorBytes(q, { kind: "gptq", bits: 4, groupSize: Number.POSITIVE_INFINITY, descAct: false }),
    ).toBe(8_388_608 + 4096 * 2);
  });

  it("bitsandbytes NF4 as vLLM holds it: 4 bits + an fp32 absmax per 64 values (4.5 bits)", () => {
    const q = inventory(llama8b).find((t) => t.name === "layers.0.self_attn.q_proj.weight")!;
    // 16,777,216 values: 8,388,608 bytes + 262,144 blocks × 4 bytes
    expect(tensorBytes(q, PRECISIONS.nf4!.format)).toBe(8_388_608 + 1_048_576);
  });

  it("MXFP4 quantizes only experts: 17 bytes per 32 values", () => {
    const e = {
      name: "layers.0.mlp.experts.down_proj.weight",
      role: "expert" as const,
      layer: 0,
      rows: 2880,
      cols: 2880,
      count: 32,
      linear: true,
      tp: "row" as const,
    };
    expect(tensorBytes(e, PRECISIONS.mxfp4!.format)).toBe(32 * 2880 * 90 * 17);
    const attn = { ...e, role: "attention" as const, count: 1 };
    expect(tensorBytes(attn, PRECISIONS.mxfp4!.format)).toBe(2880 * 2880 * 2);
  });

  it("MXFP4 as vLLM's MoE backend pads it: gpt-oss-120b at TP 4 on A100 (Marlin) and on H100", () => {
    const gpt = models.find((m) => m.id === "gpt-oss-120b")!;
    const arch = parseHfConfig(gpt.config, gpt.id);
    const marlin = mxfp4Backend(PRECISIONS.mxfp4!, findGpu("a100-80g"));
    // One rank's down_proj of 128 experts: [hidden 2880, inner 2880/4 = 720], padded to [3072, 768]:
    // 3072 rows × 24 blocks of 32 × 17 bytes = 1,253,376 bytes per expert (unpadded: 2880 × 23 × 17).
    const down = inventory(arch).find((t) => t.role === "expert" && t.name.includes("down_proj"))!;
    const shard = shardTensor(down, arch, 4);
    expect(shard.cols).toBe(720);
    expect(tensorBytes(shard, marlin.format)).toBe(128 * 3072 * 24 * 17);
    expect(tensorBytes(shard, PRECISIONS.mxfp4!.format)).toBe(128 * 2880 * Math.ceil(720 / 32) * 17);
    // gate/up: [inner 720 -> 768, hidden 2880 -> 3072]: 768 rows × 96 blocks × 17 bytes per expert
    const up = inventory(arch).find((t) => t.role === "expert" && t.name.includes("up_proj"))!;
    expect(tensorBytes(shardTensor(up, arch, 4), marlin.format)).toBe(128 * 768 * 96 * 17);
    // Hopper's path rounds the inner size to 64 (720 -> 768 as well) and the hidden size to 256; at
    // TP 1 its inner 2880 is already a multiple of 64 while Marlin's 128 makes it 2944
    const hopper = mxfp4Backend(PRECISIONS.mxfp4!, findGpu("h100"));
    expect(tensorBytes(shard, hopper.format)).toBe(128 * 3072 * 24 * 17);
    expect(tensorBytes(down, hopper.format)).toBe(128 * 3072 * (2880 / 32) * 17);
    expect(tensorBytes(down, marlin.format)).toBe(128 * 3072 * (2944 / 32) * 17);
    // other precisions are left alone
    expect(mxfp4Backend(PRECISIONS.bf16!, findGpu("a100-80g"))).toBe(PRECISIONS.bf16);
  });

  it("FP8 block 128×128: one fp32 scale per block (DeepSeek-V3 style)", () => {
    const t = {
      name: "x",
      role: "mlp" as const,
      layer: 0,
      rows: 18432,
      cols: 7168,
      count: 1,
      linear: true,
      tp: "column" as const,
    };
    expect(tensorBytes(t, PRECISIONS["fp8-block"]!.format)).toBe(18432 * 7168 + 144 * 56 * 4);
  });

  it("a quantized checkpoint is served as stored and refuses another precision", () => {
    const awq = parseHfConfig({
      model_type: "llama",
      hidden_size: 4096,
      intermediate_size: 14336,
      num_hidden_layers: 32,
      num_attention_heads: 32,
      num_key_value_heads: 8,
      vocab_size: 128256,
      max_position_embeddings: 131072,
      quantization_config: { quant_method: "awq", bits: 4, group_size: 128 },
    });
    expect(choosePrecision(awq, undefined, "m").id).toBe("awq");
    expect(choosePrecision(awq, "int4", "m").id).toBe("awq");
    expect(() => choosePrecision(awq, "fp16", "m")).toThrow(/cannot be served as FP16/);
    expect(() => lookupPrecision("int3")).toThrow(/unknown precision/);
  });
});

describe("placement", () => {
  it("pipeline stages split like vLLM's get_pp_indices (remainder before the last stage)", () => {
    expect(stageLayers(80, 3).map((s) => s.length)).toEqual([27, 27, 26]);
    expect(stageLayers(61, 2).map((s) => s.length)).toEqual([31, 30]);
    expect(stageLayers(32, 4).map((s) => s.length)).toEqual([8, 8, 8, 8]);
  });

  it("TP must divide attention heads and KV heads (or be a multiple of KV heads)", () => {
    const bf16 = PRECISIONS.bf16!;
    expect(parallelismProblem(llama70b, 4, 1, bf16)).toBeNull();
    expect(parallelismProblem(llama70b, 16, 1, bf16)).toBeNull();
    expect(parallelismProblem(llama70b, 3, 1, bf16)).toMatch(/does not divide the 64 attention heads/);
    const qwen7b = parseHfConfig({
      model_type: "qwen2",
      hidden_size: 3584,
      intermediate_size: 18944,
      num_hidden_layers: 28,
      num_attention_heads: 28,
      num_key_value_heads: 4,
      vocab_size: 152064,
      max_position_embeddings: 32768,
    });
    expect(parallelismProblem(qwen7b, 8, 1, bf16)).toMatch(/28 attention heads/);
  });

  it("AWQ's row-parallel input must stay whole groups per rank", () => {
    // Llama 70B down_proj input 28672 / 8 = 3584 = 28 groups of 128: fine. Qwen2.5-72B's 29568 = 231 × 128
    // and 231 is odd, so no TP > 1 keeps whole groups (why Qwen's own AWQ release pads it to 29696).
    const qwen72 = parseHfConfig({
      model_type: "qwen2",
      hidden_size: 8192,
      intermediate_size: 29568,
      num_hidden_layers: 80,
      num_attention_heads: 64,
      num_key_value_heads: 8,
      vocab_size: 152064,
      max_position_embeddings: 32768,
    });
    expect(parallelismProblem(llama70b, 8, 1, PRECISIONS.int4!)).toBeNull();
    expect(parallelismProblem(qwen72, 8, 1, PRECISIONS.int4!)).toMatch(
      /not a whole number of 128-wide groups/,
    );
    expect(parallelismProblem(qwen72, 2, 1, PRECISIONS.int4!)).toMatch(/14784/);
    expect(parallelismProblem(qwen72, 1, 1, PRECISIONS.int4!)).toBeNull();
    const padded = parseHfConfig({
      model_type: "qwen2",
      hidden_size: 8192,
      intermediate_size: 29696,
      num_hidden_layers: 80,
      num_attention_heads: 64,
      num_key_value_heads: 8,
      vocab_size: 152064,
      max_position_embeddings: 32768,
    });
    expect(parallelismProblem(padded, 8, 1, PRECISIONS.int4!)).toBeNull();
  });

  it("per-GPU weights: TP shards linears, replicates norms, pads the vocab to 64", () => {
    const t = inventory(llama8b);
    const lm = t.find((x) => x.role === "lm_head")!;
    expect(shardTensor(lm, llama8b, 2).rows).toBe(64_128);
    const [one] = weightsPerStage(llama8b, t, PRECISIONS.bf16!, 1, 1);
    expect(one!.bytesPerGpu).toBe(8_030_261_248 * 2);
    const [half] = weightsPerStage(llama8b, t, PRECISIONS.bf16!, 2, 1);
    // everything halves except the replicated norms: (8,030,261,248 − 266,240 norms) / 2 + 266,240, × 2 bytes
    expect(half!.bytesPerGpu).toBe(((8_030_261_248 - 266_240) / 2 + 266_240) * 2);
  });
});

describe("GGUF file types (llama.cpp rules)", () => {
  it("use_more_bits: first and last eighth, and every third layer between (16 of 32)", () => {
    // n = 32: layers 0–3 and 28–31, plus (i − 4) % 3 == 2 -> 6, 9, …, 27 (8 layers)
    const more = Array.from({ length: 32 }, (_, i) => i).filter((i) => ggufUseMoreBits(i, 32));
    expect(more).toEqual([0, 1, 2, 3, 6, 9, 12, 15, 18, 21, 24, 27, 28, 29, 30, 31]);
  });

  it("Q8_0: every 2-D tensor at 34 bytes per 32 values, norms in F32 (Llama 3.1 8B: 8,532,934,656)", () => {
    // 2-D params 8,030,261,248 − 266,240 norm weights = 8,029,995,008; × 34/32 = 8,531,869,696
    // norms 266,240 × 4 bytes = 1,064,960
    const p = choosePrecision(llama8b, "q8_0", "m");
    expect(weightsBytes(inventory(llama8b), p)).toBe(8_531_869_696 + 1_064_960);
  });

  it("Q4_K_M: Q4_K base, Q6_K for output and for v_proj/down_proj of the use_more_bits layers", () => {
    const p = choosePrecision(llama8b, "q4_k_m", "m");
    const t = inventory(llama8b);
    const v0 = t.find((x) => x.name === "layers.0.self_attn.v_proj.weight")!;
    const v4 = t.find((x) => x.name === "layers.4.self_attn.v_proj.weight")!;
    // layer 0: 1024 × 4096 at Q6_K = 1024 × 16 blocks × 210 bytes; layer 4: Q4_K, 144 bytes per block
    expect(tensorBytes(v0, p.format)).toBe(1024 * 16 * 210);
    expect(tensorBytes(v4, p.format)).toBe(1024 * 16 * 144);
    const lm = t.find((x) => x.role === "lm_head")!;
    expect(tensorBytes(lm, p.format)).toBe(128256 * 16 * 210);
  });

  it("K-quants fall back to 32-value types when a row is not a whole number of 256-value blocks", () => {
    const t = {
      name: "layers.0.mlp.up_proj.weight",
      role: "mlp" as const,
      layer: 4,
      rows: 10,
      cols: 4544,
      count: 1,
      linear: true,
      tp: "column" as const,
    };
    // 4544 = 17.75 super-blocks: Q4_K falls back to Q5_0 (22 bytes per 32 values)
    expect(
      tensorBytes(t, { kind: "gguf", ftype: "Q4_K_M", numLayers: 32, tiedEmbeddings: false, experts: 0 }),
    ).toBe(10 * 142 * 22);
  });

  it("8-expert models (Mixtral) keep attn_k and attn_v in Q8_0", () => {
    const mixtral = arch("mixtral-8x7b");
    const p = choosePrecision(mixtral, "q4_k_m", "m");
    const t = inventory(mixtral);
    const k4 = t.find((x) => x.name === "layers.4.self_attn.k_proj.weight")!;
    const q4 = t.find((x) => x.name === "layers.4.self_attn.q_proj.weight")!;
    // k_proj 1024 × 4096: 1024 rows × 128 blocks of 32 × 34 bytes; q_proj stays Q4_K (16 × 144 per row)
    expect(tensorBytes(k4, p.format)).toBe(1024 * 128 * 34);
    expect(tensorBytes(q4, p.format)).toBe(4096 * 16 * 144);
  });
});
