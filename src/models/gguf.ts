/**
 * GGUF files (llama.cpp): the header is parsed here, the tensor data never read.
 *
 * Layout, versions 2 and 3, little-endian (ggml include/gguf.h, docs/gguf.md; summarised in
 * docs/research/quant-formats.md §7.4): magic "GGUF", u32 version, u64 tensor_count, u64 kv_count,
 * kv_count × (string key, u32 value type, value), tensor_count × (string name, u32 n_dims, n_dims ×
 * u64 ne (ne[0] innermost), u32 ggml type, u64 offset), padding to `general.alignment` (32), data.
 * A string is a u64 length and UTF-8 bytes; an array a u32 element type, a u64 count and elements.
 *
 * From the metadata we build a ModelArch (so the KV cache comes out of the same formulas as for a
 * config.json), and from the tensor infos the exact bytes of every tensor:
 * ne[1]·ne[2]·ne[3] · ne[0]/block · type_size.
 */
import { closeSync, existsSync, fstatSync, openSync, readSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { UserError } from "../errors.js";
import type { LayerAttention, MlaArch, ModelArch, MoeArch } from "./arch.js";
import { type CheckpointSummary, type GgufTensorBrief, summarizeGguf } from "./checkpoint.js";
import { ggufUnmodelledFeature } from "./features.js";

/** ggml types: [name, values per block, bytes per block] (ggml src/ggml.c type_traits; quant-formats.md §7.1). */
export const GGML_TYPES: Record<number, [string, number, number]> = {
  0: ["F32", 1, 4],
  1: ["F16", 1, 2],
  2: ["Q4_0", 32, 18],
  3: ["Q4_1", 32, 20],
  6: ["Q5_0", 32, 22],
  7: ["Q5_1", 32, 24],
  8: ["Q8_0", 32, 34],
  9: ["Q8_1", 32, 36],
  10: ["Q2_K", 256, 84],
  11: ["Q3_K", 256, 110],
  12: ["Q4_K", 256, 144],
  13: ["Q5_K", 256, 176],
  14: ["Q6_K", 256, 210],
  15: ["Q8_K", 256, 292],
  16: ["IQ2_XXS", 256, 66],
  17: ["IQ2_XS", 256, 74],
  18: ["IQ3_XXS", 256, 98],
  19: ["IQ1_S", 256, 50],
  20: ["IQ4_NL", 32, 18],
  21: ["IQ3_S", 256, 110],
  22: ["IQ2_S", 256, 82],
  23: ["IQ4_XS", 256, 136],
  24: ["I8", 1, 1],
  25: ["I16", 1, 2],
  26: ["I32", 1, 4],
  27: ["I64", 1, 8],
  28: ["F64", 1, 8],
  29: ["IQ1_M", 256, 56],
  30: ["BF16", 1, 2],
  34: ["TQ1_0", 256, 54],
  35: ["TQ2_0", 256, 66],
  39: ["MXFP4", 32, 17],
};

/** llama_ftype values as stored in general.file_type (llama.cpp include/llama.h). */
export const GGUF_FILE_TYPES: Record<number, string> = {
  0: "F32",
  1: "F16",
  2: "Q4_0",
  3: "Q4_1",
  7: "Q8_0",
  8: "Q5_0",
  9: "Q5_1",
  10: "Q2_K",
  11: "Q3_K_S",
  12: "Q3_K_M",
  13: "Q3_K_L",
  14: "Q4_K_S",
  15: "Q4_K_M",
  16: "Q5_K_S",
  17: "Q5_K_M",
  18: "Q6_K",
  19: "IQ2_XXS",
  20: "IQ2_XS",
  21: "Q2_K_S",
  22: "IQ3_XS",
  23: "IQ3_XXS",
  24: "IQ1_S",
  25: "IQ4_NL",
  26: "IQ3_S",
  27: "IQ3_M",
  28: "IQ2_S",
  29: "IQ2_M",
  30: "IQ4_XS",
  31: "IQ1_M",
  32: "BF16",
  36: "TQ1_0",
  37: "TQ2_0",
  38: "MXFP4_MOE",
};

/** gguf_type: the metadata value types. */
export const GGUF_VALUE = {
  UINT8: 0,
  INT8: 1,
  UINT16: 2,
  INT16: 3,
  UINT32: 4,
  INT32: 5,
  FLOAT32: 6,
  BOOL: 7,
  STRING: 8,
  ARRAY: 9,
  UINT64: 10,
  INT64: 11,
  FLOAT64: 12,
} as const;

const FIXED_SIZE: Record<number, number> = {
  0: 1,
  1: 1,
  2: 2,
  3: 2,
  4: 4,
  5: 4,
  6: 4,
  7: 1,
  10: 8,
  11: 8,
  12: 8,
};

export interface GgufArray {
  itemType: number;
  length: number;
  /** The elements, or null when the array is long (tokenizer vocabularies are only counted). */
  values: GgufValue[] | null;
}
export type GgufValue = number | bigint | boolean | string | GgufArray;

/** Arrays up to this many elements keep their values (per-layer hyperparameters); longer ones are skipped. */
const KEEP_ARRAY = 4096;

export interface GgufTensorInfo {
  name: string;
  /** ne, innermost first. */
  dims: number[];
  type: number;
  typeName: string;
  /** Offset in the data section. */
  offset: number;
  params: number;
  bytes: number;
}

export interface GgufFile {
  version: number;
  alignment: number;
  metadata: Map<string, GgufValue>;
  tensors: GgufTensorInfo[];
  /** Where the data section starts in the file. */
  dataStart: number;
}

/** Random-access bytes: a file descriptor, or a buffer in tests. */
export interface ByteSource {
  size: number;
  read(position: number, length: number): Uint8Array;
}

export function bufferSource(buf: Uint8Array): ByteSource {
  return { size: buf.length, read: (p, n) => buf.subarray(p, Math.min(buf.length, p + n)) };
}

const CHUNK = 1 << 20;

class Reader {
  pos = 0;
  private buf: Uint8Array = new Uint8Array(0);
  private bufStart = 0;
  private view: DataView = new DataView(new ArrayBuffer(0));
  constructor(
    private readonly src: ByteSource,
    private readonly label: string,
  ) {}

  fail(what: string): UserError {
    return new UserError(
      `${this.label} is not a valid GGUF file: ${what}`,
      "re-download the file, or convert it again with llama.cpp",
    );
  }

  private ensure(n: number): number {
    const rel = this.pos - this.bufStart;
    if (rel >= 0 && rel + n <= this.buf.length) return rel;
    if (this.pos + n > this.src.size)
      throw this.fail(`truncated at byte ${this.pos} (the header runs past the end)`);
    const got = this.src.read(this.pos, Math.max(n, CHUNK));
    if (got.length < n) throw this.fail(`truncated at byte ${this.pos}`);
    this.buf = got;
    this.bufStart = this.pos;
    this.view = new DataView(got.buffer, got.byteOffset, got.byteLength);
    return 0;
  }
  u8(): number {
    const r = this.ensure(1);
    this.pos += 1;
    return this.view.getUint8(r);
  }
  u32(): number {
    const r = this.ensure(4);
    this.pos += 4;
    return this.view.getUint32(r, true);
  }
  u64(): bigint {
    const r = this.ensure(8);
    this.pos += 8;
    return this.view.getBigUint64(r, true);
  }
  /** A u64 that must fit a JS number (counts, lengths, dims, offsets). */
  size(what: string): number {
    const v = this.u64();
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw this.fail(`${what} ${v} is too large`);
    return Number(v);
  }
  skip(n: number): void {
    if (this.pos + n > this.src.size) throw this.fail(`truncated at byte ${this.pos}`);
    this.pos += n;
  }
  string(): string {
    const n = this.size("string length");
    if (n > this.src.size - this.pos)
      throw this.fail(`truncated: a string of ${n} bytes at byte ${this.pos - 8} runs past the end`);
    const r = this.ensure(n);
    this.pos += n;
    return new TextDecoder().decode(this.buf.subarray(r, r + n));
  }
  scalar(type: number): number | bigint | boolean {
    const r = this.ensure(FIXED_SIZE[type]!);
    this.pos += FIXED_SIZE[type]!;
    const v = this.view;
    switch (type) {
      case GGUF_VALUE.UINT8:
        return v.getUint8(r);
      case GGUF_VALUE.INT8:
        return v.getInt8(r);
      case GGUF_VALUE.UINT16:
        return v.getUint16(r, true);
      case GGUF_VALUE.INT16:
        return v.getInt16(r, true);
      case GGUF_VALUE.UINT32:
        return v.getUint32(r, true);
      case GGUF_VALUE.INT32:
        return v.getInt32(r, true);
      case GGUF_VALUE.FLOAT32:
        return v.getFloat32(r, true);
      case GGUF_VALUE.BOOL:
        return v.getUint8(r) !== 0;
      case GGUF_VALUE.FLOAT64:
        return v.getFloat64(r, true);
      default: {
        const big = type === GGUF_VALUE.INT64 ? v.getBigInt64(r, true) : v.getBigUint64(r, true);
        return big <= BigInt(Number.MAX_SAFE_INTEGER) && big >= BigInt(Number.MIN_SAFE_INTEGER)
          ? Number(big)
          : big;
      }
    }
  }
  value(type: number, depth = 0): GgufValue {
    if (type === GGUF_VALUE.STRING) return this.string();
    if (type === GGUF_VALUE.ARRAY) {
      if (depth > 8) throw this.fail("arrays nested too deeply");
      const itemType = this.u32();
      const length = this.size("array length");
      if (
        itemType !== GGUF_VALUE.STRING &&
        itemType !== GGUF_VALUE.ARRAY &&
        FIXED_SIZE[itemType] === undefined
      )
        throw this.fail(`unknown array element type ${itemType}`);
      if (length > this.src.size - this.pos)
        throw this.fail(`truncated: an array of ${length} elements at byte ${this.pos} runs past the end`);
      if (length <= KEEP_ARRAY) {
        const values: GgufValue[] = [];
        for (let i = 0; i < length; i++) values.push(this.value(itemType, depth + 1));
        return { itemType, length, values };
      }
      const fixed = FIXED_SIZE[itemType];
      if (fixed !== undefined) this.skip(fixed * length);
      else if (itemType === GGUF_VALUE.STRING)
        for (let i = 0; i < length; i++) this.skip(this.size("string length"));
      else for (let i = 0; i < length; i++) this.value(itemType, depth + 1);
      return { itemType, length, values: null };
    }
    if (FIXED_SIZE[type] === undefined)
      throw this.fail(`unknown metadata value type ${type} at byte ${this.pos - 4}`);
    return this.scalar(type);
  }
}

/** Parse a GGUF header. `label` names the file in errors. */
export function parseGguf(src: ByteSource, label: string): GgufFile {
  const r = new Reader(src, label);
  if (src.size < 24) throw r.fail("shorter than a GGUF header");
  const magic = src.read(0, 4);
  if (String.fromCharCode(...magic) !== "GGUF") throw r.fail('it does not start with "GGUF"');
  r.pos = 4;
  const version = r.u32();
  if ((version & 0xffff) === 0) throw r.fail("big-endian GGUF files are not supported");
  if (version !== 2 && version !== 3)
    throw new UserError(
      `${label}: GGUF version ${version} is not supported`,
      "llama.cpp reads versions 2 and 3; convert the model again",
    );
  const tensorCount = r.size("tensor count");
  const kvCount = r.size("metadata count");
  if (tensorCount > src.size / 24 || kvCount > src.size / 13)
    throw r.fail("tensor or metadata count larger than the file");
  const metadata = new Map<string, GgufValue>();
  for (let i = 0; i < kvCount; i++) {
    const key = r.string();
    const type = r.u32();
    metadata.set(key, r.value(type));
  }
  const rawAlign = metadata.get("general.alignment");
  const alignment = rawAlign === undefined ? 32 : Number(rawAlign);
  if (!Number.isInteger(alignment) || alignment < 1 || (alignment & (alignment - 1)) !== 0)
    throw r.fail(`general.alignment ${String(rawAlign)} is not a power of two`);
  const tensors: GgufTensorInfo[] = [];
  for (let i = 0; i < tensorCount; i++) {
    const name = r.string();
    const nDims = r.u32();
    if (nDims < 1 || nDims > 4) throw r.fail(`tensor ${name} has ${nDims} dimensions`);
    const dims: number[] = [];
    for (let d = 0; d < nDims; d++) dims.push(r.size(`dimension of ${name}`));
    const type = r.u32();
    const offset = r.size(`offset of ${name}`);
    const t = GGML_TYPES[type];
    if (!t)
      throw new UserError(
        `${label}: tensor ${name} has ggml type ${type}, which llmdeploy does not know`,
        "known types: " +
          Object.values(GGML_TYPES)
            .map((x) => x[0])
            .join(", "),
      );
    const [typeName, block, typeSize] = t;
    const ne0 = dims[0]!;
    if (ne0 % block !== 0)
      throw r.fail(
        `tensor ${name}: ${ne0} values per row is not a multiple of the ${typeName} block of ${block}`,
      );
    if (offset % alignment !== 0)
      throw r.fail(`tensor ${name}: offset ${offset} is not a multiple of ${alignment}`);
    const rows = dims.slice(1).reduce((a, b) => a * b, 1);
    tensors.push({
      name,
      dims,
      type,
      typeName,
      offset,
      params: ne0 * rows,
      bytes: rows * (ne0 / block) * typeSize,
    });
  }
  const dataStart = Math.ceil(r.pos / alignment) * alignment;
  return { version, alignment, metadata, tensors, dataStart };
}

/** Parse a file's header, reading only as far as the header goes, and check the data is all there. */
export function readGgufFile(path: string): GgufFile {
  const fd = openSync(path, "r");
  try {
    const size = fstatSync(fd).size;
    const src: ByteSource = {
      size,
      read: (position, length) => {
        const buf = new Uint8Array(Math.min(length, Math.max(0, size - position)));
        let got = 0;
        while (got < buf.length) {
          const n = readSync(fd, buf, got, buf.length - got, position + got);
          if (n === 0) break;
          got += n;
        }
        return buf.subarray(0, got);
      },
    };
    const g = parseGguf(src, path);
    const end = g.tensors.reduce((m, t) => Math.max(m, t.offset + t.bytes), 0);
    if (g.dataStart + end > size)
      throw new UserError(
        `${path} is truncated: its tensors need ${g.dataStart + end} bytes, the file has ${size}`,
        "the download did not finish; download the file again",
      );
    return g;
  } finally {
    closeSync(fd);
  }
}

// ---------------------------------------------------------------------------------------------
// Metadata -> ModelArch

function num(v: GgufValue | undefined): number | undefined {
  if (typeof v === "number") return v;
  if (typeof v === "bigint") return Number(v);
  return undefined;
}
/** A hyperparameter that may be one number or one per layer (llama.cpp get_key_or_arr). */
function numOrMax(v: GgufValue | undefined): number | undefined {
  if (typeof v === "object" && v !== null && "itemType" in v) {
    const xs = (v.values ?? []).map(num).filter((x): x is number => x !== undefined);
    return xs.length ? Math.max(...xs) : undefined;
  }
  return num(v);
}

/** GGUF architecture names -> the config.json model_type the rest of llmdeploy uses. */
const MODEL_TYPES: Record<string, string> = {
  qwen2moe: "qwen2_moe",
  qwen3moe: "qwen3_moe",
  "gpt-oss": "gpt_oss",
  gemma3: "gemma3_text",
  deepseek2: "deepseek_v3",
};

function malformed(label: string, what: string): UserError {
  return new UserError(
    `${label}: ${what}`,
    "expected the GGUF of a llama.cpp text model ({arch}.block_count, .embedding_length, .attention.head_count)",
  );
}

/** Build the architecture from the metadata, and details the metadata leaves out from tensor names. */
export function ggufArch(g: GgufFile, label: string): ModelArch {
  const m = g.metadata;
  const archName = m.get("general.architecture");
  if (typeof archName !== "string") throw malformed(label, "missing general.architecture");
  const key = (k: string) => m.get(`${archName}.${k}`);
  const need = (k: string, v: number | undefined): number => {
    if (v === undefined) throw malformed(label, `missing ${archName}.${k}`);
    if (!Number.isInteger(v) || v <= 0)
      throw malformed(label, `${archName}.${k} must be a positive integer, got ${v}`);
    return v;
  };
  const names = new Set(g.tensors.map((t) => t.name));
  const unmodelled = ggufUnmodelledFeature(archName, names);
  if (unmodelled)
    throw new UserError(
      `${label}: ${unmodelled} are not modelled yet`,
      "llmdeploy refuses to size what it does not model",
    );
  const tensor = (n: string) => g.tensors.find((t) => t.name === n);
  const has = (n: string) => names.has(n);

  const numLayers = need("block_count", num(key("block_count")));
  const hiddenSize = need("embedding_length", num(key("embedding_length")));
  const numHeads = need("attention.head_count", numOrMax(key("attention.head_count")));
  const numKvHeads = numOrMax(key("attention.head_count_kv")) ?? numHeads;
  if (numKvHeads <= 0 || numHeads % numKvHeads !== 0)
    throw malformed(label, `head_count (${numHeads}) is not a multiple of head_count_kv (${numKvHeads})`);
  const headDim = num(key("attention.key_length")) ?? hiddenSize / numHeads;
  if (!Number.isInteger(headDim))
    throw malformed(label, `embedding_length ${hiddenSize} is not divisible by ${numHeads} heads`);
  const vHeadDim = num(key("attention.value_length")) ?? headDim;
  const tokens = m.get("tokenizer.ggml.tokens");
  const vocabSize =
    num(key("vocab_size")) ??
    (typeof tokens === "object" && tokens !== null && "length" in tokens ? tokens.length : undefined) ??
    tensor("token_embd.weight")?.dims[1];
  const modelType = MODEL_TYPES[archName] ?? archName;

  // Per-layer tensors of one block tell what the metadata does not.
  const b0 = (s: string) => has(`blk.0.${s}`);
  const normsPerLayer = Math.max(
    1,
    [...names].filter(
      (n) => /^blk\.0\.[a-z_0-9]*norm[a-z_0-9]*\.weight$/.test(n) && !/attn_(q|k|q_a|kv_a)_norm/.test(n),
    ).length,
  );

  let moe: MoeArch | null = null;
  const experts = num(key("expert_count")) ?? 0;
  if (experts > 1) {
    const ff = numOrMax(key("feed_forward_length")) ?? 0;
    const expertFf = num(key("expert_feed_forward_length")) ?? ff;
    const sharedCount = num(key("expert_shared_count")) ?? 0;
    const sharedFf = num(key("expert_shared_feed_forward_length")) ?? expertFf;
    const moeLayers = Array.from({ length: numLayers }, (_, i) => has(`blk.${i}.ffn_gate_inp.weight`));
    moe = {
      numExperts: experts,
      expertsPerToken: need("expert_used_count", num(key("expert_used_count"))),
      expertIntermediateSize: need("expert_feed_forward_length", expertFf),
      sharedIntermediateSize:
        sharedCount > 0 ? sharedCount * sharedFf : has("blk.0.ffn_up_shexp.weight") ? sharedFf : 0,
      sharedExpertGate: [...names].some((n) => n.endsWith("ffn_gate_inp_shexp.weight")),
      routerBias: [...names].some((n) => /ffn_gate_inp\.bias$/.test(n)),
      expertBias: [...names].some((n) => /ffn_(up|gate_up|down)_exps\.bias$/.test(n)),
      scoreCorrectionBias: [...names].some((n) => n.endsWith("exp_probs_b.bias")),
      moeLayers: moeLayers.some(Boolean) ? moeLayers : moeLayers.map(() => true),
    };
  }

  let mla: MlaArch | null = null;
  const kvLoraRank = num(key("attention.kv_lora_rank"));
  if (kvLoraRank !== undefined && kvLoraRank > 0) {
    const rope = need("rope.dimension_count", num(key("rope.dimension_count")));
    const kLen = num(key("attention.key_length_mla")) ?? headDim;
    const qLora = num(key("attention.q_lora_rank"));
    mla = {
      qLoraRank: qLora && qLora > 0 ? qLora : null,
      kvLoraRank,
      qkNopeHeadDim: kLen - rope,
      qkRopeHeadDim: rope,
      vHeadDim: num(key("attention.value_length_mla")) ?? vHeadDim,
    };
  }

  const window = num(key("attention.sliding_window")) ?? null;
  const all = (t: LayerAttention): LayerAttention[] => Array.from({ length: numLayers }, () => t);
  let layerTypes: LayerAttention[] = all("full");
  if (window) {
    const pattern = key("attention.sliding_window_pattern");
    const p = num(pattern);
    if (
      typeof pattern === "object" &&
      pattern !== null &&
      "values" in pattern &&
      pattern.values?.length === numLayers
    )
      layerTypes = pattern.values.map((x) => (x === true ? "sliding" : "full"));
    else if (p !== undefined && p > 1)
      layerTypes = layerTypes.map((_, i) => ((i + 1) % p === 0 ? "full" : "sliding"));
    else if (modelType === "gemma3_text")
      layerTypes = layerTypes.map((_, i) => ((i + 1) % 6 === 0 ? "full" : "sliding"));
    else if (modelType === "gemma2" || modelType === "gpt_oss")
      layerTypes = layerTypes.map((_, i) => (i % 2 === 0 ? "sliding" : "full"));
    else layerTypes = all("sliding");
  }

  const embType = tensor("token_embd.weight")?.typeName;
  const ff = numOrMax(key("feed_forward_length")) ?? 0;
  const allMoe = moe !== null && moe.moeLayers.every(Boolean);
  return {
    modelType,
    architecture: null,
    hiddenSize,
    numLayers,
    vocabSize: need("vocab_size (or tokenizer.ggml.tokens)", vocabSize),
    numHeads,
    numKvHeads: mla ? numHeads : numKvHeads,
    headDim: mla ? mla.qkNopeHeadDim + mla.qkRopeHeadDim : headDim,
    vHeadDim: mla ? mla.vHeadDim : vHeadDim,
    intermediateSize: allMoe ? 0 : ff, // no dense MLP when every layer is MoE (as for Mixtral configs)
    tieWordEmbeddings: !has("output.weight"),
    qkvBias: b0("attn_q.bias") || b0("attn_qkv.bias"),
    oBias: b0("attn_output.bias"),
    mlpBias: b0("ffn_up.bias") || b0("ffn_down.bias"),
    mlpGated:
      [...names].some((n) => /^blk\.\d+\.ffn_gate(_exps|_up_exps)?\.weight$/.test(n)) || archName === "phi3",
    normKind: b0("attn_norm.bias") ? "layer" : "rms",
    normsPerLayer,
    qkNorm: b0("attn_q_norm.weight"),
    attentionSinks: b0("attn_sinks.weight") || b0("attn_sinks"),
    moe,
    mla,
    layerTypes,
    slidingWindow: window && layerTypes.includes("sliding") ? window : null,
    maxPositionEmbeddings: num(key("context_length")) ?? 4096,
    dtype: embType === "F16" ? "float16" : embType === "F32" ? "float32" : "bfloat16",
    quantization: null,
    vision: null,
    mtpLayers: num(key("nextn_predict_layers")) ?? 0,
  };
}

/** The name llama.cpp gives the file type, or null. */
export function ggufFileType(g: GgufFile): string | null {
  const v = num(g.metadata.get("general.file_type"));
  return v === undefined ? null : (GGUF_FILE_TYPES[v] ?? `file type ${v}`);
}

const SPLIT = /-(\d{5})-of-(\d{5})\.gguf$/i;

/**
 * Read a .gguf (and, for a split file `name-00001-of-00003.gguf`, its other parts): the architecture
 * from the first part's metadata, the tensors of all parts.
 */
export function loadGguf(path: string): {
  arch: ModelArch;
  checkpoint: CheckpointSummary;
  name: string | null;
} {
  const m = SPLIT.exec(basename(path));
  const part = (i: number) =>
    join(dirname(path), basename(path).replace(SPLIT, `-${String(i).padStart(5, "0")}-of-${m![2]}.gguf`));
  // The metadata lives in the first part of a split file.
  const firstPath = m && Number(m[1]) !== 1 && existsSync(part(1)) ? part(1) : path;
  const first = readGgufFile(firstPath);
  const parts = [firstPath];
  const tensors = [...first.tensors];
  const count = num(first.metadata.get("split.count")) ?? 1;
  if (count > 1 && m) {
    for (let i = 2; i <= count; i++) {
      const p = part(i);
      if (!existsSync(p))
        throw new UserError(`${p} is missing`, `a split GGUF needs all ${count} parts in one folder`);
      parts.push(p);
      tensors.push(...readGgufFile(p).tensors);
    }
  }
  const arch = ggufArch(first, firstPath);
  const brief: GgufTensorBrief[] = tensors.map((t) => ({
    name: t.name,
    type: t.typeName,
    shape: t.dims,
    params: t.params,
    bytes: t.bytes,
  }));
  const name = first.metadata.get("general.name");
  return {
    arch,
    checkpoint: summarizeGguf(
      brief,
      parts.map((p) => basename(p)),
      ggufFileType(first),
    ),
    name: typeof name === "string" ? name : null,
  };
}
