import { describe, expect, it } from "vitest";
import { findGpu, models } from "../../src/catalog/index.js";
import { engineModule } from "../../src/engines/index.js";
import type { ModelArch } from "../../src/models/arch.js";
import { parseHfConfig } from "../../src/models/hfconfig.js";
import { layerState, stateBytesPerSequence } from "../../src/sizing/hybrid.js";
import {
  countParams,
  decoderLayer,
  inventory,
  type Tensor,
  tensorParams,
} from "../../src/sizing/inventory.js";
import { gdnTensors, indexerTensors, mambaTensors } from "../../src/sizing/inventory-hybrid.js";
import { kvBytesForSequence, kvBytesPerToken, kvBytesPerTokenPerLayer } from "../../src/sizing/kv.js";
import { perfConstantsFor } from "../../src/sizing/perf-constants.js";
import { type PerfInput, predictPerformance } from "../../src/sizing/perf.js";
import { shardTensor, weightsPerStage } from "../../src/sizing/placement.js";
import { lookupPrecision } from "../../src/sizing/weights.js";

const arch = (id: string): ModelArch => {
  const e = models.find((m) => m.id === id)!;
  return parseHfConfig(e.config, e.id);
};
const sum = (ts: readonly Tensor[]) => ts.reduce((s, t) => s + tensorParams(t), 0);

describe("Gated DeltaNet hybrid: Qwen3-Next-80B-A3B (data/models/qwen3-next-80b-a3b.json)", () => {
  // config: hidden 2048, 48 layers, full_attention_interval 4, 16 heads / 2 KV heads × 256,
  // linear attention 16 key heads / 32 value heads × 128, conv kernel 4, 512 experts × 512, shared 512.
  const a = arch("qwen3-next-80b-a3b");

  it("every fourth layer is full attention (layers 3, 7, ..., 47), the other 36 Gated DeltaNet", () => {
    expect(a.layerTypes.filter((t) => t === "full")).toHaveLength(12);
    expect(a.layerTypes.filter((t) => t === "linear")).toHaveLength(36);
    expect(a.layerTypes[3]).toBe("full");
    expect(a.layerTypes[4]).toBe("linear");
  });

  it("parameters per layer, by hand", () => {
    // GDN: qkvz (2·2048 + 2·4096)·2048 = 25,165,824; ba 64·2048 = 131,072; conv1d 8192·4 = 32,768;
    // dt_bias 32 + A_log 32 + norm 128; out_proj 2048·4096 = 8,388,608 -> 33,718,464
    expect(sum(gdnTensors(a, 0))).toBe(33_718_464);
    // gated attention: q (2 × 16·256)·2048 = 16,777,216; k, v 512·2048 each = 2,097,152;
    // o 2048·4096 = 8,388,608; q/k norms 2·256 -> 27,263,488 (+ 2 layer norms of 2048 each)
    const attn = decoderLayer(a, 3).filter((t) => t.name.includes("self_attn"));
    expect(sum(attn)).toBe(27_263_488);
    // MoE: router 512·2048 + experts 512·3·512·2048 + shared expert 3·512·2048 + its gate 2048
    const moe = decoderLayer(a, 3).filter((t) => t.name.includes(".mlp."));
    expect(sum(moe)).toBe(1_048_576 + 1_610_612_736 + 3_145_728 + 2048);
  });

  it("one TP-2 rank holds 39,862,515,328 parameters (experts, heads, GDN projections and vocab split)", () => {
    // docs/research/hybrid-kv-cache.md §1.6: routers, gates and norms replicated, one KV head per rank.
    const perRank = inventory(a).reduce((s, t) => s + tensorParams(shardTensor(t, a, 2)), 0);
    expect(perRank).toBe(39_862_515_328);
    const bf16 = weightsPerStage(a, inventory(a), lookupPrecision("bf16"), 2, 1)[0]!.bytesPerGpu;
    expect(bf16).toBe(2 * 39_862_515_328); // 74.25 GiB
  });

  it("KV per token counts the 12 attention layers only: 12 × 2 heads × (256 + 256) × 2 bytes = 24,576", () => {
    expect(kvBytesPerToken(a, "auto")).toBe(24_576);
    expect(kvBytesPerToken(a, "fp8")).toBe(12_288);
    // a dense reading of the same config (48 attention layers) would say 98,304
    expect(kvBytesForSequence(a, "auto", 262_144)).toBe(24_576 * 262_144); // 6 GiB, not 24 GiB
  });

  it("state per GDN layer per sequence: conv 3 × 8192/tp × 2 + recurrent 32/tp × 128 × 128 × 2 (bf16)", () => {
    // TP 1: 49,152 + 1,048,576 = 1,097,728; TP 2: 24,576 + 524,288; TP 4: 12,288 + 262,144
    expect(layerState(a, 1)).toEqual({ convBytes: 49_152, recurrentBytes: 1_048_576, bytes: 1_097_728 });
    expect(layerState(a, 2)!.bytes).toBe(548_864);
    expect(layerState(a, 4)!.bytes).toBe(274_432);
    // 36 layers: 39,518,208 bytes (37.7 MiB) per sequence, whatever its length
    expect(stateBytesPerSequence(a)).toBe(36 * 1_097_728);
    // an MTP draft of 3 tokens lengthens the conv state to 3 + 3 rows
    expect(layerState(a, 1, 3)!.convBytes).toBe(6 * 8192 * 2);
  });

  it("Qwen3.5 / 3.6 keep the recurrent state in float32 (mamba_ssm_dtype)", () => {
    // Qwen3.6-27B: conv_dim 2·16·128 + 48·128 = 10,240; 3 × 10,240 × 2 + 48 × 128 × 128 × 4
    const q = arch("qwen3.6-27b");
    expect(q.gdn!.stateDtype).toBe("float32");
    expect(layerState(q, 1)!.bytes).toBe(61_440 + 3_145_728);
    expect(layerState(q, 2)!.bytes).toBe(1_603_584);
  });
});

describe("Mamba-2 hybrids", () => {
  it("Nemotron Nano 9B v2: 27 Mamba, 4 attention, 25 MLP-only layers; parameters and state by hand", () => {
    const a = arch("nemotron-nano-9b-v2");
    expect(a.layerTypes.filter((t) => t === "mamba")).toHaveLength(27);
    expect(a.layerTypes.filter((t) => t === "full")).toHaveLength(4);
    expect(a.layerTypes.filter((t) => t === "none")).toHaveLength(25);
    // in_proj (2·10,240 + 2·8·128 + 128)·4480 + conv 12,288·4 + bias 12,288 + A/D/dt 3·128 + norm 10,240
    // + out_proj 4480·10,240
    expect(sum(mambaTensors(a, 0))).toBe(147_446_144);
    // the MLP-only layer: norm + relu² MLP up/down 2·4480·15,680, no gate
    expect(sum(decoderLayer(a, 1))).toBe(4480 + 2 * 4480 * 15_680);
    // KV: 4 layers × 8 KV heads × (128 + 128) × 2 bytes = 16,384 per token
    expect(kvBytesPerToken(a, "auto")).toBe(16_384);
    // state: conv 3 × (10,240 + 2·8·128) × 2 = 73,728; SSM 128 heads × 80 × 128 × 4 (float32) = 5,242,880
    expect(layerState(a, 1)).toEqual({ convBytes: 73_728, recurrentBytes: 5_242_880, bytes: 5_316_608 });
    expect(stateBytesPerSequence(a)).toBe(27 * 5_316_608);
    // TP 2: 8 groups split 4 per rank: conv 3 × (5120 + 2·4·128) × 2; SSM 64 heads
    expect(layerState(a, 2)!.bytes).toBe(3 * 6144 * 2 + 64 * 80 * 128 * 4);
  });

  it("Granite-4.0-H-Small: one B/C group is kept whole on every rank", () => {
    const a = arch("granite-4.0-h-small");
    // inner 2 × 4096 = 8192, 128 heads × 64, d_state 128, 1 group, bf16 state (vLLM's "auto")
    // TP 1: conv 3 × (8192 + 2·128) × 2 = 50,688; SSM 128 × 64 × 128 × 2 = 2,097,152
    expect(layerState(a, 1)!.bytes).toBe(2_147_840);
    // TP 4: conv 3 × (2048 + 256) × 2 = 13,824 (B and C whole); SSM 32 × 64 × 128 × 2 = 524,288
    expect(layerState(a, 4)!.bytes).toBe(13_824 + 524_288);
    const bc = mambaTensors(a, 0).find((t) => t.name.endsWith("in_proj.bc.weight"))!;
    expect(shardTensor(bc, a, 4).rows).toBe(256);
    // every layer has the MoE block and the gated shared MLP (2 × 1536 + 1536) × 4096
    const shared = decoderLayer(a, 0).filter((t) => t.name.includes("shared_expert"));
    expect(sum(shared)).toBe(3 * 1536 * 4096);
  });
});

describe("DeepSeek-V3.2 sparse attention (data/models/deepseek-v3.2.json)", () => {
  const a = arch("deepseek-v3.2");
  it("indexer per layer: wq_b 8192·1536 + wk 128·7168 + k_norm 2·128 + weights_proj 64·7168 = 13,959,424", () => {
    expect(sum(indexerTensors(a, 0))).toBe(13_959_424);
    // replicated on every rank; wk is kept in BF16 by vLLM (not quantized), wq_b as stored
    expect(indexerTensors(a, 0).every((t) => t.tp === "replicated")).toBe(true);
    expect(
      indexerTensors(a, 0)
        .filter((t) => t.linear)
        .map((t) => t.name),
    ).toEqual(["layers.0.self_attn.indexer.wq_b.weight"]);
  });
  it("cache per token per layer: 656 (fp8_ds_mla latent) + 128 fp8 + 4 fp32 scale = 788; 61 layers = 48,068", () => {
    expect(kvBytesPerTokenPerLayer(a, "auto", 8)).toBe(788);
    expect(kvBytesPerToken(a, "auto")).toBe(48_068);
  });
});

describe("Llama 4: chunked attention and interleaved MoE", () => {
  it("Scout: layers 3, 7, ..., 47 full (NoPE), the rest chunked at 8192; every layer MoE + shared expert", () => {
    const a = arch("llama-4-scout");
    expect(a.layerTypes.filter((t) => t === "full")).toHaveLength(12);
    expect(a.layerTypes[3]).toBe("full");
    expect(a.layerTypes[0]).toBe("chunked");
    expect(a.attentionChunkSize).toBe(8192);
    expect(a.moe!.moeLayers.every(Boolean)).toBe(true);
    // KV per token, all 48 layers: 8 KV heads × 256 × 2 bytes × 48 = 196,608
    expect(kvBytesPerToken(a, "auto")).toBe(196_608);
    // one 131,072-token sequence: 12 full layers hold it all, 36 chunked layers 8192 tokens each
    expect(kvBytesForSequence(a, "auto", 131_072)).toBe((12 * 131_072 + 36 * 8192) * 4096);
    // the q/k L2 norm has no weights: attention is q, k, v, o only
    expect(sum(decoderLayer(a, 0).filter((t) => t.name.includes("self_attn")))).toBe(
      2 * 5120 * 5120 + 2 * 1024 * 5120,
    );
  });
  it("Maverick: MoE on layers 1, 3, ..., 47 (interleave_moe_layer_step 2), dense MLPs of 16,384 between", () => {
    const a = arch("llama-4-maverick");
    expect(a.moe!.moeLayers.filter(Boolean)).toHaveLength(24);
    expect(a.moe!.moeLayers[1]).toBe(true);
    expect(a.moe!.moeLayers[0]).toBe(false);
    expect(sum(decoderLayer(a, 0).filter((t) => t.name.includes(".mlp.")))).toBe(3 * 5120 * 16_384);
  });
});

describe("vision towers are counted as weights and kept out of the KV cache", () => {
  it("Qwen3-VL-8B: 576,388,336 vision parameters on the first stage, no KV of their own", () => {
    const a = arch("qwen3-vl-8b");
    const text = { ...a, visionTower: null };
    expect(countParams(a).total - countParams(text).total).toBe(576_388_336);
    expect(countParams(a).byRole.vision).toBe(576_388_336);
    expect(kvBytesPerToken(a, "auto")).toBe(kvBytesPerToken(text, "auto"));
    const [first, last] = weightsPerStage(a, inventory(a), lookupPrecision("bf16"), 1, 2);
    const [first0, last0] = weightsPerStage(text, inventory(text), lookupPrecision("bf16"), 1, 2);
    expect(first!.bytesPerGpu - first0!.bytesPerGpu).toBe(2 * 576_388_336);
    expect(last!.bytesPerGpu).toBe(last0!.bytesPerGpu);
  });
});

describe("performance: linear-attention layers read their state once per step, not the context", () => {
  // Qwen3-Next on 2 × H200: a longer context costs decode time in the 12 attention layers only. The
  // same config read as 48 attention layers (a dense transformer) would pay for all 48.
  const a = arch("qwen3-next-80b-a3b");
  const dense: ModelArch = { ...a, layerTypes: a.layerTypes.map(() => "full"), gdn: null };
  const input = (m: ModelArch, inputTokens: number): PerfInput => {
    const t = inventory(m);
    return {
      arch: m,
      params: countParams(m, t),
      precision: lookupPrecision("bf16"),
      kvCacheDtype: "auto",
      gpu: findGpu("h200"),
      tp: 2,
      pp: 1,
      nodes: 1,
      replicas: 1,
      stages: weightsPerStage(m, t, lookupPrecision("bf16"), 2, 1),
      kvCacheTokens: 4_000_000,
      maxNumSeqs: 1024,
      maxNumBatchedTokens: 8192,
      // one sequence: every decode step is that sequence alone, no prompt riding along
      workload: { inputTokens, outputTokens: 256, concurrency: 1, requestRate: null },
    };
  };
  const K = perfConstantsFor(engineModule("vllm"));
  const growth = (m: ModelArch) =>
    predictPerformance(input(m, 131_072), K).tpotMs - predictPerformance(input(m, 1024), K).tpotMs;
  it("the TPOT growth from 1k to 128k tokens of context is a quarter of the dense reading's", () => {
    const hybrid = growth(a);
    expect(hybrid).toBeGreaterThan(0);
    expect(hybrid / growth(dense)).toBeCloseTo(12 / 48, 1);
  });
});
