import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { UserError } from "../../src/errors.js";
import { bufferSource, ggufArch, loadGguf, parseGguf } from "../../src/models/gguf.js";
import { resolveModel } from "../../src/models/resolve.js";
import { countParams } from "../../src/sizing/inventory.js";
import { kvBytesPerToken } from "../../src/sizing/kv.js";
import {
  ggufHeader,
  type GgufKv,
  type GgufTensorSpec,
  TINY_GGUF_BYTES,
  TINY_GGUF_PARAMS,
  tinyGgufSpec,
  writeGguf,
  writeSparse,
} from "../fixtures/checkpoints.js";

const tmp = () => mkdtempSync(join(tmpdir(), "llmdeploy-gguf-"));

function parse(kvs: GgufKv[], tensors: GgufTensorSpec[], opts: { version?: number; magic?: string } = {}) {
  const { head, size } = ggufHeader(kvs, tensors, opts);
  const buf = new Uint8Array(size);
  buf.set(head);
  return parseGguf(bufferSource(buf), "test.gguf");
}

describe("GGUF header", () => {
  it("reads every metadata value type, keeps short arrays and only counts long ones", () => {
    const { kvs, tensors } = tinyGgufSpec();
    const g = parse(kvs, tensors);
    expect(g.version).toBe(3);
    expect(g.metadata.get("general.architecture")).toBe("llama");
    expect(g.metadata.get("llama.attention.head_count_kv")).toBe(2); // u64 → number
    expect(g.metadata.get("tokenizer.ggml.add_bos_token")).toBe(true);
    expect(g.metadata.get("general.some_i8")).toBe(-3);
    expect(g.metadata.get("general.some_u16")).toBe(7);
    expect(g.metadata.get("general.some_i64")).toBe(-5);
    expect(g.metadata.get("general.some_f64")).toBe(0.125);
    expect(g.metadata.get("llama.rope.freq_base")).toBe(500000);
    expect(g.metadata.get("tokenizer.ggml.tokens")).toEqual({ itemType: 8, length: 5000, values: null });
    expect(g.metadata.get("tokenizer.ggml.scores")).toEqual({ itemType: 6, length: 2, values: [0.5, 0.25] });
    expect(g.tensors).toHaveLength(tensors.length);
    expect(g.tensors[0]).toMatchObject({
      name: "token_embd.weight",
      dims: [256, 5000],
      typeName: "Q4_K",
      offset: 0,
    });
    expect(g.dataStart % 32).toBe(0);
  });

  it("version 2 has the same layout", () => {
    const { kvs, tensors } = tinyGgufSpec();
    expect(parse(kvs, tensors, { version: 2 }).tensors).toHaveLength(tensors.length);
  });

  it("exact bytes per tensor from the ggml block sizes (worked out in test/fixtures/checkpoints.ts)", () => {
    const dir = tmp();
    const { kvs, tensors } = tinyGgufSpec();
    writeGguf(join(dir, "tiny-Q4_K_M.gguf"), kvs, tensors);
    const { checkpoint, arch, name } = loadGguf(join(dir, "tiny-Q4_K_M.gguf"));
    expect(name).toBe("Tiny Llama");
    expect(checkpoint.bytes).toBe(TINY_GGUF_BYTES);
    expect(checkpoint.params).toBe(TINY_GGUF_PARAMS);
    expect(checkpoint.label).toBe("GGUF Q4_K_M");
    expect(checkpoint.bytesByDtype).toEqual({
      Q4_K: 720_000 + 2 * (36_864 + 18_432 + 36_864 + 147_456),
      Q6_K: 2 * (26_880 + 107_520) + 1_050_000,
      F32: 5 * 1024,
    });
    const embd = checkpoint.ggufTensors!.find((t) => t.name === "token_embd.weight")!;
    expect(embd).toEqual({
      name: "token_embd.weight",
      type: "Q4_K",
      shape: [256, 5000],
      params: 1_280_000,
      bytes: 720_000,
    });
    // The architecture from the metadata counts the same parameters the file holds.
    expect(countParams(arch).total).toBe(TINY_GGUF_PARAMS);
    expect(arch).toMatchObject({
      modelType: "llama",
      numLayers: 2,
      hiddenSize: 256,
      intermediateSize: 512,
      numHeads: 4,
      numKvHeads: 2,
      headDim: 64,
      vocabSize: 5000, // from the tokens array's length
      tieWordEmbeddings: false,
      maxPositionEmbeddings: 4096,
      mlpGated: true,
      normsPerLayer: 2,
      moe: null,
    });
    // KV cache per token: 2 layers × 2 KV heads × (64 + 64) × 2 bytes
    expect(kvBytesPerToken(arch, "auto")).toBe(1024);
  });

  it("MoE, sliding window and tied output from metadata and tensor names (gpt-oss style)", () => {
    const kvs: GgufKv[] = [
      ["general.architecture", "str", "gpt-oss"],
      ["gpt-oss.block_count", "u32", 2],
      ["gpt-oss.embedding_length", "u32", 64],
      ["gpt-oss.feed_forward_length", "u32", 64],
      ["gpt-oss.expert_feed_forward_length", "u32", 64],
      ["gpt-oss.attention.head_count", "u32", 4],
      ["gpt-oss.attention.head_count_kv", "u32", 1],
      ["gpt-oss.attention.key_length", "u32", 16],
      ["gpt-oss.attention.value_length", "u32", 16],
      ["gpt-oss.attention.sliding_window", "u32", 128],
      ["gpt-oss.expert_count", "u32", 4],
      ["gpt-oss.expert_used_count", "u32", 2],
      ["gpt-oss.context_length", "u32", 8192],
      ["gpt-oss.vocab_size", "u32", 100],
    ];
    const tensors: GgufTensorSpec[] = [{ name: "token_embd.weight", dims: [64, 100], type: 8 }];
    for (let i = 0; i < 2; i++) {
      tensors.push(
        { name: `blk.${i}.ffn_gate_inp.weight`, dims: [64, 4], type: 0 },
        // MXFP4: 17 bytes per 32 values; [64, 64, 4] → 4 × 64 × 2 blocks × 17 = 8,704
        { name: `blk.${i}.ffn_up_exps.weight`, dims: [64, 64, 4], type: 39 },
        { name: `blk.${i}.ffn_gate_exps.weight`, dims: [64, 64, 4], type: 39 },
        { name: `blk.${i}.ffn_down_exps.weight`, dims: [64, 64, 4], type: 39 },
        { name: `blk.${i}.attn_sinks.weight`, dims: [4], type: 0 },
      );
    }
    const g = parse(kvs, tensors);
    const a = ggufArch(g, "x.gguf");
    expect(a.modelType).toBe("gpt_oss");
    expect(a.moe).toMatchObject({ numExperts: 4, expertsPerToken: 2, expertIntermediateSize: 64 });
    expect(a.layerTypes).toEqual(["sliding", "full"]);
    expect(a.slidingWindow).toBe(128);
    expect(a.tieWordEmbeddings).toBe(true); // no output.weight
    expect(a.attentionSinks).toBe(true);
    expect(g.tensors.find((t) => t.name === "blk.0.ffn_up_exps.weight")!.bytes).toBe(8704);
  });

  const bad: [string, () => unknown, RegExp][] = [
    ["a file that is not GGUF", () => parse([], [], { magic: "GGML" }), /does not start with "GGUF"/],
    ["GGUF v1", () => parse([], [], { version: 1 }), /version 1 is not supported/],
    [
      "an unknown ggml type",
      () =>
        parse(
          [["general.architecture", "str", "llama"]],
          [{ name: "w", dims: [32], type: 5 } as GgufTensorSpec],
        ),
      /ggml type 5/,
    ],
    [
      "a row that is not whole blocks",
      () => parse([], [{ name: "w", dims: [100, 2], type: 12 }]),
      /100 values per row is not a multiple of the Q4_K block of 256/,
    ],
    [
      "a truncated header",
      () => {
        const { kvs, tensors } = tinyGgufSpec();
        const { head } = ggufHeader(kvs, tensors);
        return parseGguf(bufferSource(head.subarray(0, 5000)), "cut.gguf");
      },
      /truncated/,
    ],
  ];
  for (const [name, f, re] of bad) {
    it(`rejects ${name}`, () => {
      expect(f).toThrow(UserError);
      expect(f).toThrow(re);
    });
  }

  it("a file whose data is cut short (an unfinished download)", () => {
    const dir = tmp();
    const { kvs, tensors } = tinyGgufSpec();
    const { head, size } = ggufHeader(kvs, tensors);
    writeSparse(join(dir, "cut.gguf"), head, size - 100);
    expect(() => loadGguf(join(dir, "cut.gguf"))).toThrow(/truncated/);
  });

  it("a split GGUF: metadata from part 1, tensors from every part", () => {
    const dir = tmp();
    const { kvs, tensors } = tinyGgufSpec();
    const half = 10;
    writeGguf(
      join(dir, "tiny-00001-of-00002.gguf"),
      [...kvs, ["split.count", "u16", 2]],
      tensors.slice(0, half),
    );
    writeGguf(
      join(dir, "tiny-00002-of-00002.gguf"),
      [
        ["split.no", "u16", 1],
        ["split.count", "u16", 2],
      ],
      tensors.slice(half),
    );
    for (const part of ["tiny-00001-of-00002.gguf", "tiny-00002-of-00002.gguf"]) {
      const { checkpoint } = loadGguf(join(dir, part));
      expect(checkpoint.bytes).toBe(TINY_GGUF_BYTES);
      expect(checkpoint.files).toEqual(["tiny-00001-of-00002.gguf", "tiny-00002-of-00002.gguf"]);
    }
  });
});

describe("resolveModel with a .gguf", () => {
  it("a .gguf path resolves as gguf, with the architecture and the per-tensor data", async () => {
    const dir = tmp();
    const { kvs, tensors } = tinyGgufSpec();
    writeGguf(join(dir, "tiny-Q4_K_M.gguf"), kvs, tensors);
    const m = await resolveModel(join(dir, "tiny-Q4_K_M.gguf"));
    expect(m.resolvedFrom).toBe("gguf");
    expect(m.id).toBe("tiny-Q4_K_M");
    expect(m.name).toBe("Tiny Llama");
    expect(m.checkpoint?.ggufTensors).toHaveLength(tensors.length);
    // A folder with one .gguf and no config.json works too.
    expect((await resolveModel(dir)).resolvedFrom).toBe("gguf");
  });

  it("a folder with several .gguf and no config.json asks for one", async () => {
    const dir = tmp();
    const { kvs, tensors } = tinyGgufSpec();
    writeGguf(join(dir, "a.gguf"), kvs, tensors);
    writeGguf(join(dir, "b.gguf"), kvs, tensors);
    await expect(resolveModel(dir)).rejects.toThrow(/no config.json/);
  });

  it("a text file named .gguf", async () => {
    const dir = tmp();
    writeFileSync(join(dir, "fake.gguf"), "hello, this is not a model at all, but long enough");
    await expect(resolveModel(join(dir, "fake.gguf"))).rejects.toThrow(/not a valid GGUF file/);
  });
});
