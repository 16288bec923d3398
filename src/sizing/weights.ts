/**
 * Weight formats and the bytes each tensor takes in them.
 *
 * A format says how the quantizable tensors (2-D Linear weights inside decoder layers) are stored;
 * everything else (embeddings, lm_head, norms, biases, routers, vision tower) stays in 16 bit
 * (32 bit for fp32), which is how AWQ, GPTQ, FP8, MXFP4 and bitsandbytes checkpoints ship and how
 * vLLM loads them. Byte layouts: docs/research/quant-formats.md.
 */
import { UserError } from "../errors.js";
import type { CheckpointQuant, ModelArch } from "../models/arch.js";
import { type Tensor, tensorParams } from "./inventory.js";

export type WeightFormat =
  | { kind: "float"; bytes: 2 | 4 }
  /** FP8 E4M3 weights; scale fp32 per tensor (vLLM dynamic), per output channel, or per block. */
  | { kind: "fp8"; scale: "tensor" | "channel" | { block: [number, number] } }
  /** INT8 W8A8 weights with an fp32 scale per output channel (compressed-tensors / SmoothQuant). */
  | { kind: "int8" }
  /** AWQ (GEMM layout): int4 packed in int32, fp16 scales and int4 zeros per group. */
  | { kind: "awq"; bits: number; groupSize: number }
  /**
   * GPTQ as vLLM's Marlin kernels hold it: packed weights and fp16 group scales; qzeros are freed, and
   * g_idx with its permutation (2 × int32 per input row) is kept only for act-order (desc_act).
   */
  | { kind: "gptq"; bits: number; groupSize: number; descAct: boolean }
  /** compressed-tensors pack-quantized W4A16 (symmetric): packed int32 weights, bf16 scale per group. */
  | { kind: "w4a16"; groupSize: number }
  /**
   * OCP MX FP4 on MoE experts: 32 E2M1 values (16 bytes) + one E8M0 scale byte per block. `pad`: the
   * multiples vLLM's MoE backend rounds each expert's inner (per TP rank) and hidden sizes up to
   * (see mxfp4Backend); absent, the checkpoint's own shapes.
   */
  | { kind: "mxfp4"; pad?: { inner: number; hidden: number; backend: string } }
  /**
   * bitsandbytes NF4/FP4 as vLLM holds it: 4-bit values and an fp32 absmax per 64 values; a
   * double-quantized checkpoint is expanded to this at load (vLLM's _dequantize_dq).
   */
  | { kind: "bnb4" }
  /** bitsandbytes LLM.int8(): int8 weights, fp32 scale per output row. */
  | { kind: "bnb8" }
  /** A llama.cpp GGUF file type: per-tensor ggml types chosen by llama.cpp's quantization rules. */
  | { kind: "gguf"; ftype: GgufFtype; numLayers: number; tiedEmbeddings: boolean; experts: number };

export type GgufFtype = "Q8_0" | "Q6_K" | "Q5_K_M" | "Q4_K_M" | "Q4_0";
type GgmlType = "F32" | "Q4_0" | "Q5_0" | "Q5_1" | "Q8_0" | "Q4_K" | "Q5_K" | "Q6_K";

/** ggml block layouts: [values per block, bytes per block] (ggml.c type traits). */
export const GGML_BLOCKS: Record<GgmlType, [number, number]> = {
  F32: [1, 4],
  Q4_0: [32, 18], // fp16 scale + 16 bytes of nibbles
  Q5_0: [32, 22], // fp16 scale + 4 bytes of high bits + 16 bytes of nibbles
  Q5_1: [32, 24], // fp16 scale and min + high bits + nibbles
  Q8_0: [32, 34], // fp16 scale + 32 int8
  Q4_K: [256, 144], // fp16 d, dmin + 12 bytes of 6-bit scales + 128 bytes of nibbles
  Q5_K: [256, 176], // Q4_K + 32 bytes of high bits
  Q6_K: [256, 210], // 128 low nibbles + 64 high 2-bit + 16 int8 scales + fp16 d
};

/**
 * llama.cpp (src/llama-quant.cpp, llama_tensor_get_type): ffn_down and attn_v of the first and last
 * eighth of the layers, and of every third layer in between, get more bits in the _M mixtures.
 */
export function ggufUseMoreBits(layer: number, numLayers: number): boolean {
  const e = Math.floor(numLayers / 8);
  return layer < e || layer >= Math.floor((7 * numLayers) / 8) || (layer - e) % 3 === 2;
}

/**
 * The ggml type llama.cpp gives a tensor in a file type. 1-D tensors stay F32; the output matrix
 * (or the token embedding when the output is tied to it) gets Q6_K unless the file is Q8_0; rows
 * that are not a whole number of 256-value super-blocks fall back to a 32-value type.
 */
export function ggufTensorType(
  t: Tensor,
  ftype: GgufFtype,
  numLayers: number,
  hasOutput: boolean,
  experts = 0,
): GgmlType {
  if (t.cols === 1) return "F32";
  const base: Record<GgufFtype, GgmlType> = {
    Q8_0: "Q8_0",
    Q6_K: "Q6_K",
    Q5_K_M: "Q5_K",
    Q4_K_M: "Q4_K",
    Q4_0: "Q4_0",
  };
  let type = base[ftype];
  const isOutput = t.role === "lm_head" || (!hasOutput && t.role === "embedding");
  if (isOutput) {
    if (type !== "Q8_0") type = "Q6_K";
  } else if ((ftype === "Q4_K_M" || ftype === "Q5_K_M") && t.layer !== null) {
    const more = /\.(v_proj|down_proj)\.weight$/.test(t.name) && ggufUseMoreBits(t.layer, numLayers);
    if (more) type = "Q6_K";
  }
  // Models with exactly 8 experts (Mixtral-like) keep attn_k and attn_v in Q8_0 in every file type.
  if (experts === 8 && /\.(k_proj|v_proj)\.weight$/.test(t.name)) type = "Q8_0";
  if (GGML_BLOCKS[type][0] === 256 && t.cols % 256 !== 0) {
    type = type === "Q4_K" ? "Q5_0" : type === "Q5_K" ? "Q5_1" : "Q8_0";
  }
  return type;
}

export interface Precision {
  /** Canonical id as the CLI takes it. */
  id: string;
  label: string;
  format: WeightFormat;
}

/** The precisions `--precision` accepts, and their shorthands. */
export const PRECISIONS: Record<string, Precision> = {
  fp32: { id: "fp32", label: "FP32", format: { kind: "float", bytes: 4 } },
  bf16: { id: "bf16", label: "BF16", format: { kind: "float", bytes: 2 } },
  fp16: { id: "fp16", label: "FP16", format: { kind: "float", bytes: 2 } },
  fp8: {
    id: "fp8",
    label: "FP8 (E4M3, per-tensor scale; vLLM --quantization fp8)",
    format: { kind: "fp8", scale: "tensor" },
  },
  "fp8-channel": {
    id: "fp8-channel",
    label: "FP8 (E4M3, per-channel scale)",
    format: { kind: "fp8", scale: "channel" },
  },
  "fp8-block": {
    id: "fp8-block",
    label: "FP8 (E4M3, 128x128 block scales)",
    format: { kind: "fp8", scale: { block: [128, 128] } },
  },
  int8: { id: "int8", label: "INT8 W8A8 (per-channel scale)", format: { kind: "int8" } },
  int4: { id: "int4", label: "INT4 AWQ, group 128", format: { kind: "awq", bits: 4, groupSize: 128 } },
  awq: { id: "awq", label: "INT4 AWQ, group 128", format: { kind: "awq", bits: 4, groupSize: 128 } },
  gptq: {
    id: "gptq",
    label: "INT4 GPTQ, group 128",
    format: { kind: "gptq", bits: 4, groupSize: 128, descAct: false },
  },
  "gptq-int8": {
    id: "gptq-int8",
    label: "INT8 GPTQ, group 128",
    format: { kind: "gptq", bits: 8, groupSize: 128, descAct: false },
  },
  w4a16: {
    id: "w4a16",
    label: "INT4 W4A16 compressed-tensors, group 128",
    format: { kind: "w4a16", groupSize: 128 },
  },
  mxfp4: { id: "mxfp4", label: "MXFP4 experts (gpt-oss style)", format: { kind: "mxfp4" } },
  nf4: { id: "nf4", label: "bitsandbytes NF4", format: { kind: "bnb4" } },
  "bnb-int8": { id: "bnb-int8", label: "bitsandbytes LLM.int8()", format: { kind: "bnb8" } },
  // GGUF file types (llama.cpp); layers, tying and experts are bound to the model by bindPrecision.
  q8_0: {
    id: "q8_0",
    label: "GGUF Q8_0",
    format: { kind: "gguf", ftype: "Q8_0", numLayers: 0, tiedEmbeddings: false, experts: 0 },
  },
  q6_k: {
    id: "q6_k",
    label: "GGUF Q6_K",
    format: { kind: "gguf", ftype: "Q6_K", numLayers: 0, tiedEmbeddings: false, experts: 0 },
  },
  q5_k_m: {
    id: "q5_k_m",
    label: "GGUF Q5_K_M",
    format: { kind: "gguf", ftype: "Q5_K_M", numLayers: 0, tiedEmbeddings: false, experts: 0 },
  },
  q4_k_m: {
    id: "q4_k_m",
    label: "GGUF Q4_K_M",
    format: { kind: "gguf", ftype: "Q4_K_M", numLayers: 0, tiedEmbeddings: false, experts: 0 },
  },
  q4_0: {
    id: "q4_0",
    label: "GGUF Q4_0",
    format: { kind: "gguf", ftype: "Q4_0", numLayers: 0, tiedEmbeddings: false, experts: 0 },
  },
};

export const PRECISION_ALIASES: Record<string, string> = {
  float32: "fp32",
  bfloat16: "bf16",
  float16: "fp16",
  half: "fp16",
  "awq-int4": "awq",
  "gptq-int4": "gptq",
  "int4-awq": "awq",
  "int4-gptq": "gptq",
  "w8a8-fp8": "fp8-channel",
  "w8a8-int8": "int8",
  bnb4: "nf4",
};

const ceilDiv = (a: number, b: number): number => Math.ceil(a / b);

/** Does a skip pattern (quantization_config modules_to_not_convert / ignore) name this tensor? */
export function skipped(t: Tensor, skip: readonly string[]): boolean {
  return skip.some((s) => {
    const pat = s.replace(/^model\./, "").replace(/^re:/, "");
    if (pat.includes("*")) {
      const re = new RegExp(
        "^" +
          pat
            .split("*")
            .map((x) => x.replace(/[.+?^${}()|[\]\\]/g, "\\$&"))
            .join(".*"),
      );
      return re.test(t.name);
    }
    return t.name === pat || t.name.startsWith(pat + ".") || t.name.split(".").includes(pat);
  });
}

/**
 * Bytes of one tensor (all its stacked copies) in a format. `rows`/`cols` may be a TP shard.
 * Non-quantized tensors take `floatBytes` per parameter.
 */
export function tensorBytes(t: Tensor, format: WeightFormat, skip: readonly string[] = []): number {
  const n = tensorParams(t);
  const floatBytes = format.kind === "float" ? format.bytes : 2;
  if (format.kind === "gguf") {
    // GGUF quantizes every 2-D tensor, embeddings and output included.
    const type = ggufTensorType(t, format.ftype, format.numLayers, !format.tiedEmbeddings, format.experts);
    const [per, bytes] = GGML_BLOCKS[type];
    return t.count * t.rows * Math.ceil(t.cols / per) * bytes;
  }
  const quantizable = t.linear && !skipped(t, skip) && (format.kind !== "mxfp4" || t.role === "expert");
  if (!quantizable) return n * floatBytes;
  const { rows, cols, count } = t;
  switch (format.kind) {
    case "float":
      return n * format.bytes;
    case "fp8": {
      const s = format.scale;
      const scales =
        s === "tensor" ? 1 : s === "channel" ? rows : ceilDiv(rows, s.block[0]) * ceilDiv(cols, s.block[1]);
      return count * (rows * cols + 4 * scales);
    }
    case "int8":
      return count * (rows * cols + 4 * rows);
    case "awq": {
      // qweight int32 [cols, rows*bits/32]; qzeros int32 [cols/g, rows*bits/32]; scales fp16 [cols/g, rows]
      const groups = ceilDiv(cols, format.groupSize);
      return (
        count * ((cols * rows * format.bits) / 8 + (groups * rows * format.bits) / 8 + groups * rows * 2)
      );
    }
    case "gptq": {
      // Resident after GPTQ-Marlin loading: K·N·bits/8 + 2·G·N (+ 8·K with desc_act);
      // docs/research/quant-formats.md §1.4. Per-channel (group_size -1) is one group.
      const groups = Number.isFinite(format.groupSize) ? ceilDiv(cols, format.groupSize) : 1;
      return count * ((cols * rows * format.bits) / 8 + groups * rows * 2 + (format.descAct ? 8 * cols : 0));
    }
    case "w4a16": {
      // weight_packed int32 [rows, cols/8]; weight_scale bf16 [rows, cols/g]; weight_shape int64 [2]
      const groups = ceilDiv(cols, format.groupSize);
      return count * (rows * cols * 0.5 + rows * groups * 2 + 16);
    }
    case "mxfp4": {
      // blocks of 32 along the input dimension: 16 bytes of E2M1 pairs + 1 byte E8M0 scale. With a
      // backend's padding, gate/up ([inner, hidden], split by rows) and down ([hidden, inner], split
      // by columns) are zero-padded to its multiples, and the padding is resident too.
      let r = rows;
      let c = cols;
      if (format.pad && t.role === "expert") {
        const up = (v: number, m: number) => ceilDiv(v, m) * m;
        const inner = t.tp === "row" ? "cols" : "rows";
        r = up(rows, inner === "rows" ? format.pad.inner : format.pad.hidden);
        c = up(cols, inner === "cols" ? format.pad.inner : format.pad.hidden);
      }
      return count * r * ceilDiv(c, 32) * 17;
    }
    case "bnb4": {
      // 4-bit values + fp32 absmax per 64 values = 4.5 bits per weight resident
      const v = rows * cols;
      return count * (v / 2 + ceilDiv(v, 64) * 4);
    }
    case "bnb8":
      return count * (rows * cols + 4 * rows);
  }
}

/** A precision bound to a model: GGUF mixtures depend on the layer count. */
export function bindPrecision(p: Precision, arch: ModelArch): Precision {
  return p.format.kind === "gguf"
    ? {
        ...p,
        format: {
          ...p.format,
          numLayers: arch.numLayers,
          tiedEmbeddings: arch.tieWordEmbeddings,
          experts: arch.moe?.numExperts ?? 0,
        },
      }
    : p;
}

/** The format a checkpoint's own quantization_config implies. */
export function checkpointPrecision(arch: ModelArch): Precision {
  const q = arch.quantization;
  if (!q) {
    // vLLM's dtype "auto" serves float32 checkpoints in 16 bit (config.py _get_and_verify_dtype).
    const id = arch.dtype === "float16" ? "fp16" : "bf16";
    return PRECISIONS[id]!;
  }
  return precisionOfQuant(q);
}

function precisionOfQuant(q: CheckpointQuant): Precision {
  switch (q.method) {
    case "awq":
      return {
        id: "awq",
        label: `INT${q.bits} AWQ, group ${q.groupSize}`,
        format: { kind: "awq", bits: q.bits, groupSize: q.groupSize },
      };
    case "gptq":
      return {
        id: q.bits === 8 ? "gptq-int8" : "gptq",
        label: `INT${q.bits} GPTQ, group ${q.groupSize}`,
        format: {
          kind: "gptq",
          bits: q.bits,
          groupSize: q.groupSize < 0 ? Number.POSITIVE_INFINITY : q.groupSize,
          descAct: q.descAct,
        },
      };
    case "fp8":
      return q.blockSize
        ? {
            id: "fp8-block",
            label: `FP8 (E4M3, ${q.blockSize.join("x")} block scales)`,
            format: { kind: "fp8", scale: { block: q.blockSize } },
          }
        : PRECISIONS.fp8!;
    case "compressed-tensors-fp8":
      return q.strategy === "channel"
        ? PRECISIONS["fp8-channel"]!
        : q.strategy === "block"
          ? PRECISIONS["fp8-block"]!
          : PRECISIONS.fp8!;
    case "compressed-tensors-w4a16":
      return {
        id: "w4a16",
        label: `INT4 W4A16, group ${q.groupSize}`,
        format: { kind: "w4a16", groupSize: q.groupSize },
      };
    case "mxfp4":
      return PRECISIONS.mxfp4!;
    case "bitsandbytes-4bit":
      return {
        id: "nf4",
        label: `bitsandbytes ${q.quantType.toUpperCase()}`,
        format: { kind: "bnb4" },
      };
    case "bitsandbytes-8bit":
      return PRECISIONS["bnb-int8"]!;
  }
}

/** Resolve a --precision value (or shorthand). */
export function lookupPrecision(input: string): Precision {
  const key = input.toLowerCase();
  const p = PRECISIONS[PRECISION_ALIASES[key] ?? key];
  if (!p) {
    throw new UserError(`unknown precision "${input}"`, `use one of: ${Object.keys(PRECISIONS).join(", ")}`);
  }
  return p;
}

/** Whether a --precision value names a GGUF file type (served by llama.cpp / Ollama); false when unknown. */
export function isGgufPrecision(input: string): boolean {
  const key = input.toLowerCase();
  return PRECISIONS[PRECISION_ALIASES[key] ?? key]?.format.kind === "gguf";
}

/**
 * The precision to size: the requested one, checked against what the checkpoint can be served in.
 * A checkpoint that is already quantized cannot be served in another format; a 16-bit checkpoint
 * can be served in any (FP8 is quantized on the fly by vLLM; int4/int8 assume the matching
 * pre-quantized checkpoint of the same model).
 */
export function choosePrecision(
  arch: ModelArch,
  requested: string | undefined,
  modelLabel: string,
): Precision {
  const own = checkpointPrecision(arch);
  if (!requested) return own;
  const want = bindPrecision(lookupPrecision(requested), arch);
  if (!arch.quantization) return want;
  if (
    want.id === own.id ||
    (want.id === "int4" && (own.id === "awq" || own.id === "gptq" || own.id === "w4a16"))
  )
    return own;
  throw new UserError(
    `${modelLabel} is a ${own.label} checkpoint; it cannot be served as ${want.label}`,
    `leave out --precision to use the checkpoint as it is, or point at the unquantized checkpoint of the model`,
  );
}

/** Quantized layers need their input dimension to be a whole number of groups (per TP shard). */
export function groupSizeOf(format: WeightFormat): number | null {
  switch (format.kind) {
    case "awq":
    case "gptq":
    case "w4a16":
      return Number.isFinite(format.groupSize) ? format.groupSize : null;
    case "mxfp4":
      return 32;
    default:
      return null;
  }
}

/** Bytes of the whole model in a format. */
export function weightsBytes(tensors: readonly Tensor[], p: Precision, skip: readonly string[] = []): number {
  let sum = 0;
  for (const t of tensors) sum += tensorBytes(t, p.format, skip);
  return sum;
}

/**
 * The MoE backend vLLM picks for MXFP4 experts on a GPU, and the padding it applies
 * (vllm/model_executor/layers/quantization/mxfp4.py; docs/research/quant-formats.md §5):
 *   Blackwell (SM100) FlashInfer: inner and hidden to multiples of 256;
 *   Hopper: inner to 64 (Triton), hidden to 256, which the published H100 figures show (gpt-oss-120b
 *     64.38 GiB at TP 1 in llm-d's empirical vLLM memory results);
 *   Ampere and Ada (Marlin, weight-only): inner to 128, hidden to 256 (gpt-oss-120b TP 4 on A100:
 *     17.22 GiB per GPU in test/fixtures/vllm-logs/gpt-oss-120b-a100-tp4.log).
 * Other precisions, and GPUs whose backend is not known (AMD), are returned unchanged.
 */
export function mxfp4Backend(
  p: Precision,
  gpu: { vendor: string; computeCapability?: number | undefined },
): Precision {
  if (p.format.kind !== "mxfp4" || gpu.vendor !== "NVIDIA" || gpu.computeCapability === undefined) return p;
  const cc = gpu.computeCapability;
  const pad =
    cc >= 10
      ? { inner: 256, hidden: 256, backend: "FlashInfer (SM100)" }
      : cc >= 9
        ? { inner: 64, hidden: 256, backend: "Triton (SM90)" }
        : { inner: 128, hidden: 256, backend: "Marlin" };
  return { ...p, format: { kind: "mxfp4", pad } };
}
