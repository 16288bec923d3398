import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { gpus, models } from "../../src/catalog/index.js";
import type { CheckpointSummary } from "../../src/models/checkpoint.js";
import { parseHfConfig, parseQuantization } from "../../src/models/hfconfig.js";
import { estimate } from "../../src/sizing/estimate.js";
import { inventory } from "../../src/sizing/inventory.js";
import { weightsPerStage } from "../../src/sizing/placement.js";
import {
  bnb4Bytes,
  checkpointPrecision,
  skipped,
  storedWeightsBytes,
  weightsBytes,
} from "../../src/sizing/weights.js";

const GiB = 1024 ** 3;
const config = (id: string) => models.find((m) => m.id === id)!.config;

describe("fbgemm_fp8: Meta's Llama 3.1 405B Instruct FP8", () => {
  // Meta's FP8 conversion quantizes the feed-forward of every layer but the first and the last and
  // keeps attention in bf16 (llama-stack quantization/loader.py convert_to_fp8_quantized_model: "if
  // block.layer_id == 0 or block.layer_id == (model.n_layers - 1): continue" ... "for key in ("w1",
  // "w3", "w2")"); the checkpoint's quantization_config lists those modules in modules_to_not_convert,
  // which vLLM's FBGEMMFp8Config reads ('ignore_list = cls.get_from_keys(config,
  // ["modules_to_not_convert"])').
  const skip = [
    ...Array.from({ length: 126 }, (_, i) =>
      ["q_proj", "k_proj", "v_proj", "o_proj"].map((p) => `model.layers.${i}.self_attn.${p}`),
    ).flat(),
    ...[0, 125].flatMap((i) =>
      ["gate_proj", "up_proj", "down_proj"].map((p) => `model.layers.${i}.mlp.${p}`),
    ),
    "lm_head",
  ];
  const arch = parseHfConfig(
    {
      ...config("llama-3.1-405b"),
      quantization_config: {
        quant_method: "fbgemm_fp8",
        activation_scale_ub: 1200.0,
        modules_to_not_convert: skip,
      },
    },
    "llama-3.1-405b-fp8",
  );

  it("is parsed, with its skip list, as FP8 with a scale per output channel", () => {
    expect(arch.quantization).toEqual({ method: "fbgemm-fp8", skip });
    expect(checkpointPrecision(arch)).toMatchObject({
      id: "fp8-channel",
      format: { kind: "fp8", scale: "channel" },
    });
  });

  it("per GPU at TP 8: the published 'Loading model weights took 57.7520 GB' (GiB) within 2 %", () => {
    // By hand (hidden 16384, 126 layers, 128/8 heads, MLP 53248, vocabulary 128,256):
    //   attention, bf16:          126 × 570,425,344 params × 2       = 143,747,186,688 B
    //   MLP of layers 1..124, FP8: 124 × 2,617,245,696 × 1           = 324,538,466,304 B
    //     + an fp32 scale per row: 124 × (53,248 × 2 + 16,384) × 4   =      60,948,480 B
    //   MLP of layers 0 and 125, bf16: 2 × 2,617,245,696 × 2         =  10,468,982,784 B
    //   embeddings and lm_head, bf16: 2 × 128,256 × 16,384 × 2       =   8,405,385,216 B
    //   norms: (126 × 2 + 1) × 16,384 × 2                            =       8,290,304 B
    //   total 487,229,259,776 B = 453.77 GiB; / 8 = 56.72 GiB per GPU (norms and the down_proj scales
    //   are whole on every rank: a few MB more).
    const tensors = inventory(arch);
    const p = checkpointPrecision(arch);
    expect(weightsBytes(tensors, p, arch.quantization!.skip)).toBe(487_229_259_776);
    const perGpu = weightsPerStage(arch, tensors, p, 8, 1, arch.quantization!.skip)[0]!.bytesPerGpu / GiB;
    const log = readFileSync(
      new URL("../fixtures/vllm-logs/llama31-405b-fp8-8xh100-v0-kv-too-small.log", import.meta.url),
      "utf8",
    );
    expect(log).toContain("Loading model weights took 57.7520 GB");
    console.log(`405B fbgemm_fp8 TP 8: ${perGpu.toFixed(2)} GiB per GPU (log 57.7520)`);
    expect(Math.abs(perGpu / 57.752 - 1)).toBeLessThan(0.02);
    // Quantizing every linear layer (what --precision fp8 on the bf16 checkpoint does) is 17 % off.
    const all = weightsPerStage(arch, tensors, p, 8, 1, [])[0]!.bytesPerGpu / GiB;
    expect(all / 57.752 - 1).toBeLessThan(-0.15);
  });
});

describe("bitsandbytes 4-bit, counted from bnb_4bit_*", () => {
  it("double quantization stores 4.127 bits per weight (QLoRA's 8/64 + 32/(64·256)); vLLM holds 4.5", () => {
    // QLoRA (arXiv:2305.14314): double quantization "reduces the memory footprint per parameter from
    // 32/64 = 0.5 bits, to 8/64 + 32/(64·256) = 0.127 bits". A 4096 × 4096 weight: 8,388,608 bytes of
    // 4-bit values + 262,144 uint8 absmax + 1,024 fp32 second-level absmax (4,096 bytes) + the 256-entry
    // nested and 16-entry fp32 code books (1,088 bytes) = 8,655,936 bytes.
    const v = 4096 * 4096;
    expect(bnb4Bytes(v, "stored", true)).toBe(8_655_936);
    expect(((bnb4Bytes(v, "stored", true) - 1088) * 8) / v).toBeCloseTo(4 + 0.127, 3);
    // without double quantization: fp32 absmax, 4.5 bits (+ the 16-entry code book)
    expect(bnb4Bytes(v, "stored", false)).toBe(8_388_608 + 262_144 * 4 + 64);
    // resident in vLLM: expanded to fp32 absmax (bitsandbytes_loader.py _dequantize_dq), 4.5 bits
    expect(bnb4Bytes(v, "resident", true)).toBe(8_388_608 + 262_144 * 4);
  });

  it("a double-quantized checkpoint read from its headers is sized as vLLM expands it", () => {
    const q = {
      quant_method: "bitsandbytes",
      load_in_4bit: true,
      bnb_4bit_quant_type: "nf4",
      bnb_4bit_use_double_quant: true,
      llm_int8_skip_modules: null,
    };
    // unsloth/Meta-Llama-3.1-8B-Instruct-bnb-4bit's block (research/checkpoints, via a derivative config)
    const arch = parseHfConfig({ ...config("llama-3.1-8b"), quantization_config: q }, "llama-3.1-8b-bnb");
    expect(arch.quantization).toMatchObject({ method: "bitsandbytes-4bit", doubleQuant: true });
    const tensors = inventory(arch);
    const p = checkpointPrecision(arch);
    const stored = storedWeightsBytes(tensors, p);
    const resident = weightsBytes(tensors, p);
    // 6.98 B quantized weights: 4.5 − 4.127 bits = 0.33 GB more in the GPU than on disk
    expect((resident - stored) / 1e9).toBeCloseTo(0.32, 1);
    const checkpoint = {
      format: "safetensors",
      label: "safetensors bitsandbytes NF4",
      files: ["model.safetensors"],
      loadedBytes: stored,
      loadedParams: 8_030_261_248,
    } as unknown as CheckpointSummary;
    const r = estimate({
      model: { id: "x", name: "x", hfId: null, arch, resolvedFrom: "x", source: null, checkpoint },
      kvCacheDtype: "auto",
      concurrency: 1,
      catalog: gpus,
      workload: { inputTokens: 1, outputTokens: 1, requestRate: null },
    });
    expect(r.memory.weightsBytes).toBe(resident);
  });
});

describe("skip lists of every format", () => {
  const t = (name: string) => ({
    name,
    role: "mlp" as const,
    layer: 0,
    rows: 8,
    cols: 8,
    count: 1,
    linear: true,
    tp: "column" as const,
  });
  it("module names, globs, and compressed-tensors' 're:' patterns", () => {
    expect(skipped(t("layers.0.mlp.down_proj.weight"), ["model.layers.0.mlp.down_proj"])).toBe(true);
    expect(skipped(t("layers.10.mlp.down_proj.weight"), ["model.layers.1.mlp.down_proj"])).toBe(false);
    expect(skipped(t("layers.3.self_attn.q_proj.weight"), ["model.layers.*.self_attn"])).toBe(true);
    expect(skipped(t("layers.3.mlp.gate.weight"), ["re:.*mlp.gate$"])).toBe(true);
    expect(skipped(t("layers.3.mlp.gate_proj.weight"), ["re:.*mlp.gate$"])).toBe(false);
    expect(skipped(t("lm_head.weight"), ["lm_head"])).toBe(true);
    expect(skipped(t("layers.3.mlp.gate_proj.weight"), ["re:(["])).toBe(false); // a broken pattern skips nothing
  });

  it("each format's list key is read, and lists are merged", () => {
    const skipOf = (q: Record<string, unknown>) => parseQuantization(q, "m")!.skip;
    expect(skipOf({ quant_method: "awq", modules_to_not_convert: ["visual"] })).toEqual(["visual"]);
    expect(skipOf({ quant_method: "fp8", ignored_layers: ["lm_head"] })).toEqual(["lm_head"]);
    expect(skipOf({ quant_method: "mxfp4", modules_to_not_convert: ["model.layers.*.self_attn"] })).toEqual([
      "model.layers.*.self_attn",
    ]);
    expect(
      skipOf({ quant_method: "bitsandbytes", load_in_4bit: true, llm_int8_skip_modules: ["lm_head"] }),
    ).toEqual(["lm_head"]);
    expect(
      skipOf({
        quant_method: "compressed-tensors",
        config_groups: { g: { weights: { num_bits: 8, type: "float", strategy: "channel" } } },
        ignore: ["lm_head", "re:.*mlp.gate$"],
      }),
    ).toEqual(["lm_head", "re:.*mlp.gate$"]);
    expect(skipOf({ quant_method: "fbgemm_fp8", modules_to_not_convert: ["a"], ignore: ["b", "a"] })).toEqual(
      ["a", "b"],
    );
  });

  it("tensorBytes honours the list in every quantized format", () => {
    const arch = parseHfConfig(config("llama-3.1-8b"), "m");
    const tensors = inventory(arch);
    const down0 = ["model.layers.0.mlp.down_proj"];
    for (const q of [
      { quant_method: "awq", bits: 4, group_size: 128 },
      { quant_method: "gptq", bits: 4, group_size: 128 },
      { quant_method: "fp8" },
      { quant_method: "fbgemm_fp8" },
      { quant_method: "bitsandbytes", load_in_4bit: true },
      { quant_method: "bitsandbytes", load_in_8bit: true },
      {
        quant_method: "compressed-tensors",
        config_groups: { g: { weights: { num_bits: 4, type: "int", group_size: 128 } } },
      },
    ]) {
      const p = checkpointPrecision({ ...arch, quantization: parseQuantization(q, "m") });
      const d = weightsBytes(tensors, p, down0) - weightsBytes(tensors, p, []);
      // layer 0's down_proj (4096 × 14336) back in bf16: more bytes than quantized, whatever the format
      expect(d, q.quant_method).toBeGreaterThan(4096 * 14336 * 0.9);
    }
  });
});
