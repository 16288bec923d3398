import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { UserError } from "../../src/errors.js";
import { summarizeSafetensors, unpackedShape } from "../../src/models/checkpoint.js";
import { parseHfConfig } from "../../src/models/hfconfig.js";
import { resolveModel } from "../../src/models/resolve.js";
import {
  headerLength,
  parseSafetensorsHeader,
  readSafetensorsFile,
  type SafetensorsHeader,
} from "../../src/models/safetensors.js";
import { countParams } from "../../src/sizing/inventory.js";
import {
  safetensorsHeader,
  type StTensor,
  TINY_LLAMA_CONFIG,
  TINY_LLAMA_PARAMS,
  tinyLlamaTensors,
  writeIndex,
  writeSafetensors,
  writeSparse,
} from "../fixtures/checkpoints.js";

const tmp = () => mkdtempSync(join(tmpdir(), "llmdeploy-st-"));

/** Parse what the fixture builder writes, as the readers do. */
function header(tensors: StTensor[], file = "model.safetensors"): SafetensorsHeader {
  const { head } = safetensorsHeader(tensors);
  const n = headerLength(head.subarray(0, 8), file);
  return parseSafetensorsHeader(head.subarray(8, 8 + n), file);
}

const json = (o: unknown) => JSON.stringify(o);

describe("safetensors header parsing", () => {
  it("reads names, dtypes, shapes and byte ranges", () => {
    const h = header([
      { name: "a", dtype: "BF16", shape: [3, 4] },
      { name: "b", dtype: "F32", shape: [] },
      { name: "c", dtype: "F8_E4M3", shape: [5] },
    ]);
    expect(h.tensors).toEqual([
      { name: "a", dtype: "BF16", shape: [3, 4], bytes: 24 },
      { name: "b", dtype: "F32", shape: [], bytes: 4 },
      { name: "c", dtype: "F8_E4M3", shape: [5], bytes: 5 },
    ]);
    expect(h.dataBytes).toBe(33);
    expect(h.metadata).toEqual({ format: "pt" });
  });

  const rejects: [string, string, RegExp][] = [
    [
      "unknown dtype",
      json({ x: { dtype: "Q4", shape: [1], data_offsets: [0, 1] } }),
      /tensor "x" has unknown dtype "Q4"/,
    ],
    [
      "offsets that disagree with the shape",
      json({ x: { dtype: "F16", shape: [4], data_offsets: [0, 6] } }),
      /needs 8 bytes, data_offsets give 6/,
    ],
    [
      "a gap between tensors",
      json({
        x: { dtype: "U8", shape: [2], data_offsets: [0, 2] },
        y: { dtype: "U8", shape: [2], data_offsets: [4, 6] },
      }),
      /tensor "y" starts at byte 4 of the data, expected 2 \(a gap before it\)/,
    ],
    [
      "overlapping tensors",
      json({
        x: { dtype: "U8", shape: [4], data_offsets: [0, 4] },
        y: { dtype: "U8", shape: [2], data_offsets: [2, 4] },
      }),
      /tensor "y" starts at byte 2 of the data, expected 4 \(it overlaps the tensor before it\)/,
    ],
    [
      "a negative dimension",
      json({ x: { dtype: "U8", shape: [2, -1], data_offsets: [0, 0] } }),
      /tensor "x": dimension 1 of its shape is -1; dimensions are integers ≥ 0/,
    ],
    [
      "a fractional dimension",
      json({ x: { dtype: "U8", shape: [1.5], data_offsets: [0, 0] } }),
      /dimension 0 of its shape is 1.5/,
    ],
    ["no shape", json({ x: { dtype: "U8", data_offsets: [0, 0] } }), /tensor "x" has no shape/],
    // Before: `x has unknown dtype undefined`.
    ["a tensor without dtype", json({ x: { shape: [1], data_offsets: [0, 1] } }), /tensor "x" has no dtype$/],
    [
      "a dtype that is not a string",
      json({ x: { dtype: 16, shape: [1], data_offsets: [0, 1] } }),
      /tensor "x" has a dtype that is not a string/,
    ],
    [
      "an inherited property name as dtype",
      json({ x: { dtype: "toString", shape: [1], data_offsets: [0, 1] } }),
      /unknown dtype "toString"/,
    ],
    [
      "data_offsets out of order",
      json({ x: { dtype: "U8", shape: [1], data_offsets: [3, 2] } }),
      /tensor "x" has malformed data_offsets/,
    ],
    [
      "negative data_offsets",
      json({ x: { dtype: "U8", shape: [1], data_offsets: [-1, 0] } }),
      /tensor "x" has malformed data_offsets/,
    ],
    [
      "a shape whose size overflows",
      json({ x: { dtype: "F64", shape: [2 ** 40, 2 ** 40], data_offsets: [0, 8] } }),
      /shape \[1099511627776,1099511627776\] is too large/,
    ],
    [
      "metadata that is not strings",
      json({ __metadata__: { format: { nested: 1 } } }),
      /__metadata__ must map names to strings/,
    ],
    ["not JSON", "{nope", /not JSON/],
  ];
  for (const [name, text, re] of rejects) {
    it(`rejects ${name}, in one line naming the file`, () => {
      let err: unknown;
      try {
        parseSafetensorsHeader(text, "f.safetensors");
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(UserError);
      const message = (err as UserError).message;
      expect(message).toMatch(/^f\.safetensors is not a valid safetensors file: /);
      expect(message).toMatch(re);
      expect(message).not.toMatch(/\n|undefined|NaN/);
    });
  }

  it("control characters in tensor names are removed as the header is read", () => {
    const h = parseSafetensorsHeader(
      json({ "evil\u001b[2J\u2028name\u0085": { dtype: "U8", shape: [1], data_offsets: [0, 1] } }),
      "f.safetensors",
    );
    expect(h.tensors[0]!.name).toBe("evil[2Jname");
    expect(() =>
      parseSafetensorsHeader(json({ "a\nb": { dtype: "Q9", shape: [1], data_offsets: [0, 1] } }), "f"),
    ).toThrow(/tensor "ab" has unknown dtype "Q9"/);
  });

  it("a Git LFS pointer instead of the file: a clear error, not a huge allocation", () => {
    const pointer = new TextEncoder().encode("version https://git-lfs.github.com/spec/v1\noid sha256:abc\n");
    expect(() => headerLength(pointer.subarray(0, 8), "model.safetensors")).toThrow(
      /not a valid safetensors file: header length \d+ is out of range/,
    );
  });

  it("a truncated local file is caught from its size", () => {
    const dir = tmp();
    const { head, size } = safetensorsHeader([{ name: "w", dtype: "BF16", shape: [1024, 1024] }]);
    writeSparse(join(dir, "m.safetensors"), head, size - 1);
    expect(() => readSafetensorsFile(join(dir, "m.safetensors"), "m.safetensors")).toThrow(/truncated/);
  });
});

describe("exact counts from headers", () => {
  it("an unquantized BF16 checkpoint: the same count as the architecture, 2 bytes each", () => {
    const arch = parseHfConfig(TINY_LLAMA_CONFIG);
    expect(countParams(arch).total).toBe(TINY_LLAMA_PARAMS);
    const s = summarizeSafetensors([header(tinyLlamaTensors())], arch);
    expect(s.params).toBe(TINY_LLAMA_PARAMS);
    expect(s.loadedParams).toBe(TINY_LLAMA_PARAMS);
    expect(s.bytes).toBe(2 * TINY_LLAMA_PARAMS);
    expect(s.loadedBytes).toBe(2 * TINY_LLAMA_PARAMS);
    expect(s.paramsByDtype).toEqual({ BF16: TINY_LLAMA_PARAMS });
    expect(s.quantization).toBeNull();
    expect(s.label).toBe("safetensors BF16");
  });

  it("an FP32 checkpoint is loaded in 16 bit; tied lm_head and inv_freq buffers are not loaded", () => {
    const arch = parseHfConfig({ ...TINY_LLAMA_CONFIG, tie_word_embeddings: true, torch_dtype: "float32" });
    const tensors = [
      ...tinyLlamaTensors("F32"),
      { name: "model.layers.0.self_attn.rotary_emb.inv_freq", dtype: "F32", shape: [8] },
    ];
    const s = summarizeSafetensors([header(tensors)], arch);
    // All tensors: 106,816 + 8 parameters, 4 bytes each on disk.
    expect(s.params).toBe(TINY_LLAMA_PARAMS + 8);
    expect(s.bytes).toBe(4 * (TINY_LLAMA_PARAMS + 8));
    // Loaded: without lm_head (256 × 64 = 16,384) and inv_freq (8), at 2 bytes each.
    expect(s.loadedParams).toBe(TINY_LLAMA_PARAMS - 16_384);
    expect(s.loadedBytes).toBe(2 * (TINY_LLAMA_PARAMS - 16_384));
    expect(s.excluded.tensors).toBe(2);
  });

  it("packed int4: GPTQ packs along the input dim, AWQ along the output dim", () => {
    // Linear(in K = 4096, out N = 11008), 4 bits → 8 values per int32.
    expect(unpackedShape("gptq", [4096 / 8, 11008], 4)).toEqual([11008, 4096]);
    expect(unpackedShape("awq", [4096, 11008 / 8], 4)).toEqual([11008, 4096]);
    expect(unpackedShape("compressed-tensors", [11008, 4096 / 8], 4)).toEqual([11008, 4096]);
    expect(unpackedShape("gptq", [4096 / 4, 11008], 8)).toEqual([11008, 4096]);
  });

  // Llama-2-7B's shapes (hidden 4096, MLP 11008, vocab 32000), one quantized up_proj, group 128.
  const llama2 = {
    architectures: ["LlamaForCausalLM"],
    model_type: "llama",
    hidden_size: 4096,
    intermediate_size: 11008,
    num_hidden_layers: 32,
    num_attention_heads: 32,
    num_key_value_heads: 32,
    vocab_size: 32000,
    max_position_embeddings: 4096,
    torch_dtype: "float16",
  };
  const p = "model.layers.0.mlp.up_proj";
  const embeds: StTensor[] = [
    { name: "model.embed_tokens.weight", dtype: "F16", shape: [32000, 4096] },
    { name: "lm_head.weight", dtype: "F16", shape: [32000, 4096] },
  ];

  it("GPTQ int4: qweight unpacked to the real count; qzeros, scales, g_idx are bytes, not parameters", () => {
    const arch = parseHfConfig({
      ...llama2,
      quantization_config: { quant_method: "gptq", bits: 4, group_size: 128, desc_act: false },
    });
    const s = summarizeSafetensors(
      [
        header([
          ...embeds,
          // qweight [4096/8, 11008] I32 → 4096 × 11008 = 45,088,768 params; 512 × 11008 × 4 = 22,544,384 B
          { name: `${p}.qweight`, dtype: "I32", shape: [512, 11008] },
          // qzeros [4096/128, 11008/8] I32 → 32 × 1376 × 4 = 176,128 B
          { name: `${p}.qzeros`, dtype: "I32", shape: [32, 1376] },
          // scales [32, 11008] F16 → 32 × 11008 × 2 = 704,512 B
          { name: `${p}.scales`, dtype: "F16", shape: [32, 11008] },
          // g_idx [4096] I32 → 16,384 B
          { name: `${p}.g_idx`, dtype: "I32", shape: [4096] },
        ]),
      ],
      arch,
    );
    // embed + lm_head: 2 × 32000 × 4096 = 262,144,000 F16 params, 524,288,000 B
    expect(s.paramsByDtype).toEqual({ F16: 262_144_000, INT4: 45_088_768 });
    expect(s.params).toBe(262_144_000 + 45_088_768);
    expect(s.quantAuxBytes).toBe(176_128 + 704_512 + 16_384);
    expect(s.bytesByDtype).toEqual({ F16: 524_288_000 + 704_512, I32: 22_544_384 + 176_128 + 16_384 });
    expect(s.bytes).toBe(524_288_000 + 22_544_384 + 176_128 + 704_512 + 16_384);
    expect(s.loadedBytes).toBe(s.bytes);
    expect(s.quantization).toBe("GPTQ int4, group 128");
  });

  it("AWQ int4: qweight [K, N/8], no g_idx", () => {
    const arch = parseHfConfig({
      ...llama2,
      quantization_config: { quant_method: "awq", bits: 4, group_size: 128, zero_point: true },
    });
    const s = summarizeSafetensors(
      [
        header([
          ...embeds,
          // qweight [4096, 11008/8] I32 → 4096 × 11008 = 45,088,768 params; 4096 × 1376 × 4 = 22,544,384 B
          { name: `${p}.qweight`, dtype: "I32", shape: [4096, 1376] },
          // qzeros [32, 1376] I32 → 176,128 B; scales [32, 11008] F16 → 704,512 B
          { name: `${p}.qzeros`, dtype: "I32", shape: [32, 1376] },
          { name: `${p}.scales`, dtype: "F16", shape: [32, 11008] },
        ]),
      ],
      arch,
    );
    expect(s.paramsByDtype).toEqual({ F16: 262_144_000, INT4: 45_088_768 });
    expect(s.quantAuxBytes).toBe(176_128 + 704_512);
    expect(s.bytes).toBe(524_288_000 + 22_544_384 + 176_128 + 704_512);
  });

  it("compressed-tensors FP8: weight_scale and input_scale are not parameters", () => {
    const arch = parseHfConfig({
      ...llama2,
      torch_dtype: "bfloat16",
      quantization_config: {
        quant_method: "compressed-tensors",
        config_groups: { group_0: { weights: { num_bits: 8, type: "float", strategy: "channel" } } },
        ignore: ["lm_head"],
      },
    });
    const q = "model.layers.0.self_attn.q_proj";
    const s = summarizeSafetensors(
      [
        header([
          // weight F8_E4M3 [4096, 4096] → 16,777,216 params and bytes
          { name: `${q}.weight`, dtype: "F8_E4M3", shape: [4096, 4096] },
          // weight_scale BF16 [4096, 1] → 8,192 B; input_scale F32 [1] → 4 B
          { name: `${q}.weight_scale`, dtype: "BF16", shape: [4096, 1] },
          { name: `${q}.input_scale`, dtype: "F32", shape: [1] },
          // a norm in BF16: 4,096 params, 8,192 B
          { name: "model.layers.0.input_layernorm.weight", dtype: "BF16", shape: [4096] },
        ]),
      ],
      arch,
    );
    expect(s.paramsByDtype).toEqual({ F8_E4M3: 16_777_216, BF16: 4096 });
    expect(s.quantAuxBytes).toBe(8192 + 4);
    expect(s.bytes).toBe(16_777_216 + 8192 + 4 + 8192);
    expect(s.loadedBytes).toBe(s.bytes);
  });

  it("MXFP4 experts (gpt-oss-20b layer 0): 2 values per block byte, one scale byte per 32", () => {
    const arch = parseHfConfig({
      architectures: ["GptOssForCausalLM"],
      model_type: "gpt_oss",
      hidden_size: 2880,
      intermediate_size: 2880,
      num_hidden_layers: 24,
      num_attention_heads: 64,
      num_key_value_heads: 8,
      head_dim: 64,
      vocab_size: 201088,
      num_local_experts: 32,
      num_experts_per_tok: 4,
      max_position_embeddings: 131072,
      torch_dtype: "bfloat16",
      quantization_config: { quant_method: "mxfp4" },
    });
    const e = "model.layers.0.mlp.experts";
    const s = summarizeSafetensors(
      [
        header([
          // gate_up_proj_blocks U8 [32, 5760, 90, 16] → 265,420,800 B = 530,841,600 values (32 × 5760 × 2880)
          { name: `${e}.gate_up_proj_blocks`, dtype: "U8", shape: [32, 5760, 90, 16] },
          // gate_up_proj_scales U8 [32, 5760, 90] → 16,588,800 B (one per 32 values)
          { name: `${e}.gate_up_proj_scales`, dtype: "U8", shape: [32, 5760, 90] },
          // gate_up_proj_bias BF16 [32, 5760] → 184,320 params, 368,640 B
          { name: `${e}.gate_up_proj_bias`, dtype: "BF16", shape: [32, 5760] },
          // down_proj_blocks U8 [32, 2880, 90, 16] → 132,710,400 B = 265,420,800 values
          { name: `${e}.down_proj_blocks`, dtype: "U8", shape: [32, 2880, 90, 16] },
          // down_proj_scales U8 [32, 2880, 90] → 8,294,400 B
          { name: `${e}.down_proj_scales`, dtype: "U8", shape: [32, 2880, 90] },
        ]),
      ],
      arch,
    );
    expect(s.paramsByDtype).toEqual({ MXFP4: 530_841_600 + 265_420_800, BF16: 184_320 });
    expect(s.quantAuxBytes).toBe(16_588_800 + 8_294_400);
    // 17 bytes per 32 values: (530,841,600 + 265,420,800) × 17 / 32 = 423,014,400
    expect(s.bytes - 368_640).toBe(((530_841_600 + 265_420_800) * 17) / 32);
    expect(s.quantization).toBe("MXFP4 experts");
  });

  it("FP8 block (DeepSeek-V3): weight_scale_inv is metadata; MTP layer 61 is not loaded", () => {
    const arch = parseHfConfig({
      architectures: ["DeepseekV3ForCausalLM"],
      model_type: "deepseek_v3",
      hidden_size: 7168,
      intermediate_size: 18432,
      moe_intermediate_size: 2048,
      num_hidden_layers: 61,
      num_nextn_predict_layers: 1,
      num_attention_heads: 128,
      num_key_value_heads: 128,
      n_routed_experts: 256,
      n_shared_experts: 1,
      num_experts_per_tok: 8,
      first_k_dense_replace: 3,
      kv_lora_rank: 512,
      q_lora_rank: 1536,
      qk_nope_head_dim: 128,
      qk_rope_head_dim: 64,
      v_head_dim: 128,
      vocab_size: 129280,
      max_position_embeddings: 163840,
      torch_dtype: "bfloat16",
      quantization_config: {
        quant_method: "fp8",
        weight_block_size: [128, 128],
        activation_scheme: "dynamic",
      },
    });
    const l = "model.layers.3";
    const s = summarizeSafetensors(
      [
        header([
          // kv_a_proj_with_mqa F8_E4M3 [576, 7168] → 4,128,768 params and bytes
          { name: `${l}.self_attn.kv_a_proj_with_mqa.weight`, dtype: "F8_E4M3", shape: [576, 7168] },
          // weight_scale_inv F32 [ceil(576/128) = 5, 7168/128 = 56] → 280 × 4 = 1,120 B
          { name: `${l}.self_attn.kv_a_proj_with_mqa.weight_scale_inv`, dtype: "F32", shape: [5, 56] },
          // router BF16 [256, 7168] → 1,835,008 params, 3,670,016 B
          { name: `${l}.mlp.gate.weight`, dtype: "BF16", shape: [256, 7168] },
          // e_score_correction_bias F32 [256] → 256 params, 1,024 B stored, 512 B loaded (16 bit)
          { name: `${l}.mlp.gate.e_score_correction_bias`, dtype: "F32", shape: [256] },
        ]),
        header(
          [
            // MTP: eh_proj BF16 [7168, 14336] → 102,760,448 params, 205,520,896 B; not loaded
            { name: "model.layers.61.eh_proj.weight", dtype: "BF16", shape: [7168, 14336] },
            { name: "model.layers.61.enorm.weight", dtype: "BF16", shape: [7168] },
          ],
          "model-00002-of-00002.safetensors",
        ),
      ],
      arch,
    );
    expect(s.params).toBe(4_128_768 + 1_835_008 + 256 + 102_760_448 + 7168);
    expect(s.loadedParams).toBe(4_128_768 + 1_835_008 + 256);
    expect(s.excluded).toMatchObject({ tensors: 2, params: 102_760_448 + 7168, bytes: 205_520_896 + 14_336 });
    expect(s.excluded.reasons[0]).toMatch(/multi-token-prediction/);
    expect(s.quantAuxBytes).toBe(1120);
    expect(s.loadedBytes).toBe(4_128_768 + 1120 + 3_670_016 + 512);
    expect(s.files).toEqual(["model.safetensors", "model-00002-of-00002.safetensors"]);
  });
});

describe("a local folder with safetensors", () => {
  it("sharded with an index: exact counts over every shard", async () => {
    const dir = tmp();
    writeFileSync(join(dir, "config.json"), JSON.stringify(TINY_LLAMA_CONFIG));
    const all = tinyLlamaTensors();
    const shards = {
      "model-00001-of-00002.safetensors": all.slice(0, 10),
      "model-00002-of-00002.safetensors": all.slice(10),
    };
    for (const [f, ts] of Object.entries(shards)) writeSafetensors(join(dir, f), ts);
    writeIndex(join(dir, "model.safetensors.index.json"), shards);
    // A stray file the index does not name is not read.
    writeFileSync(join(dir, "junk.safetensors"), "not a safetensors file");
    const m = await resolveModel(dir);
    expect(m.resolvedFrom).toBe("local");
    expect(m.checkpoint).toMatchObject({
      format: "safetensors",
      params: TINY_LLAMA_PARAMS,
      loadedBytes: 2 * TINY_LLAMA_PARAMS,
      tensors: all.length,
      files: Object.keys(shards),
    });
  });

  it("without an index: every *.safetensors; a .safetensors path works too", async () => {
    const dir = tmp();
    writeFileSync(join(dir, "config.json"), JSON.stringify(TINY_LLAMA_CONFIG));
    writeSafetensors(join(dir, "model.safetensors"), tinyLlamaTensors());
    expect((await resolveModel(dir)).checkpoint?.params).toBe(TINY_LLAMA_PARAMS);
    expect((await resolveModel(join(dir, "model.safetensors"))).checkpoint?.params).toBe(TINY_LLAMA_PARAMS);
  });

  it("a shard the index names but the folder lacks is an error", async () => {
    const dir = tmp();
    writeFileSync(join(dir, "config.json"), JSON.stringify(TINY_LLAMA_CONFIG));
    writeIndex(join(dir, "model.safetensors.index.json"), {
      "model-00001-of-00001.safetensors": tinyLlamaTensors(),
    });
    const e = await resolveModel(dir).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(UserError);
    expect((e as UserError).message).toMatch(/model-00001-of-00001.safetensors is missing/);
  });

  it("a folder with only config.json still works as before (no checkpoint)", async () => {
    const dir = tmp();
    writeFileSync(join(dir, "config.json"), JSON.stringify(TINY_LLAMA_CONFIG));
    const m = await resolveModel(dir);
    expect(m.checkpoint).toBeUndefined();
    expect(m.note).toBe(`read ${join(dir, "config.json")}`);
  });
});
